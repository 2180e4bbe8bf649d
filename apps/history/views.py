from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from shop.decorators import staff_required

from .forms import HistoryFilterForm
from .models import HistoryUserApp

RECORDS_PER_PAGE = 50


@staff_required
@require_safe
def history_list(request):
    """The history for staff, newest first, with the filters of HistoryFilterForm.

    Invalid filters show what is wrong (422) and no records rather than all of them. The query
    count is fixed: the page's records come with their actors in one query.

    Template: history/history_list.html (htmx: #history-results). Context: `form`, `page`.
    """
    form = HistoryFilterForm(request.GET)
    records = HistoryUserApp.objects.select_related("actor")
    status = 200
    if form.is_valid():
        records = form.filter(records)
    else:
        records, status = records.none(), 422
    page = Paginator(records, RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    template = "history/history_list.html"
    if request.htmx:
        template += "#history-results"
    return render(request, template, {"form": form, "page": page}, status=status)
