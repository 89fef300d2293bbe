from django.urls import path

from anxin.network import views

app_name = "network"
urlpatterns = [
    path("service-points/", views.service_points, name="service_points"),
    path("service-points/<int:pk>/coverage/", views.coverage_edit, name="coverage_edit"),
    path(
        "service-points/<int:pk>/coverage/<int:coverage_id>/delete/",
        views.coverage_remove,
        name="coverage_remove",
    ),
    path("lookup/", views.lookup, name="lookup"),
    path("coverage/", views.coverage_map, name="coverage_map"),
]
