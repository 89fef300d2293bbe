from django.urls import path

from anxin.backoffice import views

app_name = "workorders"  # URL names unchanged when the pages moved here
urlpatterns = [
    path("", views.order_list, name="list"),
    path("export.csv", views.order_export, name="export"),
    path("<str:number>/", views.order_detail, name="detail"),
    path("<str:number>/correct/", views.order_correct, name="correct"),
    path("<str:number>/transition/", views.order_transition, name="transition"),
    path("<str:number>/reveal/<str:field>/", views.order_reveal, name="reveal"),
    path("<str:number>/sla/", views.order_sla_action, name="sla_action"),
]
