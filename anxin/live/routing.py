from django.urls import path

from anxin.live import consumers

websocket_urlpatterns = [
    path("ws/orders/<str:number>/", consumers.OrderConsumer.as_asgi()),
    path("ws/orders/<str:number>/video/", consumers.VideoConsumer.as_asgi()),
    path("ws/board/", consumers.BoardConsumer.as_asgi()),
]
