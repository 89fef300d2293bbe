from django.urls import path

from anxin.trust import views

app_name = "trust"
urlpatterns = [
    path("badge/", views.badge, name="badge"),
    path("badge/photo/", views.badge_photo_own, name="badge_photo_own"),
    path("badge/photo/upload/", views.badge_photo_upload, name="badge_photo_upload"),
    path("photo/", views.badge_photo, name="badge_photo"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:suspect_id>/review/", views.report_review, name="report_review"),
    path("reports/shot/<int:report_id>/", views.report_screenshot, name="report_screenshot"),
]
