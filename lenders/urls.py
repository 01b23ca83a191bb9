from django.urls import path

from . import views

app_name = "lenders"

urlpatterns = [
    path("", views.home, name="home"),
    path("loans/", views.catalogue, name="catalogue"),
    path("loans/<slug:lender_slug>/<slug:product_slug>/", views.product_detail, name="product"),
    path(
        "loans/<slug:lender_slug>/<slug:product_slug>/schedule.json",
        views.schedule_json,
        name="schedule",
    ),
]
