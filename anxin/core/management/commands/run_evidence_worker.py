"""Drain the evidence queue in a worker whose address space is capped (RLIMIT_AS).

A decompression bomb or a huge video then fails that one task with MemoryError instead of
swapping the machine or getting the web server OOM-killed; `serve` (or systemd) restarts the
worker if it dies anyway.
"""

from __future__ import annotations

import logging
import resource
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.module_loading import autodiscover_modules

logger = logging.getLogger("anxin.evidence")


def memory_limit_apply(megabytes: int) -> None:
    """Cap this process's address space; 0 leaves it unlimited."""
    if megabytes <= 0:
        return
    limit = megabytes * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


class Command(BaseCommand):
    help = "Run the evidence-analysis queue consumer under a memory limit (ANXIN_EVIDENCE_WORKER_MEMORY_MB)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--memory-mb", type=int, default=settings.ANXIN_EVIDENCE_WORKER_MEMORY_MB)
        parser.add_argument("--workers", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        from anxin.core.queues import evidence_huey

        autodiscover_modules("tasks")
        memory_limit_apply(options["memory_mb"])
        logger.info(
            "evidence worker: %s thread(s), memory limit %s MB", options["workers"], options["memory_mb"]
        )
        consumer = evidence_huey.create_consumer(
            workers=options["workers"], worker_type="thread", periodic=False, check_worker_health=True
        )
        consumer.run()
