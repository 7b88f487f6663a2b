import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_owner_sees_archive_outsider_gets_404(client, cast):
    client.force_login(cast.owner)
    url = reverse("accounts:detail", args=[cast.account.pk])
    assert client.get(url).status_code == 200
    client.force_login(cast.staff)
    assert client.get(url).status_code == 404
