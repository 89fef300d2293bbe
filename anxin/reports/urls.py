from django.urls import URLPattern, path

from anxin.reports import views

app_name = "reports"
urlpatterns: list[URLPattern] = [
    path("<str:number>/pdf/", views.report_pdf, name="pdf"),
]
