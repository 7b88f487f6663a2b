"""The inbox reads its filters through a form and its rows through kam.selectors."""

import pytest
from django.urls import reverse
from django.utils import timezone

from kam.services import notify

pytestmark = pytest.mark.django_db


def _titles(response) -> list[str]:
    return sorted(n.title for n in response.context["page"])


@pytest.fixture
def inbox(cast, client):
    notify(recipients=[cast.owner], kind="review_due", key="a", title="复核")
    notify(recipients=[cast.owner], kind="loan", key="b", title="借阅")
    cast.owner.notifications.filter(key="b").update(read_at=timezone.now())
    notify(recipients=[cast.other_kam], kind="loan", key="c", title="别人的")
    client.force_login(cast.owner)
    return client


def test_a_bad_show_value_falls_back_to_unread(inbox):
    response = inbox.get(reverse("inbox"), {"show": "everything"})
    assert response.context["show"] == "unread"
    assert _titles(response) == ["复核"]


def test_all_of_one_kind_and_an_unknown_kind_ignored(inbox):
    assert _titles(inbox.get(reverse("inbox"), {"show": "all", "kind": "loan"})) == ["借阅"]
    response = inbox.get(reverse("inbox"), {"show": "all", "kind": "nope"})
    assert response.context["kind"] == ""
    assert _titles(response) == ["借阅", "复核"]


def test_another_users_notification_is_404(inbox, cast):
    theirs = cast.other_kam.notifications.get()
    assert inbox.post(reverse("notification_open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
