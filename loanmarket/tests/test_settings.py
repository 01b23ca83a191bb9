import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # Not what the suite set for itself (the browser fixture allows async-unsafe calls).
    inherited = {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in inherited}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "loanmarket.settings.production",
    "SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
    "ALLOWED_HOSTS": "loanmarket.example.cn",
    "DATABASE_URL": "postgres://postgres:postgres@127.0.0.1:5432/postgres",
    "FIELD_ENCRYPTION_KEYS": "ZmRlZmF1bHQtdGVzdC1rZXktZm9yLWxvYW5tYXJrZXQ=",
    "BLIND_INDEX_KEYS": "v1:dGVzdC1ibGluZC1pbmRleC1rZXktZm9yLWxvYW5tYXJrZXQ=",
    "ADMIN_URL": "manage-7f3a/",
    "TRUSTED_PROXY_COUNT": "1",
    "CACHE_URL": "redis://127.0.0.1:6379/3",
    "ADMINS": "ops@loanmarket.example.cn",
}


def without(*names: str) -> dict[str, str]:
    return {name: value for name, value in PRODUCTION.items() if name not in names}


def test_production_settings_pass_the_deployment_check():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_serves_the_admin_at_its_admin_url():
    result = manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.urls import reverse; print(reverse('admin:index'))",
        **PRODUCTION,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "/manage-7f3a/"


@pytest.mark.parametrize("admin_url", [None, "/admin", "<slug:x>/"])
def test_production_refuses_to_start_without_an_admin_url_of_its_own(admin_url):
    env = without("ADMIN_URL") if admin_url is None else {**PRODUCTION, "ADMIN_URL": admin_url}

    result = manage("check", **env)

    assert result.returncode != 0
    assert "Set ADMIN_URL" in result.stderr


def test_production_refuses_to_start_without_saying_how_the_client_address_arrives():
    result = manage("check", **without("TRUSTED_PROXY_COUNT"))

    assert result.returncode != 0
    assert "Set TRUSTED_PROXY_COUNT" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"), [("TRUSTED_PROXY_COUNT", "2"), ("TRUSTED_CLIENT_IP_HEADER", "X-Real-IP")]
)
def test_production_takes_the_client_address_from_the_proxy_it_is_told_of(name, value):
    result = manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings as s; "
        "print(s.TRUSTED_PROXY_COUNT, s.TRUSTED_CLIENT_IP_HEADER or '-')",
        **{**without("TRUSTED_PROXY_COUNT"), name: value},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == (["2", "-"] if value == "2" else ["0", "X-Real-IP"])


def test_with_clients_connecting_directly_a_forged_https_header_is_not_believed():
    """X-Forwarded-Proto is a proxy's word; with no proxy of ours anyone could send it."""
    settings_of = "from django.conf import settings as s; print(s.SECURE_PROXY_SSL_HEADER)"

    direct = manage(
        "shell", "-v", "0", "-c", settings_of, **{**PRODUCTION, "TRUSTED_PROXY_COUNT": "0"}
    )
    proxied = manage("shell", "-v", "0", "-c", settings_of, **PRODUCTION)

    assert direct.stdout.strip() == "None", direct.stderr
    assert proxied.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')", proxied.stderr


def test_directly_connected_production_passes_the_deployment_check():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **{**PRODUCTION, "TRUSTED_PROXY_COUNT": "0"}
    )

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("name", "says"), [("CACHE_URL", "Set CACHE_URL"), ("ADMINS", "Set ADMINS")]
)
def test_production_refuses_to_start_without_a_shared_cache_or_someone_to_tell(name, says):
    result = manage("check", **without(name))

    assert result.returncode != 0
    assert says in result.stderr


def test_production_has_no_development_tools_even_with_debug_on():
    """load_demo would create a superuser whose password and TOTP secret are published."""
    result = manage("load_demo", **{**PRODUCTION, "DEBUG": "1"})

    assert result.returncode != 0
    assert "Unknown command: 'load_demo'" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_SETTINGS_MODULE="loanmarket.settings.production")

    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_encryption_keys():
    result = manage(
        "check",
        DJANGO_SETTINGS_MODULE="loanmarket.settings.production",
        SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        FIELD_ENCRYPTION_KEYS="",
    )

    assert result.returncode != 0
    assert "Set FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEYS" in result.stderr
