import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from shop.decorators import staff_required


@staff_required
def staff_view(request):
    """Staff only."""
    return HttpResponse("ok")


def request_by(user):
    request = RequestFactory().get("/staff-only/")
    request.user = user
    return request


def test_visitor_is_sent_to_log_in_with_next():
    response = staff_view(request_by(AnonymousUser()))
    assert response.status_code == 302
    assert response["Location"] == "/users/user/login/?next=/staff-only/"


@pytest.mark.django_db
def test_logged_in_non_staff_get_403(shopper):
    with pytest.raises(PermissionDenied):
        staff_view(request_by(shopper))


@pytest.mark.django_db
def test_staff_pass(staff):
    assert staff_view(request_by(staff)).content == b"ok"


def test_keeps_the_views_name_and_docstring():
    assert staff_view.__name__ == "staff_view"
    assert staff_view.__doc__ == "Staff only."
