from django.urls import path

from anxin.evidence import views

app_name = "evidence"
urlpatterns = [
    path("new/", views.claim_new, name="new"),
    path("queue/", views.queue, name="queue"),
    path("queue/export.csv", views.queue_export, name="queue_export"),
    path("<str:number>/", views.claim_status, name="status"),
    path("<str:number>/review/", views.review, name="review"),
    path("<str:number>/files/<int:file_id>/heatmap.png", views.heatmap, name="heatmap"),
]
