from django.urls import path

from anxin.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.console, name="console"),
    path("caller/", views.caller_lookup, name="caller_lookup"),
]
