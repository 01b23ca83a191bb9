import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deployment_check():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="loanmarket.settings.production",
        SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        ALLOWED_HOSTS="loanmarket.example.cn",
        DATABASE_URL="postgres://postgres:postgres@127.0.0.1:5432/postgres",
        FIELD_ENCRYPTION_KEYS="ZmRlZmF1bHQtdGVzdC1rZXktZm9yLWxvYW5tYXJrZXQ=",
        BLIND_INDEX_KEYS="v1:dGVzdC1ibGluZC1pbmRleC1rZXktZm9yLWxvYW5tYXJrZXQ=",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


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
