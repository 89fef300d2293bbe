from django.urls import path

from anxin.live import views

app_name = "live"
urlpatterns = [
    path("orders/<str:number>/arrive/", views.arrive, name="arrive"),
]
