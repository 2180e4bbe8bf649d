import pytest


@pytest.mark.parametrize("path", ["/healthz", "/healthz/"])
def test_healthz_answers_ok_after_asking_the_database(client, db, django_assert_num_queries, path):
    with django_assert_num_queries(1):
        response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content == b"ok"


def test_healthz_keeps_no_session(client, db):
    response = client.get("/healthz")
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_healthz_reports_a_database_outage(client, db, monkeypatch):
    from django.db import OperationalError, connection

    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", broken_cursor)
        response = client.get("/healthz")
    assert response.status_code == 503


def test_healthz_refuses_changes(client, db):
    assert client.post("/healthz").status_code == 405
