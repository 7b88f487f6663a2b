"""Notifications read in the reader's language (kam/messages.py): the text is translated when
it is shown, not in the language of whoever caused it."""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy, ngettext_lazy

from accounts.services import loan_request
from kam.messages import Month, joined, message
from kam.models import Notification
from kam.reminders import email_digest
from kam.roles import Role


def _inbox(client, user, language: str) -> str:
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(reverse("inbox")).content.decode()


@pytest.fixture
def asked_in_chinese(cast):
    """A colleague of another department, working in Chinese, asks to borrow the archive."""
    until = timezone.localdate() + dt.timedelta(days=10)
    with translation.override("zh-hans"):
        loan_request(account=cast.account, by=cast.staff, reason="投标需要", until=until)
    return Notification.objects.get(recipient=cast.owner, kind="loan_request")


def test_a_notification_caused_in_chinese_reads_in_english_for_an_english_reader(
    cast, client, asked_in_chinese
):
    page = _inbox(client, cast.owner, "en")
    assert f"{cast.staff} asks to borrow the archive of {cast.account.name}" in page
    assert "申请借阅" not in page


def test_and_in_chinese_for_a_chinese_reader(cast, client, asked_in_chinese):
    page = _inbox(client, cast.owner, "zh-hans")
    assert f"{cast.staff} 申请借阅 {cast.account.name} 的档案" in page


def test_rows_written_before_messages_were_stored_show_their_text(cast, client):
    Notification.objects.create(recipient=cast.owner, kind="plan_due", key="old", title="旧提醒")
    assert "旧提醒" in _inbox(client, cast.owner, "en")


def test_counts_months_and_labels_are_worded_in_the_reader_language():
    body = message(
        ngettext_lazy(
            "You have %(n)s scheduled visit to key accounts in %(year)s.",
            "You have %(n)s scheduled visits to key accounts in %(year)s.",
            "n",
        ),
        n=3,
        year=2027,
    )
    title = message(
        gettext_lazy("Your visit plan for %(month)s is approved"), month=Month(dt.date(2026, 11, 1))
    )
    with translation.override("en"):
        assert str(body) == "You have 3 scheduled visits to key accounts in 2027."
        assert str(title) == "Your visit plan for November 2026 is approved"
    with translation.override("zh-hans"):
        assert str(title) == "您 2026年11月 的月拜访计划表已批准"


def test_a_message_that_no_longer_renders_falls_back_to_the_stored_text(cast):
    note = Notification(
        recipient=cast.owner,
        title="旧标题",
        message={"title": {"func": "gettext", "args": {"message": "%(gone)s"}, "params": {}}},
    )
    assert note.shown_title == "旧标题"


def test_switching_language_is_remembered_on_the_signed_in_user(cast, client):
    client.force_login(cast.owner)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    cast.owner.refresh_from_db()
    assert cast.owner.language == "en"
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    cast.owner.refresh_from_db()
    assert cast.owner.language == "en"  # not a language of the site: nothing changes


def test_the_digest_reads_in_the_language_its_reader_chose(
    cast, settings, asked_in_chinese, django_capture_on_commit_callbacks
):
    settings.EMAIL_URL = "smtp://localhost"
    cast.owner.email, cast.owner.language = "owner@example.cn", "en"
    cast.owner.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert email_digest(timezone.localdate()) == 1
    (sent,) = mail.outbox
    assert sent.subject == "1 new reminders"
    assert f"{cast.staff} asks to borrow the archive of {cast.account.name}" in sent.body


def test_joined_parts_are_each_worded_in_the_reader_language():
    parts = joined([joined([Role.SALES_MANAGER.label, 2], " "), Month(dt.date(2026, 11, 1))], " · ")
    with translation.override("en"):
        assert str(parts) == "Sales manager 2 · November 2026"
    with translation.override("zh-hans"):
        assert str(parts) == f"{Role.SALES_MANAGER.label} 2 · 2026年11月"
        assert "Sales manager" not in str(parts)
