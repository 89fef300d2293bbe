from django.urls import path

from anxin.portal import views

app_name = "portal"
urlpatterns = [
    path("repair/", views.repair, name="repair"),
    path("repair/received/", views.received, name="received"),
    path("track/<str:number>/", views.track, name="track"),
    path("track/<str:number>/cancel/", views.track_cancel, name="track_cancel"),
    path("track/<str:number>/messages/", views.track_messages, name="track_messages"),
    path("verify/", views.verify, name="verify"),
    path("my/", views.my_orders, name="my_orders"),
    path("my/<str:number>/", views.my_order, name="my_order"),
]
