import pytest
from django.contrib.auth import get_user_model

from apps.history.models import HistoryUserApp

pytestmark = pytest.mark.django_db

Status = HistoryUserApp.Status


def test_deleting_a_user_writes_a_deleted_record_that_outlives_them(make_user):
    user = make_user("anna")
    user_id = user.pk
    user.delete()
    assert not get_user_model().objects.filter(pk=user_id).exists()
    record = HistoryUserApp.objects.get(status=Status.DELETED)
    assert record.username == "anna"
    assert record.user is None
    assert record.created is not None


def test_the_record_is_written_before_the_user_row_goes(
    make_user, django_capture_on_commit_callbacks
):
    user = make_user("anna")
    seen = []

    def spy(sender, instance, **kwargs):
        seen.append(HistoryUserApp.objects.filter(user=instance, status=Status.DELETED).exists())

    from django.db.models.signals import pre_delete

    # Connected after the history receiver, so it runs after it, still before the delete.
    pre_delete.connect(spy, sender=get_user_model())
    try:
        user.delete()
    finally:
        pre_delete.disconnect(spy, sender=get_user_model())
    assert seen == [True]


def test_earlier_records_of_a_deleted_user_keep_their_username(make_user):
    user = make_user("anna")
    HistoryUserApp.objects.create(user=user, username="anna", status=Status.LOGGED_IN, actor=user)
    user.delete()
    assert sorted(HistoryUserApp.objects.values_list("username", "status", "user")) == [
        ("anna", Status.DELETED, None),
        ("anna", Status.LOGGED_IN, None),
    ]


def test_a_deletion_by_staff_in_the_admin_names_the_actor(make_user, superuser, client):
    user = make_user("anna")
    client.force_login(superuser)
    response = client.post(f"/admin/auth/user/{user.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    record = HistoryUserApp.objects.get(status=Status.DELETED)
    assert (record.username, record.actor) == ("anna", superuser)
