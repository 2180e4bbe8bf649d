"""The history shows what users typed and what they are called as text (issue 7): usernames,
the names of those who acted, and the login names tried in failed logins, which any visitor
chooses, on the page, in its htmx results, in the filter form that echoes them and in the page
links that carry them."""

import pytest

from apps.history.models import HistoryUserApp
from tests.escaping import assert_text_not_markup

pytestmark = pytest.mark.django_db

USERNAME = '<svg onload=alert(1)>"me"&'
STAFF = "<i onmouseover=alert('staff')>boss</i>"
TRIED = "<script>alert('tried')</script>"


@pytest.fixture
def events(client, make_user):
    """A failed login with a name nobody has, a staff member with markup in their name editing
    and then deleting an account that has some too; the staff member is left logged in."""
    client.post("/users/user/login/", {"login": TRIED, "password": "wrong"})
    victim = make_user(USERNAME)
    boss = make_user(STAFF, is_staff=True)
    client.force_login(boss)
    client.put(
        f"/users/profile/{victim.profile.pk}/",
        "first_name=Eve",
        "application/x-www-form-urlencoded",
    )
    client.delete(f"/users/user/delete/{victim.pk}/")
    assert HistoryUserApp.objects.filter(username=TRIED, status="login_failed").exists()
    assert HistoryUserApp.objects.filter(username=USERNAME, status="deleted").exists()
    return client


def test_the_history_page_and_its_results(events, htmx):
    # Usernames, "by" (a deleted account's and a live one's), and "tried “…”".
    assert_text_not_markup(events.get("/history/"), USERNAME, STAFF, TRIED)
    results = events.get("/history/", {"event": "login_failed"}, headers=htmx)
    assert "<html" not in results.text
    assert_text_not_markup(results, TRIED)


def test_the_filters_echo_what_was_asked(events, htmx):
    response = events.get("/history/", {"user": USERNAME})
    assert response.status_code == 200
    assert_text_not_markup(response, USERNAME)
    refused = events.get("/history/", {"user": TRIED * 5, "date_from": STAFF})
    assert refused.status_code == 422
    assert_text_not_markup(refused, TRIED * 5, STAFF)


def test_the_page_links_carry_the_filter_as_a_url(events):
    HistoryUserApp.objects.bulk_create(
        HistoryUserApp(username=TRIED, status="login_failed", details={"login": TRIED})
        for _ in range(60)
    )
    html = events.get("/history/", {"user": TRIED}).text
    assert 'rel="next"' in html
    assert "?user=%3Cscript%3Ealert%28%27tried%27%29%3C%2Fscript%3E&amp;page=2" in html


def test_a_failed_login_by_an_account_is_filed_under_its_username(client, make_user):
    make_user(USERNAME)
    client.post("/users/user/login/", {"login": USERNAME.upper(), "password": "wrong"})
    client.force_login(make_user("staff", is_staff=True))
    response = client.get("/history/", {"user": USERNAME, "event": "login_failed"})
    assert_text_not_markup(response, USERNAME, USERNAME.upper())  # the account, what was tried
