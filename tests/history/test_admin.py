"""The history in the admin is read-only: nobody adds, changes or deletes records there."""

import pytest
from django.contrib import admin

from apps.history.models import HistoryUserApp

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/history/historyuserapp/"


@pytest.fixture
def record(shopper):
    return HistoryUserApp.objects.create(
        user=shopper, username="shopper", status=HistoryUserApp.Status.LOGGED_IN
    )


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def test_the_list_shows_records(admin_client, record):
    response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    assert f"{CHANGELIST}{record.pk}/change/" in response.text


def test_a_record_can_be_viewed_but_not_saved(admin_client, record):
    url = f"{CHANGELIST}{record.pk}/change/"
    response = admin_client.get(url)
    assert response.status_code == 200
    assert 'name="_save"' not in response.text
    response = admin_client.post(url, {"username": "someone-else", "status": "deleted"})
    assert response.status_code == 403
    record.refresh_from_db()
    assert (record.username, record.status) == ("shopper", "logged_in")


def test_no_adding(admin_client):
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403
    assert admin_client.post(f"{CHANGELIST}add/", {"username": "x"}).status_code == 403
    assert not HistoryUserApp.objects.filter(username="x").exists()


def test_no_deleting_one_or_many(admin_client, record):
    assert admin_client.post(f"{CHANGELIST}{record.pk}/delete/", {"post": "yes"}).status_code == 403
    response = admin_client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"}
    )
    assert HistoryUserApp.objects.filter(pk=record.pk).exists()
    assert "delete_selected" not in admin_client.get(CHANGELIST).text
    assert response.status_code in (200, 302)


def test_the_model_admin_refuses_every_change():
    model_admin = admin.site._registry[HistoryUserApp]
    assert not model_admin.has_add_permission(None)
    assert not model_admin.has_change_permission(None)
    assert not model_admin.has_delete_permission(None)
