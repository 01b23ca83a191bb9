import pytest
from django.urls import reverse

from devtools.testing.workers import broker_unreachable

pytestmark = pytest.mark.django_db


def test_health_check_reports_database_and_broker(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["broker"] == "ok"
    assert response["Cache-Control"].startswith("max-age=0")


def test_health_check_is_503_when_the_broker_is_down(client):
    with broker_unreachable():
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "broker": "unreachable",
        "worker_heartbeat": None,
    }


def test_robots_txt_keeps_crawlers_out_of_private_areas_without_naming_the_admin(client):
    response = client.get("/robots.txt")

    body = response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /applications/" in body
    assert reverse("admin:index") not in body  # its path is a secret in production


def test_favicon_ico_points_at_the_site_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")
