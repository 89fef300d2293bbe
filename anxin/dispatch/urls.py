from django.urls import path

from anxin.dispatch import views

app_name = "dispatch"
urlpatterns = [
    path("board/", views.board, name="board"),
    path("board/alerts/", views.board_alerts, name="board_alerts"),
    path("board/orders/<str:number>/reassign/", views.board_reassign, name="reassign"),
    path("board/orders/<str:number>/pin/", views.board_pin, name="pin"),
    path("orders/<str:number>/panel/", views.order_panel, name="order_panel"),
    path("me/", views.me, name="me"),
    path("me/offers/<int:offer_id>/", views.me_offer, name="me_offer"),
    path("me/orders/<str:number>/", views.me_advance, name="me_advance"),
    path("me/status/", views.me_status, name="me_status"),
    path("me/location/", views.me_location, name="me_location"),
    path("slots/<str:number>/", views.slots, name="slots"),
]
