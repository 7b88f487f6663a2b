"""The product's own 403, 404 and 500 pages: in its layout and the user's language, with a
way back; the 500 page without a request context or the database."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kam.errors import server_error

pytestmark = pytest.mark.django_db


def _is_ours(html: str) -> bool:
    return (
        'class="navbar' in html
        and f'href="{reverse("home")}"' in html
        and 'id="error-home"' in html
    )


def test_a_missing_page_is_ours_in_chinese(client, cast):
    client.force_login(cast.owner)
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404 and _is_ours(html)
    assert '<html lang="zh-hans">' in html and "页面不存在" in html
    assert "Not Found" not in html and "The requested resource" not in html


def test_an_archive_that_is_not_yours_says_so_in_the_layout(client, cast):
    client.force_login(cast.staff)
    response = client.get(reverse("accounts:detail", args=[cast.account.pk]))
    assert response.status_code == 404 and _is_ours(response.content.decode())


def test_a_forbidden_page_is_ours_in_chinese(client, cast):
    client.force_login(cast.staff)
    response = client.get(reverse("accounts:access_log"))
    html = response.content.decode()
    assert response.status_code == 403 and _is_ours(html)
    assert "无权" in html and "403 Forbidden" not in html


def test_an_expired_form_gets_our_403_page_with_a_hint():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    html = response.content.decode()
    assert response.status_code == 403 and _is_ours(html)
    assert "重试" in html and "CSRF" not in html


def test_the_500_page_needs_no_request_context_nor_database(rf, django_assert_num_queries):
    with translation.override("zh-hans"), django_assert_num_queries(0):
        response = server_error(rf.get("/"))
    html = response.content.decode()
    assert response.status_code == 500 and _is_ours(html)
    assert "出错" in html and "Server Error" not in html
    with translation.override("en"):
        assert "Something went wrong" in server_error(rf.get("/")).content.decode()


def test_an_exception_in_a_view_shows_the_500_page(client, cast, monkeypatch):
    import kam.views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    client.raise_request_exception = False
    client.force_login(cast.owner)
    monkeypatch.setattr(kam.views, "render", broken)
    response = client.get(reverse("inbox"))
    assert response.status_code == 500
    assert 'id="error-home"' in response.content.decode()
    assert response["Content-Security-Policy"]
