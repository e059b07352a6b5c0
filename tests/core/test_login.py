"""Login: every page needs it, and repeated failures lock an account out for a while."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from claims.models import LoginFailure
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def attempt(client: Client, password: str, path: str = "/accounts/login/") -> Any:
    return client.post(path, {"username": "ed", "password": password})


def test_five_failures_lock_the_account_even_for_the_right_password(
    client: Client, editor: Any, settings: Any
) -> None:
    settings.NEWSDESK_LOGIN_MAX_FAILURES = 5
    for _ in range(5):
        assert attempt(client, "wrong-password").status_code == 200
    response = attempt(client, PASSWORD)
    assert response.status_code == 200
    assert "Too many failed logins. Try again in 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_ends_after_the_lockout_time(client: Client, editor: Any) -> None:
    for _ in range(5):
        attempt(client, "wrong-password")
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=16))
    response = attempt(client, PASSWORD)
    assert response.status_code == 302
    assert not LoginFailure.objects.filter(username="ed").exists()  # a success clears them


def test_fewer_failures_do_not_lock(client: Client, editor: Any) -> None:
    for _ in range(4):
        attempt(client, "wrong-password")
    assert attempt(client, PASSWORD).status_code == 302


def test_the_admin_login_is_throttled_too(client: Client, editor: Any) -> None:
    for _ in range(5):
        attempt(client, "wrong-password", "/admin/login/")
    response = attempt(client, PASSWORD, "/admin/login/")
    assert "Too many failed logins" in response.content.decode()


def test_every_page_and_export_needs_a_login(client: Client) -> None:
    for path in ["/", "/stories/anything/", "/admin/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert "login" in response["Location"], path


def test_pages_carry_a_content_security_policy(client: Client) -> None:
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
