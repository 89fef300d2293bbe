from django.urls import path

from anxin.customers import views

app_name = "customers"
urlpatterns = [
    path("customer-login/", views.customer_login, name="login"),
]
