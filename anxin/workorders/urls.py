from django.urls import path

from anxin.workorders import views

# Under /orders/ beside the back office's order pages (namespace "workorders"), hence a namespace of its own.
app_name = "attachments"
urlpatterns = [
    path("<str:number>/attachments/<int:attachment_id>/", views.attachment_file, name="file"),
    path("<str:number>/attachments/<int:attachment_id>/thumb/", views.attachment_thumb, name="thumb"),
]
