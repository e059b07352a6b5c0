"""Settings come from the environment; a bad value names the variable to fix."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
GOOD = {
    "DATABASE_URL": "postgres://u:p@127.0.0.1:5/newsdesk",
    "REDIS_URL": "redis://127.0.0.1:6/0",
    "SECRET_KEY": "x" * 50,
}


def load_settings(
    *, show: str = "s.DEBUG, s.ALLOWED_HOSTS, s.NEWSDESK_MAX_ARTICLE_BYTES", **overrides: str | None
) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in GOOD}
    env.update(GOOD)
    env["PYTHONPATH"] = str(BASE_DIR)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    code = f"import newsdesk.settings as s; print({show})"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )


def test_it_loads_a_complete_production_environment() -> None:
    result = load_settings(DEBUG="false", ALLOWED_HOSTS="desk.example.org")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "['desk.example.org']", str(5 * 1024 * 1024)]


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be true or false"),
        ("DATABASE_URL", "mysql://u:p@h/db", "DATABASE_URL must point to PostgreSQL"),
        ("DATABASE_URL", "not a url at all", "DATABASE_URL"),
        ("REDIS_URL", "http://127.0.0.1/", "REDIS_URL must start with"),
        ("SECRET_KEY", "short", "SECRET_KEY must be at least 32 characters"),
        ("SECRET_KEY", None, "Set SECRET_KEY"),
        ("NEWSDESK_MAX_UPLOAD_MB", "five", "NEWSDESK_MAX_UPLOAD_MB must be a whole number"),
        ("NEWSDESK_MAX_UPLOAD_MB", "0", "NEWSDESK_MAX_UPLOAD_MB must be at least 1"),
        (
            "NEWSDESK_VISIBILITY_TIMEOUT",
            "3600",
            "NEWSDESK_VISIBILITY_TIMEOUT must be at least 3601",
        ),
    ],
)
def test_a_bad_value_raises_improperly_configured_naming_it(
    variable: str, value: str | None, message: str
) -> None:
    result = load_settings(**{variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_upload_limit_follows_the_environment() -> None:
    result = load_settings(NEWSDESK_MAX_UPLOAD_MB="2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == str(2 * 1024 * 1024)


def test_a_blank_value_is_the_default_not_the_working_directory() -> None:
    result = load_settings(show="s.DATA_DIR, s.TIME_ZONE", NEWSDESK_DATA_DIR="  ", TIME_ZONE="")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(BASE_DIR / ".newsdesk"), "UTC"]
    blank_list = load_settings(show="s.CSRF_TRUSTED_ORIGINS", CSRF_TRUSTED_ORIGINS="")
    assert blank_list.stdout.split() == ["[]"]


def test_the_defaults_are_not_debug_and_serve_only_loopback() -> None:
    result = load_settings(DEBUG=None, ALLOWED_HOSTS=None)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:3] == ["False", "['127.0.0.1',", "'localhost']"]


def test_a_task_is_redelivered_only_after_the_longest_task_could_have_ended() -> None:
    from django.conf import settings

    assert settings.CELERY_TASK_ACKS_LATE is True
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert timeout > settings.CELERY_TASK_TIME_LIMIT


def test_the_documented_production_environment_passes_check_deploy() -> None:
    env = {key: value for key, value in os.environ.items() if key not in GOOD}
    env.update(GOOD, PYTHONPATH=str(BASE_DIR), DEBUG="false", SECURE_HTTPS="true",
               ALLOWED_HOSTS="news.example.org", SECRET_KEY="k3y-" + "x7Q" * 20)  # fmt: skip
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout
