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
