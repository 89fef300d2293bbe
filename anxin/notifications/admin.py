"""Back office for background work: the job table with its dead letters, and a retry button."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from anxin.notifications.choices import JobStatus
from anxin.notifications.jobs import job_retry
from anxin.notifications.models import Job


@admin.register(Job)
class JobAdmin(ModelAdmin):
    list_display = [
        "id",
        "kind",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "done_at",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["=id", "kind"]
    readonly_fields = [f.name for f in Job._meta.fields]
    actions = ["retry_dead_jobs"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Job | None = None) -> bool:
        return False

    @admin.action(description=_("重新执行所选的已放弃任务"), permissions=["change"])
    def retry_dead_jobs(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        dead = list(queryset.filter(status=JobStatus.DEAD))
        for job in dead:
            job_retry(job=job)
        self.message_user(
            request,
            gettext("已重新排队 %(count)d 个任务。") % {"count": len(dead)},
            messages.SUCCESS,
        )
