from django.urls import path

from anxin.live import views

app_name = "live"
urlpatterns = [
    path("orders/<str:number>/arrive/", views.arrive, name="arrive"),
    path("orders/<str:number>/video/", views.video_page, name="video"),
    path("orders/<str:number>/video/consent/", views.video_consent, name="video_consent"),
    path("orders/<str:number>/recordings/", views.recording_start_view, name="recording_start"),
    path(
        "orders/<str:number>/recordings/<int:recording_id>/",
        views.recording_upload_view,
        name="recording_upload",
    ),
    path(
        "orders/<str:number>/recordings/<int:recording_id>/finish/",
        views.recording_finish_view,
        name="recording_finish",
    ),
    path(
        "orders/<str:number>/recordings/<int:recording_id>/file/", views.recording_file, name="recording_file"
    ),
]
