"""Fuzzed filters of /history/ (issue 7): `user`, `event`, `date_from`, `date_to` and `page` get
arbitrary text, dates at and past what a date can hold, impossible days, numbers, NUL bytes and
odd Unicode. No answer is a 500 (the test client would raise it); a valid query shows only
records that match it, an invalid one (422) shows none. Reading changes nothing."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.history.models import HistoryUserApp
from tests.fuzz import field, form, shared_fixtures

pytestmark = pytest.mark.django_db

MOSCOW = ZoneInfo("Europe/Moscow")
Status = HistoryUserApp.Status

DATES = field(
    "2026-03-01",
    "2026-03-02",
    "2026-02-29",  # not a leap year
    "2026-13-01",
    "2026-3-1",
    "01.03.2026",
    "0001-01-01",
    "0001-01-02",
    "9999-12-30",
    "9999-12-31",
    "10000-01-01",
    "0000-01-01",
    "-2026-03-01",
    " 2026-03-01 ",
)


@pytest.fixture
def records(staff_client):
    """Events of several users, a deleted one among them, around midnight of 1–2 March in
    Moscow, more than one page of them."""
    HistoryUserApp.objects.all().delete()
    midnight = datetime(2026, 3, 2, tzinfo=MOSCOW)
    statuses = list(Status)
    HistoryUserApp.objects.bulk_create(
        HistoryUserApp(
            username=["anna", "Boris", "<b>gone</b>", "ЁЖИК"][number % 4],
            status=statuses[number % len(statuses)],
            created=midnight + timedelta(minutes=37 * number - 60 * 24),
        )
        for number in range(80)
    )
    return HistoryUserApp.objects.count()


@shared_fixtures
@given(
    query=form(
        optional={
            "user": field("anna", "ANNA", "boris", "ёжик", "<b>gone</b>", "x" * 150, "x" * 151),
            "event": field(*Status.values, "LOGGED_IN", "logged in", "unknown"),
            "date_from": DATES,
            "date_to": DATES,
            "page": field(1, 0, -1, 2, 3, 99999, "last", "1e3"),
        }
    ),
    htmx=st.booleans(),
)
def test_history_filters(staff_client, records, query, htmx):
    response = staff_client.get("/history/", query, headers={"HX-Request": "true"} if htmx else {})
    assert response.status_code in (200, 422)
    if not htmx:  # the whole page's context says what was shown (a fragment's holds no form)
        assert_matches(response.context["form"], response.context["page"].object_list)
    assert HistoryUserApp.objects.count() == records


def assert_matches(form, shown):
    """What a valid query shows matches it; an invalid one shows nothing."""
    if not form.is_valid():
        assert list(shown) == []
        return
    data = form.cleaned_data
    for record in shown:
        if data["user"]:
            assert record.username.lower() == data["user"].lower()
        if data["event"]:
            assert record.status == data["event"]
        day = record.created.astimezone(MOSCOW).date()
        assert (data["date_from"] or date.min) <= day <= (data["date_to"] or date.max)
