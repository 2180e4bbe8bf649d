import pytest
from django.utils import translation

from apps.history.models import HistoryUserApp

pytestmark = pytest.mark.django_db

Status = HistoryUserApp.Status


def test_record_keeps_the_actors_name_for_when_their_account_is_gone(shopper, staff):
    record = HistoryUserApp.objects.record(Status.PROFILE_DELETED, shopper, actor=staff)
    assert (record.username, record.actor, record.details) == ("shopper", staff, {"actor": "staff"})
    staff.delete()
    record.refresh_from_db()
    assert (record.actor, record.actor_name) == (None, "staff")


def test_a_record_without_an_actor_names_nobody(shopper):
    record = HistoryUserApp.objects.record(Status.LOGIN_FAILED, None, username="x", login="x")
    assert (record.user, record.actor_name, record.details) == (None, "", {"login": "x"})


def test_summary_names_the_changed_fields_in_the_users_language(shopper):
    record = HistoryUserApp(status=Status.PROFILE_UPDATED, details={"fields": ["first_name"]})
    with translation.override("ru"):
        assert record.summary == "Имя"
    with translation.override("en"):
        assert record.summary == "First name"


def test_summary_survives_a_field_that_no_longer_exists():
    record = HistoryUserApp(status=Status.PROFILE_UPDATED, details={"fields": ["nickname"]})
    assert record.summary == "Nickname"


def test_other_events_have_no_summary():
    assert HistoryUserApp(status=Status.LOGGED_IN).summary == ""
