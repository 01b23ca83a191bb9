from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("", views.home, name="home"),
    path("applications/", views.inbox, name="inbox"),
    path("applications/export.csv", views.export, name="export"),
    path("applications/<uuid:application_id>/", views.detail, name="detail"),
    path("applications/<uuid:application_id>/<slug:decision>/", views.decide, name="decide"),
]
