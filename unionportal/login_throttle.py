"""Login throttling (django-axes): which address a login comes from, how long a lockout lasts, lifting it.

- A lockout is per (username, address): a wrong password typed for one account locks only that account
  from that address (AXES_LOCKOUT_PARAMETERS), never a colleague behind the same office NAT.
- The client's address is `REMOTE_ADDR`, unless AXES_IPWARE_PROXY_COUNT reverse proxies stand in front:
  then it is the address the outermost of them saw, read from the right of `X-Forwarded-For` (each
  proxy appends what it saw, so anything to the left of that was written by the client and is not
  trusted). django-ipware is not installed; this callable reads the same setting.
- The cool-off starts short (LOGIN_COOLOFF_MINUTES) and doubles with each further lockout of the pair
  within a day, up to LOGIN_COOLOFF_MAX_MINUTES.
- Setting a new password through the forgotten-password link lifts the lockout of that username.
"""

from __future__ import annotations

import datetime as dt

from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest
from django.utils import timezone

GROWTH_WINDOW = dt.timedelta(days=1)


def client_ip(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the client's address, trusting X-Forwarded-For only behind real proxies."""
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.AXES_IPWARE_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote  # fewer hops than proxies: the request did not come through them all
    return forwarded[-proxies]


def cool_off(request: HttpRequest | None = None) -> dt.timedelta:
    """AXES_COOLOFF_TIME: LOGIN_COOLOFF_MINUTES, doubled for each earlier lockout of the pair within a day."""
    base = dt.timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES)
    ceiling = dt.timedelta(minutes=settings.LOGIN_COOLOFF_MAX_MINUTES)
    address = getattr(request, "axes_ip_address", None) if request is not None else None
    username = get_client_username(request) if request is not None else None
    if not address or not username:
        return base
    failures = AccessFailureLog.objects.filter(
        username=username, ip_address=address, attempt_time__gte=timezone.now() - GROWTH_WINDOW
    ).count()
    earlier_lockouts = max(0, failures // settings.AXES_FAILURE_LIMIT - 1)
    return min(base * 2 ** min(earlier_lockouts, 20), ceiling)


def lockout_lift(*, username: str) -> None:
    """Forget the failed logins of `username` from every address (after a new password was set)."""
    AccessAttempt.objects.filter(username=username).delete()
    AccessFailureLog.objects.filter(username=username).delete()


class LockoutLiftingSetPasswordForm(SetPasswordForm):
    """The forgotten-password form: the new password also lifts a login lockout of the account."""

    def save(self, commit: bool = True):
        user = super().save(commit=commit)
        if commit:
            lockout_lift(username=user.get_username())
        return user
