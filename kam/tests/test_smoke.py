import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_owner_sees_archive_outsider_gets_404(client, cast):
    client.force_login(cast.owner)
    url = reverse("accounts:detail", args=[cast.account.pk])
    assert client.get(url).status_code == 200
    client.force_login(cast.staff)
    assert client.get(url).status_code == 404


def test_home_shows_each_role_what_it_needs(client, cast):
    client.force_login(cast.manager)
    html = client.get(reverse("home")).content.decode()
    assert 'id="team"' in html and str(cast.owner) in html
    client.force_login(cast.sales_vp)
    html = client.get(reverse("home")).content.decode()
    assert 'id="matters"' in html and 'id="tier-counts"' in html
    client.force_login(cast.staff)
    html = client.get(reverse("home")).content.decode()
    assert 'id="team"' not in html and 'id="matters"' not in html
    assert 'id="tier-counts"' not in html


def test_inbox_filters_by_read_state_and_kind_and_opening_marks_read(client, cast):
    from kam.models import Notification

    owner = cast.owner
    a = Notification.objects.create(recipient=owner, kind="review_due", key="a", title="调查A")
    Notification.objects.create(recipient=owner, kind="major_matter", key="b", title="重大B")
    Notification.objects.create(recipient=cast.staff, kind="review_due", key="c", title="别人C")
    client.force_login(owner)
    titles = lambda **q: [n.title for n in client.get(reverse("inbox"), q).context["page"]]  # noqa: E731
    assert sorted(titles()) == ["调查A", "重大B"]
    assert titles(kind="review_due") == ["调查A"]
    response = client.post(reverse("notification_open", args=[a.pk]))
    assert response.status_code == 302
    assert titles() == ["重大B"]
    assert sorted(titles(show="all")) == ["调查A", "重大B"]
    client.force_login(cast.staff)
    assert client.post(reverse("notification_open", args=[a.pk])).status_code == 404
