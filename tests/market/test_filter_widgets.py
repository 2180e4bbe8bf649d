"""The product filters' widgets are written out in Python (apps/market/forms.py, WrittenOut*):
their markup must be Django's own, byte for byte, whatever the values, errors and languages."""

from unittest import mock

import pytest
from django import forms
from django.http import QueryDict
from django.utils import translation

from apps.market.forms import ProductFilterForm
from apps.market.models import Category
from tests.factories import make_category

pytestmark = pytest.mark.django_db

FILTERS = [
    "",
    "q=%D1%87%D0%B0%D0%B9%D0%BD%D0%B8%D0%BA&sort=price&in_stock=1",
    'q=<b class="x">%26amp; it\'s</b>&sort=-created&in_stock=false',
    "q=" + "й" * 300 + "&sort=zzz&in_stock=0",  # too long, no such order: errors on both
    "sort=&in_stock=",
]


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize("query", FILTERS)
def test_the_filters_are_written_as_djangos_templates_write_them(query, language):
    make_category("Электроника")
    with translation.override(language):
        form = ProductFilterForm(QueryDict(query), tree=Category.objects.tree())
        form.is_valid()
        for name in ("q", "sort", "in_stock"):
            ours = str(form[name])
            with mock.patch.object(type(form[name].field.widget), "render", forms.Widget.render):
                assert ours == str(form[name]), name


def test_an_invalid_filter_is_marked_in_the_markup():
    form = ProductFilterForm(QueryDict("sort=zzz"), tree=Category.objects.tree())
    assert not form.is_valid()
    assert 'class="form-select is-invalid"' in str(form["sort"])
    assert 'aria-invalid="true"' in str(form["sort"])
