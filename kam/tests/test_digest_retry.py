"""The daily digest is safe to retry (kam/reminders.py): a run that fails half-way, on a real
database error, mails no one twice when it is run again, and still mails everyone once."""

import datetime as dt

import pytest
from django.core import mail
from django.db import DatabaseError, connection

from kam.models import DigestSent, Notification
from kam.reminders import email_digest
from kam.roles import Role
from kam.tasks import run_job_now
from kam.tests.factories import UserFactory

TODAY = dt.date(2026, 11, 27)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def three_readers(settings):
    settings.EMAIL_URL = "smtp://localhost"
    people = [
        UserFactory(username=name, email=f"{name}@example.cn", role=Role.KAM)
        for name in ("a_first", "b_second", "c_third")
    ]
    for person in people:
        Notification.objects.create(recipient=person, kind="plan_due", key="k", title="计划")
    return people


def _refuse(user) -> None:
    """A trigger that makes the database refuse to mark one person's reminders as mailed: a
    real DatabaseError, half-way through the run."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION digest_refuse() RETURNS trigger AS $$ BEGIN "
            f"IF NEW.recipient_id = {int(user.pk)} AND NEW.emailed_at IS NOT NULL "
            "THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
        )
        cursor.execute(
            "CREATE TRIGGER digest_refuse BEFORE UPDATE ON kam_notification "
            "FOR EACH ROW EXECUTE FUNCTION digest_refuse()"
        )


def _heal() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS digest_refuse ON kam_notification")
        cursor.execute("DROP FUNCTION IF EXISTS digest_refuse()")


@pytest.fixture
def refuse():
    yield _refuse
    _heal()


def _recipients() -> list[str]:
    return sorted(to for m in mail.outbox for to in m.to)


@pytest.mark.parametrize("run", [email_digest, lambda day: run_job_now("email_digest", day)])
def test_a_digest_retried_after_a_failure_for_the_second_person_mails_no_one_twice(
    three_readers, refuse, run
):
    """Each person commits alone, through the job runner too (JobSpec.atomic False): the
    first is mailed before the failure, and the retry ends with one mail each."""
    refuse(three_readers[1])
    with pytest.raises(DatabaseError):
        run(TODAY)
    assert _recipients() == ["a_first@example.cn"]
    _heal()
    run(TODAY)  # the retry
    assert _recipients() == ["a_first@example.cn", "b_second@example.cn", "c_third@example.cn"]
    assert DigestSent.objects.filter(day=TODAY).count() == 3
    run(TODAY)  # and again: nothing new to anyone
    assert len(mail.outbox) == 3


def test_a_mail_that_could_not_be_sent_is_sent_by_the_next_run(three_readers, settings):
    settings.EMAIL_BACKEND = "kam.tests.test_digest_retry.RefusingBackend"
    assert email_digest(TODAY) == 3
    assert not DigestSent.objects.exists()
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 3
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert email_digest(TODAY) == 3
    assert len(mail.outbox) == 3


class RefusingBackend:
    """An SMTP server that is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("connection refused")
