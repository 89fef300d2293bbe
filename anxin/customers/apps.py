from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "anxin.customers"
    label = "customers"
