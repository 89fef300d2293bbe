from django.urls import path

from anxin.pricing import views

app_name = "pricing"
urlpatterns = [
    path("", views.price_index, name="index"),
    path("import/", views.price_list_upload, name="upload"),
    path("orders/<str:number>/", views.order_quote, name="order_quote"),
    path("orders/<str:number>/receipts/<str:receipt_number>/", views.receipt, name="receipt"),
    path("orders/<str:number>/signatures/<int:approval_id>.png", views.signature_image, name="signature"),
    path("quote/<str:number>/", views.customer_quote, name="customer_quote"),
    path("<slug:brand_code>/", views.price_brand, name="brand"),
]
