"""Signing in and out: throttling, idle sessions, password rules, every role's start page."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from kam.roles import Role
from kam.tests.factories import PASSWORD, AccountFactory, UserFactory

pytestmark = pytest.mark.django_db

LOCKOUT_TEMPLATE = "registration/locked_out.html"


@pytest.fixture
def user(db):
    return UserFactory(username="wangxiaoming", role=Role.KAM)


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def templates(response) -> set[str]:
    return {t.name for t in response.templates}


def test_right_password_signs_in(client, user):
    response = sign_in(client, "wangxiaoming", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert signed_in(client)


def test_sixth_attempt_is_locked_out_even_with_the_right_password(client, user):
    for _ in range(4):
        response = sign_in(client, "wangxiaoming", "wrong-password")
        assert response.status_code == 200  # the form again, with its error
        assert LOCKOUT_TEMPLATE not in templates(response)
    sign_in(client, "wangxiaoming", "wrong-password")  # the fifth failure

    response = sign_in(client, "wangxiaoming", PASSWORD)

    assert response.status_code == 429
    assert LOCKOUT_TEMPLATE in templates(response)
    assert not signed_in(client)


def test_four_failures_do_not_lock(client, user):
    for _ in range(4):
        sign_in(client, "wangxiaoming", "wrong-password")
    response = sign_in(client, "wangxiaoming", PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_lockout_is_per_user_name(client, user):
    UserFactory(username="li", role=Role.KAM)
    for _ in range(5):
        sign_in(client, "wangxiaoming", "wrong-password")
    assert sign_in(client, "li", PASSWORD).status_code == 302


def test_lockout_ends_after_half_an_hour(client, user):
    # (an attempt during the lockout restarts the half hour: axes' default, kept on purpose)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(5):
            sign_in(client, "wangxiaoming", "wrong-password")
        assert sign_in(client, "wangxiaoming", PASSWORD).status_code == 429
        traveller.shift(dt.timedelta(minutes=31))
        assert sign_in(client, "wangxiaoming", PASSWORD).status_code == 302


def test_idle_session_settings():
    assert settings.SESSION_COOKIE_AGE == 2 * 3600
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_activity_keeps_the_session_and_idleness_ends_it(client, user):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        assert sign_in(client, "wangxiaoming", PASSWORD).status_code == 302
        # working steadily for five hours: each request pushes the expiry forward
        for _ in range(3):
            traveller.shift(dt.timedelta(hours=1, minutes=50))
            assert client.get(reverse("home")).status_code == 200
        # then two idle hours and a minute
        traveller.shift(dt.timedelta(hours=2, minutes=1))
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_too_short_password_is_refused(client, user):
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "x7#q", "new_password2": "x7#q"},
    )
    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize("new", ["12345678901", "password123", "wangxiaoming1"])
def test_weak_passwords_are_refused(client, user, new):
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_good_password_is_accepted_and_the_session_survives(client, user):
    client.force_login(user)
    new = "Qiu-tian-2026-微研"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    assert client.get(reverse("home")).status_code == 200


def test_password_change_needs_the_old_password(client, user):
    client.force_login(user)
    new = "Qiu-tian-2026-微研"
    response = client.post(
        reverse("password_change"),
        {"old_password": "not-it", "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_logout_is_post_only(client, user):
    client.force_login(user)
    assert client.get(reverse("logout")).status_code == 405
    assert signed_in(client)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert not signed_in(client)
    assert client.get(reverse("home")).status_code == 302


def test_home_needs_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", list(Role))
def test_home_renders_for_every_role(client, role):
    user = UserFactory(role=role)
    AccountFactory(owner=user if role == Role.KAM else UserFactory(role=Role.KAM))
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert str(user) in response.content.decode()
    lists = role in {Role.KAM, Role.SALES_MANAGER, Role.SALES_VP, Role.GM, Role.ADMIN}
    assert ("account_count" in response.context) is lists
    if role in {Role.KAM, Role.SALES_VP, Role.GM, Role.ADMIN}:
        assert response.context["account_count"] == 1


def test_signed_in_user_visiting_login_goes_home(client, user):
    client.force_login(user)
    response = client.get(reverse("login"))
    assert response.status_code == 302
    assert response.url == reverse("home")
