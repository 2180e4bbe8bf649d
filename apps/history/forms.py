from django import forms
from django.utils.translation import gettext_lazy as _

from .models import HistoryUserApp

DATE_FORMAT = "%Y-%m-%d"  # SPEC §3: YYYY-MM-DD, whatever the language


class HistoryFilterForm(forms.Form):
    """The filters of /history/. All optional; `filter()` applies the valid ones."""

    user = forms.CharField(
        label=_("User"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("Username")}),
    )
    event = forms.ChoiceField(
        label=_("Event"),
        required=False,
        choices=[("", _("All events")), *HistoryUserApp.Status.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(format=DATE_FORMAT, attrs={"type": "date", "class": "form-control"}),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(format=DATE_FORMAT, attrs={"type": "date", "class": "form-control"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("date_from", "date_to"):
            self.fields[name].error_messages["invalid"] = _("Enter a date as YYYY-MM-DD.")

    def clean(self):
        data = super().clean()
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and first > last:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def chosen(self):
        """(label, value as shown) of each valid filter in use, to say what found nothing."""
        used = []
        for name, value in getattr(self, "cleaned_data", {}).items():
            if value:
                if name == "event":
                    value = HistoryUserApp.Status(value).label
                elif name in ("date_from", "date_to"):
                    value = value.strftime(DATE_FORMAT)
                used.append((self.fields[name].label, value))
        return used

    def filter(self, records):
        data = self.cleaned_data
        if data["user"]:
            records = records.for_username(data["user"])
        if data["event"]:
            records = records.filter(status=data["event"])
        return records.between(data["date_from"], data["date_to"])
