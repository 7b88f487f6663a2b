"""The job machinery: idempotent reminders, the e-mail digest, run_jobs, a real worker."""

import contextlib
import datetime as dt
import os
import subprocess
import sys
import time
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import AccountEvent, KeyAccount
from accounts.reminders import event_reminders, occurrence, review_reminders
from kam.celery import app as celery_app
from kam.jobs import beat_schedule
from kam.models import Notification
from kam.reminders import email_digest
from kam.tasks import broker_circuit_reset, enqueue, ping, run_job, run_job_now
from kam.tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 27)


def _age(account, days):
    KeyAccount.objects.filter(pk=account.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days),
        tier_since=timezone.localdate() - dt.timedelta(days=days),
    )


def test_review_reminder_once_a_month_however_often_the_job_runs():
    stale, fresh = AccountFactory(), AccountFactory()
    _age(stale, 200)
    _age(fresh, 10)
    assert review_reminders(TODAY) == 1
    assert review_reminders(TODAY) == 0
    rows = list(Notification.objects.values_list("recipient_id", "kind", "key", "url"))
    review = reverse("accounts:review_new", args=[stale.pk])
    assert rows == [(stale.owner_id, "review_due", "review_due:2026-11", review)]
    assert review_reminders(dt.date(2026, 11, 30)) == 0
    # a new month brings a new reminder while the review is still not done
    assert review_reminders(dt.date(2026, 12, 1)) == 1


def test_review_reminder_names_every_overdue_archive_of_an_owner_in_one_line():
    first = AccountFactory(name="甲公司")
    others = [AccountFactory(owner=first.owner, name=f"乙{i}公司") for i in range(2)]
    for account in (first, *others):
        _age(account, 300)
    with translation.override("en"):
        assert review_reminders(TODAY) == 1
    note = Notification.objects.get()
    assert note.title == "3 archives are due for their semiannual review"
    assert sorted(note.body.split("、")) == ["乙0公司", "乙1公司", "甲公司"]
    assert note.url == reverse("accounts:reviews_overdue")


@pytest.mark.parametrize(
    ("today", "fires"),
    [
        (dt.date(2026, 12, 6), False),  # four days before
        (dt.date(2026, 12, 7), True),  # three days before
        (dt.date(2026, 12, 10), True),  # on the day
        (dt.date(2026, 12, 11), False),  # the day after
    ],
)
def test_anniversary_reminder_fires_three_days_ahead_and_not_after(today, fires):
    account = AccountFactory()
    AccountEvent.objects.create(
        account=account,
        kind="anniversary",
        title="成立周年",
        date=dt.date(2001, 12, 10),
        yearly=True,
    )
    assert event_reminders(today) == int(fires)


def test_yearly_event_on_29_february_falls_on_the_28th_in_common_years():
    assert occurrence(dt.date(2004, 2, 29), 2027) == dt.date(2027, 2, 28)
    assert occurrence(dt.date(2004, 2, 29), 2028) == dt.date(2028, 2, 29)


def test_one_off_event_reminds_once_and_cancelled_events_never():
    account = AccountFactory()
    AccountEvent.objects.create(
        account=account, kind="honour", title="获奖", date=dt.date(2026, 11, 29)
    )
    AccountEvent.objects.create(
        account=account,
        kind="honour",
        title="取消",
        date=dt.date(2026, 11, 29),
        is_cancelled=True,
    )
    assert event_reminders(TODAY) == 1
    assert event_reminders(TODAY + dt.timedelta(days=1)) == 0


def test_digest_sends_one_mail_per_person_only_when_email_is_configured(
    settings, django_capture_on_commit_callbacks
):
    a = AccountFactory(owner__email="kam@example.cn")
    b = AccountFactory(owner=a.owner)
    for account in (a, b):
        _age(account, 300)
    review_reminders(TODAY)
    assert email_digest(TODAY) == 0  # no EMAIL_URL: the inbox is the only channel
    settings.EMAIL_URL = "smtp://localhost"
    with django_capture_on_commit_callbacks(execute=True):  # mail goes once committed
        assert email_digest(TODAY) == 1
    assert len(mail.outbox) == 1
    assert a.name in mail.outbox[0].body and b.name in mail.outbox[0].body
    assert email_digest(TODAY) == 0


def test_the_digest_words_deadlines_on_the_day_it_is_sent(
    settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_URL = "smtp://localhost"
    owner = AccountFactory(owner__email="kam@example.cn").owner
    Notification.objects.create(
        recipient=owner, kind="plan_due", key="k", title="计划", due_on=TODAY - dt.timedelta(days=2)
    )
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        assert email_digest(TODAY) == 1
    assert "- 计划 (" in mail.outbox[0].body
    assert str(TODAY - dt.timedelta(days=2)) not in mail.outbox[0].body


def test_run_jobs_twice_leaves_the_same_rows():
    _age(AccountFactory(), 300)
    out = StringIO()
    call_command("run_jobs", "--date", "2026-11-27", stdout=out)
    first = sorted(Notification.objects.values_list("recipient_id", "key"))
    call_command("run_jobs", "--date", "2026-11-27", stdout=out)
    assert sorted(Notification.objects.values_list("recipient_id", "key")) == first
    assert "review_reminders: 1 created" in out.getvalue()


def test_a_failing_job_leaves_nothing_behind(monkeypatch):
    _age(AccountFactory(), 300)
    from kam.registry import JobSpec, registry

    def broken(today):
        review_reminders(today)
        raise RuntimeError("disk full")

    monkeypatch.setitem(registry.jobs, "broken", JobSpec("broken", broken))
    with pytest.raises(RuntimeError):
        run_job_now("broken", TODAY)
    assert not Notification.objects.exists()


def test_beat_schedule_lists_every_job_once():
    schedule = beat_schedule()
    assert {"review_reminders", "event_reminders", "email_digest"} <= set(schedule)
    assert all(entry["task"] == "kam.tasks.run_job" for entry in schedule.values())


@contextlib.contextmanager
def broker(**conf):
    """Point the app at another broker for one test; Celery caches its pools and backend."""

    def apply(values):
        if celery_app._pool is not None:
            celery_app._pool.force_close_all()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        celery_app.conf.update(values)
        celery_app._backend = celery_app._get_backend()

    saved = {k: celery_app.conf[k] for k in [*conf, "task_always_eager"]}
    apply({**conf, "task_always_eager": False})
    broker_circuit_reset()
    try:
        yield
    finally:
        apply(saved)
        broker_circuit_reset()


# Only the address: the timeouts are the project's own settings, which this test is about.
DEAD = {"broker_url": "redis://127.0.0.1:1/0"}


def test_enqueue_with_a_dead_broker_keeps_the_saved_work(
    caplog, django_capture_on_commit_callbacks
):
    ran = []
    with broker(**DEAD):
        account = AccountFactory()
        with django_capture_on_commit_callbacks(execute=True):
            enqueue(ping, "x", fallback=lambda: ran.append("here"))
    assert KeyAccount.objects.filter(pk=account.pk).exists()
    assert "could not enqueue" in caplog.text
    assert ran == ["here"]


def test_a_dead_broker_is_given_up_on_at_once_and_remembered(django_capture_on_commit_callbacks):
    """The first send pays one refused connection (no reconnect loop, no result
    subscription); the next ones skip the broker while the outage is remembered."""
    ran = []
    with broker(**DEAD):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            enqueue(ping, "x", fallback=lambda: ran.append(1))
        first = time.monotonic() - started
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            for _ in range(20):
                enqueue(ping, "x", fallback=lambda: ran.append(1))
        rest = time.monotonic() - started
    assert len(ran) == 21
    assert first < 1.0, first  # was about 20 s: the client retried twenty times
    assert rest < 0.2, rest


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_job_against_redis(tmp_path):
    redis_url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    account = AccountFactory()
    _age(account, 300)
    db = connection.settings_dict
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "kam",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "warning",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        with broker(broker_url=redis_url, result_backend=redis_url):
            assert ping.delay("hello").get(timeout=60) == "pong hello"
            assert run_job.delay("review_reminders").get(timeout=60) == 1
        assert Notification.objects.filter(recipient=account.owner, kind="review_due").exists()
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log.close()


def test_a_catch_up_replays_only_the_days_a_job_is_scheduled_on():
    from kam.registry import JobSpec
    from kam.tasks import CATCH_UP_DAYS, _days_to_run

    daily = JobSpec("daily", lambda day: 0)
    yearly = JobSpec("yearly", lambda day: 0, cron={"month_of_year": 1, "day_of_month": 2})
    today = dt.date(2027, 1, 5)
    assert _days_to_run(daily, dt.date(2027, 1, 2), today) == [
        dt.date(2027, 1, 3),
        dt.date(2027, 1, 4),
        today,
    ]
    assert _days_to_run(yearly, dt.date(2026, 1, 2), today) == [dt.date(2027, 1, 2), today]
    # A long outage replays a week at most; a replay of an earlier day runs that day only.
    assert len(_days_to_run(daily, dt.date(2026, 1, 1), today)) == CATCH_UP_DAYS + 1
    assert _days_to_run(daily, today, dt.date(2027, 1, 1)) == [dt.date(2027, 1, 1)]
