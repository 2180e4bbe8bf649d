"""/history/ for staff (SPEC §3, issue 6): newest first, 50 a page, filters by user (also a
deleted one), event and date range in the shop's time zone, htmx swapping only the results, clear
messages for bad filters, and a query count that doesn't grow with the records."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from apps.history.models import HistoryUserApp
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

Status = HistoryUserApp.Status
MOSCOW = ZoneInfo("Europe/Moscow")
EN = {"Accept-Language": "en"}
URL = "/history/"


def add(username="anna", status=Status.LOGGED_IN, created=None, **fields):
    if created is not None:
        fields["created"] = created
    return HistoryUserApp.objects.create(username=username, status=status, **fields)


def shown(response):
    """The records on the page, in order."""
    return list(response.context["page"].object_list)


@pytest.fixture
def staff_client(staff_client):
    """Staff, with the history of their own login out of the way."""
    HistoryUserApp.objects.all().delete()
    return staff_client


class TestPermissions:
    def test_visitor_is_sent_to_log_in(self, client):
        response = client.get(URL)
        assert response.status_code == 302
        assert response["Location"] == "/users/user/login/?next=/history/"

    def test_htmx_visitor_gets_hx_redirect(self, client, htmx):
        assert client.get(URL, headers=htmx)["HX-Redirect"] == "/users/user/login/?next=/history/"

    def test_shopper_gets_403(self, shopper_client, htmx):
        assert shopper_client.get(URL).status_code == 403
        assert shopper_client.get(URL, headers=htmx).status_code == 403

    def test_staff_see_it(self, staff_client):
        assert staff_client.get(URL).status_code == 200

    def test_the_path_answers_without_its_slash(self, staff_client):
        assert staff_client.get("/history")["Location"] == URL

    def test_it_is_read_only(self, staff_client):
        assert staff_client.post(URL).status_code == 405
        assert staff_client.delete(URL).status_code == 405

    def test_staff_menu_links_to_it(self, staff_client):
        assert 'href="/history/"' in staff_client.get("/").text


class TestList:
    def test_newest_first(self, staff_client):
        old = add(created=datetime(2026, 1, 1, 12, tzinfo=MOSCOW))
        new = add(created=datetime(2026, 2, 1, 12, tzinfo=MOSCOW))
        same_time_later_id = add(created=datetime(2026, 2, 1, 12, tzinfo=MOSCOW))
        assert shown(staff_client.get(URL)) == [same_time_later_id, new, old]

    def test_50_a_page(self, staff_client):
        HistoryUserApp.objects.bulk_create(
            HistoryUserApp(username=f"user{n}", status=Status.LOGGED_IN) for n in range(60)
        )
        assert len(shown(staff_client.get(URL))) == 50
        second = staff_client.get(URL, {"page": 2})
        assert len(shown(second)) == 10
        assert 'href="?page=2"' in staff_client.get(URL).text

    def test_pages_keep_the_filters(self, staff_client):
        HistoryUserApp.objects.bulk_create(
            HistoryUserApp(username="anna", status=Status.LOGGED_IN) for _ in range(60)
        )
        html = staff_client.get(URL, {"user": "anna", "event": "logged_in"}).text
        assert 'href="?user=anna&amp;event=logged_in&amp;page=2"' in html

    @pytest.mark.parametrize("page", ["x", "0", "-3", "999", "9" * 40])
    def test_any_page_number_gives_a_page(self, staff_client, page):
        add()
        assert staff_client.get(URL, {"page": page}).status_code == 200

    def test_shows_time_user_event_actor_and_details(self, staff_client, staff):
        add("anna", Status.LOGIN_FAILED, details={"login": "Anna@Example.com"})
        add("anna", Status.PROFILE_UPDATED, actor=staff, details={"fields": ["last_name"]})
        html = staff_client.get(URL, headers=EN).text
        assert "tried “Anna@Example.com”" in html
        assert "Last name" in html
        assert ">staff<" in html
        assert "login failed" in html
        assert "no account" in html  # these records name no existing account

    def test_output_is_escaped(self, staff_client):
        add("<b>x</b>", Status.LOGIN_FAILED, details={"login": "<script>alert(1)</script>"})
        html = staff_client.get(URL).text
        assert "<script>alert(1)</script>" not in html
        assert "&lt;b&gt;x&lt;/b&gt;" in html

    def test_empty_state(self, staff_client):
        html = staff_client.get(URL, headers=EN).text
        assert "Nothing has happened yet." in html

    def test_empty_state_of_filters_that_match_nothing(self, staff_client):
        add()
        query = {"user": "olga", "event": "logged_in", "date_from": "2026-01-02"}
        html = staff_client.get(URL, query, headers=EN).text
        assert "No events match these filters." in html
        assert "User: “olga” · Event: “logged in” · From: “2026-01-02”" in html
        assert ">Show all events</a>" in html


class TestFilters:
    def test_user_matches_exactly_ignoring_case(self, staff_client):
        anna = add("anna")
        add("annabel")
        add("hanna")
        assert shown(staff_client.get(URL, {"user": "ANNA"})) == [anna]

    def test_user_matches_cyrillic_ignoring_case(self, staff_client):
        olya = add("Оля")
        add("Ольга")
        assert shown(staff_client.get(URL, {"user": "оЛЯ"})) == [olya]

    def test_user_finds_a_deleted_users_records(self, staff_client, make_user):
        user = make_user("gone")
        Client().post("/users/user/login/", {"login": "gone", "password": PASSWORD})
        staff_client.delete(f"/users/user/delete/{user.pk}/")
        records = shown(staff_client.get(URL, {"user": "Gone"}))
        assert [r.status for r in records] == [Status.DELETED, Status.LOGGED_IN]
        assert all(r.user_id is None and r.username == "gone" for r in records)

    def test_event(self, staff_client):
        failed = add(status=Status.LOGIN_FAILED)
        add(status=Status.LOGGED_IN)
        assert shown(staff_client.get(URL, {"event": "login_failed"})) == [failed]

    @pytest.mark.parametrize("status", Status.values)
    def test_every_event_name_is_a_filter(self, staff_client, status):
        record = add(status=status)
        assert shown(staff_client.get(URL, {"event": status})) == [record]

    def test_date_range_is_inclusive_in_the_shops_time_zone(self, staff_client):
        # Moscow is UTC+3: 00:30 on 10 March in Moscow is still 9 March in UTC.
        add("before", created=datetime(2026, 3, 9, 23, 59, 59, tzinfo=MOSCOW))
        first = add("first", created=datetime(2026, 3, 10, 0, 30, tzinfo=MOSCOW))
        last = add("last", created=datetime(2026, 3, 10, 23, 59, 59, tzinfo=MOSCOW))
        add("after", created=datetime(2026, 3, 11, 0, 0, tzinfo=MOSCOW))
        response = staff_client.get(URL, {"date_from": "2026-03-10", "date_to": "2026-03-10"})
        assert shown(response) == [last, first]

    def test_only_a_start_or_only_an_end(self, staff_client):
        early = add(created=datetime(2026, 3, 1, 12, tzinfo=MOSCOW))
        late = add(created=datetime(2026, 3, 20, 12, tzinfo=MOSCOW))
        assert shown(staff_client.get(URL, {"date_from": "2026-03-10"})) == [late]
        assert shown(staff_client.get(URL, {"date_to": "2026-03-10"})) == [early]

    def test_the_extreme_dates_are_no_bound_rather_than_an_error(self, staff_client):
        record = add()
        response = staff_client.get(URL, {"date_from": "0001-01-01", "date_to": "9999-12-31"})
        assert shown(response) == [record]

    def test_filters_combine(self, staff_client):
        wanted = add("anna", Status.LOGIN_FAILED, created=datetime(2026, 3, 10, 9, tzinfo=MOSCOW))
        add("anna", Status.LOGGED_IN, created=datetime(2026, 3, 10, 9, tzinfo=MOSCOW))
        add("olga", Status.LOGIN_FAILED, created=datetime(2026, 3, 10, 9, tzinfo=MOSCOW))
        add("anna", Status.LOGIN_FAILED, created=datetime(2026, 3, 12, 9, tzinfo=MOSCOW))
        query = {"user": "anna", "event": "login_failed", "date_to": "2026-03-11"}
        assert shown(staff_client.get(URL, query)) == [wanted]

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ({"event": "exploded"}, "Select a valid choice."),
            ({"date_from": "2026-02-30"}, "Enter a date as YYYY-MM-DD."),
            ({"date_from": "10.03.2026"}, "Enter a date as YYYY-MM-DD."),
            ({"date_to": "0000-01-01"}, "Enter a date as YYYY-MM-DD."),
            ({"date_to": "9" * 500}, "Enter a date as YYYY-MM-DD."),
            ({"date_from": "2026-03-11", "date_to": "2026-03-10"}, "The end date is before"),
            ({"user": "a\x00b"}, "Null characters are not allowed."),
            ({"user": "x" * 151}, "Ensure this value has at most 150 characters"),
        ],
    )
    def test_bad_values_get_a_clear_message_and_no_records(self, staff_client, query, message):
        add()
        response = staff_client.get(URL, query, headers=EN)
        assert response.status_code == 422
        assert message in response.text
        assert 'class="alert alert-warning"' in response.text
        assert shown(response) == []


class TestHtmx:
    def test_the_form_swaps_only_the_results_and_pushes_the_url(self, staff_client):
        html = staff_client.get(URL).text
        assert 'hx-get="/history/" hx-target="#history-results"' in html
        assert 'hx-push-url="true"' in html

    def test_htmx_gets_only_the_results(self, staff_client, htmx):
        record = add("anna")
        response = staff_client.get(URL, {"user": "anna"}, headers=htmx)
        assert response.status_code == 200
        assert "<html" not in response.text
        assert response.text.lstrip().startswith('<section id="history-results"')
        assert shown(response) == [record]

    def test_htmx_bad_filters_show_the_message_in_the_results(self, staff_client, htmx):
        response = staff_client.get(URL, {"date_from": "nope"}, headers={**htmx, **EN})
        assert response.status_code == 422
        assert response.text.lstrip().startswith('<section id="history-results"')
        assert "Enter a date as YYYY-MM-DD." in response.text


class TestQueryCount:
    @pytest.mark.parametrize("count", [3, 120])
    def test_fixed_whatever_the_number_of_records(
        self, staff_client, staff, make_user, django_assert_num_queries, count
    ):
        actors = [staff, make_user("other", is_staff=True)]
        HistoryUserApp.objects.bulk_create(
            HistoryUserApp(username=f"user{n}", status=Status.PROFILE_UPDATED, actor=actors[n % 2])
            for n in range(count)
        )
        # The session with the user and the cart badge, count, one page of records with actors.
        with django_assert_num_queries(3):
            staff_client.get(URL)
        with django_assert_num_queries(3):
            staff_client.get(URL, {"user": "user1", "event": "profile_updated", "page": "2"})
