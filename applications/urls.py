from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("applications/profile/", views.profile, name="profile"),
    path("applications/profile/<slug:step>/", views.profile_step, name="profile_step"),
    path("match/", views.match, name="match"),
]
