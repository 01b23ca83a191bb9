from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("applications/profile/", views.profile, name="profile"),
    path("applications/profile/<slug:step>/", views.profile_step, name="profile_step"),
    path("match/", views.match, name="match"),
    path("applications/", views.applications, name="list"),
    path("applications/<uuid:application_id>/", views.detail, name="detail"),
    path("applications/<uuid:application_id>/withdraw/", views.withdraw, name="withdraw"),
    path("applications/<uuid:application_id>/accept/", views.accept_offer, name="accept_offer"),
    path("applications/<uuid:application_id>/decline/", views.decline_offer, name="decline_offer"),
    path(
        "applications/apply/<slug:lender_slug>/<slug:product_slug>/",
        views.apply,
        name="apply",
    ),
]
