"""Login with throttling: too many failures for one account, or from one address, lock it
out for a while. Failures are kept in the database, so every web process sees them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.utils import timezone

from claims.models import LoginFailure

# An address may fail more often than one account: a newsroom shares one public address.
ADDRESS_FACTOR = 4


def _client_address(request: Any) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def minutes_locked(username: str, address: str | None) -> int:
    """How many more minutes logins for this account or address are refused (0: none)."""
    window = timedelta(minutes=settings.NEWSDESK_LOGIN_LOCKOUT_MINUTES)
    since = timezone.now() - window
    limit = settings.NEWSDESK_LOGIN_MAX_FAILURES
    recent = LoginFailure.objects.filter(at__gte=since)
    by_account = recent.filter(username=username.lower()).order_by("-at")
    by_address = recent.filter(ip_address=address).order_by("-at") if address else None
    newest = None
    if by_account.count() >= limit:
        newest = by_account.values_list("at", flat=True)[limit - 1]
    if by_address is not None and by_address.count() >= limit * ADDRESS_FACTOR:
        newest = max(filter(None, [newest, by_address.values_list("at", flat=True)[0]]))
    if newest is None:
        return 0
    remaining = newest + window - timezone.now()
    return max(1, -(-int(remaining.total_seconds()) // 60))


class LoginThrottleMixin:
    """For an AuthenticationForm: refuse while locked out, and count each failure."""

    request: Any
    data: Any

    def clean(self) -> dict[str, Any]:
        username = (self.data.get("username") or "").strip()
        address = _client_address(self.request) if self.request else None
        minutes = minutes_locked(username, address)
        if minutes:
            raise forms.ValidationError(
                f"Too many failed logins. Try again in {minutes} minute"
                f"{'s' if minutes != 1 else ''}, or ask an administrator to help.",
                code="locked",
            )
        try:
            cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]
        except forms.ValidationError:
            LoginFailure.objects.create(username=username.lower()[:150], ip_address=address)
            raise
        LoginFailure.objects.filter(username=username.lower()).delete()
        return cleaned


class ThrottledAuthenticationForm(LoginThrottleMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(LoginThrottleMixin, AdminAuthenticationForm):
    pass


class ThrottledLoginView(LoginView):
    authentication_form = ThrottledAuthenticationForm
