"""Login throttling: per (username, address), a cool-off that grows, lifted by a new password; proxies."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RIGHT = "test-pass-123"


def _login(client, username: str, password: str, **headers):
    return client.post(reverse("login"), {"username": username, "password": password}, **headers)


def _lock(client, username: str, **headers) -> None:
    for _attempt in range(5):
        _login(client, username, "wrong", **headers)


def _age(minutes: int) -> None:
    """Move every recorded failure `minutes` into the past (as if that much time went by)."""
    delta = dt.timedelta(minutes=minutes)
    for attempt in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=attempt.attempt_time - delta)
    for failure in AccessFailureLog.objects.all():
        AccessFailureLog.objects.filter(pk=failure.pk).update(attempt_time=failure.attempt_time - delta)


def test_a_lockout_holds_only_the_username_from_that_address(client):
    UserFactory(username="victim")
    UserFactory(username="colleague")
    _lock(client, "victim", REMOTE_ADDR="10.0.0.7")
    assert _login(client, "victim", RIGHT, REMOTE_ADDR="10.0.0.7").status_code == 429
    assert _login(client, "colleague", RIGHT, REMOTE_ADDR="10.0.0.7").status_code == 302
    client.logout()
    assert _login(client, "victim", RIGHT, REMOTE_ADDR="10.0.0.8").status_code == 302


def test_the_first_cool_off_is_short_and_the_next_one_twice_as_long(client, settings):
    settings.LOGIN_COOLOFF_MINUTES = 5
    UserFactory(username="victim")
    _lock(client, "victim")
    assert _login(client, "victim", RIGHT).status_code == 429
    _age(6)
    _lock(client, "victim")  # a second round within the day: ten minutes now
    _age(9)
    assert _login(client, "victim", RIGHT).status_code == 429  # (an attempt while locked starts the clock again)
    _age(11)
    assert _login(client, "victim", RIGHT).status_code == 302


def test_the_cool_off_never_exceeds_its_ceiling(client, settings):
    settings.LOGIN_COOLOFF_MINUTES = 5
    settings.LOGIN_COOLOFF_MAX_MINUTES = 15
    UserFactory(username="victim")
    for _round in range(4):  # would be 5, 10, 20, 40 minutes
        _lock(client, "victim")
        _age(16)
    _lock(client, "victim")
    _age(16)
    assert _login(client, "victim", RIGHT).status_code == 302


def test_a_new_password_through_the_reset_link_lifts_the_lockout(client):
    user = UserFactory(username="victim")
    _lock(client, "victim")
    assert _login(client, "victim", RIGHT).status_code == 429
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    form_url = client.get(reverse("password_reset_confirm", args=[uid, token]))["Location"]
    response = client.post(form_url, {"new_password1": "N3w-long-passphrase", "new_password2": "N3w-long-passphrase"})
    assert response.status_code == 302
    assert _login(client, "victim", "N3w-long-passphrase").status_code == 302


def test_without_a_proxy_a_forged_forwarded_for_header_does_not_escape_the_lockout(client, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 0
    UserFactory(username="victim")
    for number in range(5):
        _login(client, "victim", "wrong", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
    forged = _login(client, "victim", RIGHT, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert forged.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}


def test_behind_one_proxy_the_address_it_saw_is_the_clients(client, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    UserFactory(username="victim")
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    # The client forged the left part; the proxy appended the address it really saw.
    _lock(client, "victim", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7", **proxy)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}
    assert _login(client, "victim", RIGHT, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7", **proxy).status_code == 429
    # Another office behind the same proxy is not locked out.
    assert _login(client, "victim", RIGHT, HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy).status_code == 302
