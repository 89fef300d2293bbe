from django.urls import path

from anxin.parts import views

app_name = "parts"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<int:pk>/codes/", views.part_codes, name="part_codes"),
    path("<int:pk>/codes/<str:code>.png", views.code_png, name="code_png"),
    path("orders/<str:number>/", views.order_parts, name="order_parts"),
    path("alerts/", views.alerts, name="alerts"),
    path("stock/", views.stock, name="stock"),
    path("returns/", views.returns, name="returns"),
]
