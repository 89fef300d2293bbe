from django.urls import path

from anxin.visits import views

app_name = "visits"
urlpatterns = [
    path("<str:number>/", views.visit_page, name="page"),
    path("<str:number>/checklist/", views.checklist_page, name="checklist"),
    path("<str:number>/inspections/", views.inspection_start, name="start"),
    path(
        "<str:number>/inspections/<int:inspection_id>/complete/",
        views.inspection_complete,
        name="inspection_complete",
    ),
    path("<str:number>/inspections/<int:inspection_id>/items/<slug:code>/", views.item_record, name="item"),
    path(
        "<str:number>/inspections/<int:inspection_id>/items/<slug:code>/photo/",
        views.item_photo,
        name="item_photo",
    ),
    path(
        "<str:number>/inspections/<int:inspection_id>/assessment/", views.assessment_report, name="assessment"
    ),
    path("<str:number>/complete/", views.visit_complete, name="complete"),
    path("<str:number>/photos/", views.photo_upload, name="photos"),
    path("<str:number>/diagnosis/", views.diagnosis_record, name="diagnosis"),
]
