"""Forms of the record pages: a visit, an itinerary change, the manager's review, a spot check."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.inputs import InputRulesMixin
from visits.forms.plans import PurposeField
from visits.models.plans import LineReview
from visits.models.records import SpotResult
from visits.services.records import VisitInput

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
TEXT = forms.Textarea(attrs={"rows": 2})


def _row_label(label, row: str) -> str:
    return f"{str(label).capitalize()}: {row}" if row else str(label).capitalize()


def _contact_label(contact) -> str:
    level = contact.get_level_display()
    return f"{contact.name} · {contact.title or level}"


class VisitForm(InputRulesMixin, forms.Form):
    visited_on = forms.DateField(label=_("date"), widget=DATE)
    time_in = forms.TimeField(label=_("time in"), required=False, widget=TIME)
    time_out = forms.TimeField(label=_("time out"), required=False, widget=TIME)
    contacts = forms.MultipleChoiceField(
        label=_("met"), required=False, widget=forms.CheckboxSelectMultiple
    )
    purposes = PurposeField()
    outcome = forms.CharField(label=_("outcome"), required=False, widget=TEXT)
    competitor_news = forms.CharField(label=_("competitor news"), required=False, widget=TEXT)
    next_steps = forms.CharField(label=_("next steps"), required=False, widget=TEXT)
    plan_line = forms.ChoiceField(
        label=_("plan line"),
        required=False,
        # a line drops out of the choices once a visit is recorded for it: the usual cause is
        # the same form sent twice (a double tap, the back button)
        error_messages={
            "invalid_choice": _(
                "This plan line is no longer open: a visit has already been recorded for it "
                "(was the form sent twice?). Check the month's record before saving again."
            )
        },
    )
    change_reason = forms.CharField(
        label=_("reason for the change of date"),
        required=False,
        max_length=300,
        help_text=_("Needed when the visit was planned for another day."),
    )

    def __init__(self, *args, account, contacts, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account
        self._contacts = {str(c.pk): c for c in contacts}
        self._lines = {str(line.pk): line for line in lines}
        self.fields["contacts"].choices = [(str(c.pk), _contact_label(c)) for c in contacts]
        self.fields["plan_line"].choices = [("", _("Unplanned visit"))] + [
            (str(line.pk), _("Planned for %(date)s") % {"date": line.planned_on.isoformat()})
            for line in lines
        ]
        if not lines:
            self.fields["plan_line"].widget = forms.HiddenInput()
            self.fields["change_reason"].widget = forms.HiddenInput()

    def lock_checkin_fields(self) -> None:
        """A checked-in visit's date and times are the server's, from the check-in and
        check-out (签到 / 签退): shown, not editable."""
        for name in ("visited_on", "time_in", "time_out"):
            self.fields[name].disabled = True
        self.fields["time_in"].help_text = _("Set by the check-in and check-out.")

    def clean(self):
        data = super().clean()
        time_in, time_out = data.get("time_in"), data.get("time_out")
        if time_in and time_out and time_out <= time_in:
            self.add_error("time_out", _("The time out must be after the time in."))
        line = self._lines.get(data.get("plan_line") or "")
        day = data.get("visited_on")
        if line and day and day != line.planned_on and not data.get("change_reason", "").strip():
            self.add_error(
                "change_reason", _("The visit was planned for another day: say why it changed.")
            )
        return data

    def to_input(self) -> VisitInput:
        data = self.cleaned_data
        return VisitInput(
            account=self.account,
            visited_on=data["visited_on"],
            time_in=data.get("time_in"),
            time_out=data.get("time_out"),
            contacts=[self._contacts[pk] for pk in data.get("contacts", [])],
            purposes=list(data["purposes"]),
            outcome=data.get("outcome", ""),
            competitor_news=data.get("competitor_news", ""),
            next_steps=data.get("next_steps", ""),
            plan_line=self._lines.get(data.get("plan_line") or ""),
            change_reason=data.get("change_reason", ""),
        )


class ItineraryChangeForm(InputRulesMixin, forms.Form):
    what_changed = forms.CharField(
        label=_("what changed"),
        max_length=300,
        help_text=_("e.g. postponed to another day, met another person, shorter stay"),
    )
    reason = forms.CharField(label=_("why"), max_length=300)
    new_date = forms.DateField(label=_("new date"), required=False, widget=DATE)
    hours = forms.DecimalField(
        label=_("hours stayed"),
        required=False,
        max_digits=4,
        decimal_places=1,
        min_value=0.1,
        max_value=24,
        widget=forms.NumberInput(attrs={"step": "0.1"}),
    )
    visit = forms.ChoiceField(label=_("the visit made"), required=False)

    def __init__(self, *args, visits, **kwargs):
        super().__init__(*args, **kwargs)
        self._visits = {str(v.pk): v for v in visits}
        self.fields["visit"].choices = [("", _("Not made yet"))] + [
            (str(v.pk), v.visited_on.isoformat()) for v in visits
        ]

    def chosen_visit(self):
        return self._visits.get(self.cleaned_data.get("visit") or "")


REVIEW_CHOICES = [c for c in LineReview.choices if c[0] != LineReview.PENDING]


class RecordReviewForm(InputRulesMixin, forms.Form):
    """One classification and note per plan line, named after the line."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            # The table's cells have no <label>: each control names its line for screen
            # readers (and the phone's card layout, where the header row is gone).
            line = f"{row.line.account} {row.line.planned_on:%m-%d}"
            self.fields[f"review_{row.line.pk}"] = forms.ChoiceField(
                choices=REVIEW_CHOICES,
                initial=row.review,
                error_messages={"required": _("Classify every plan line.")},
                label=str(row.line.account),
                widget=forms.Select(attrs={"aria-label": _row_label(_("Review"), line)}),
            )
            self.fields[f"note_{row.line.pk}"] = forms.CharField(
                required=False,
                max_length=300,
                initial=row.line.review_note,
                widget=forms.TextInput(attrs={"aria-label": _row_label(_("Review note"), line)}),
            )

    def reviews(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {
            row.line.pk: (data[f"review_{row.line.pk}"], data[f"note_{row.line.pk}"])
            for row in self.rows
        }

    def pairs(self):
        """(row, review field, note field) for the template's table."""
        return [
            (row, self[f"review_{row.line.pk}"], self[f"note_{row.line.pk}"]) for row in self.rows
        ]


class SpotCheckForm(InputRulesMixin, forms.Form):
    result = forms.ChoiceField(
        label=_("result"),
        choices=[("", "—"), *(c for c in SpotResult.choices if c[0] != SpotResult.PENDING)],
        error_messages={"required": _("Choose what the call established.")},
    )
    called_contact = forms.ChoiceField(label=_("contact called"), required=False)
    notes = forms.CharField(label=_("notes"), required=False, max_length=300)

    def __init__(self, *args, contacts, html_form: str = "", about: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._contacts = {str(c.pk): c for c in contacts}
        if html_form:  # one row of a table, posted by a form element outside the table
            for f in self.fields.values():
                f.widget.attrs["form"] = html_form
                # No <label> in a table cell: the control says what it is and which visit.
                f.widget.attrs["aria-label"] = _row_label(f.label, about)
        self.fields["called_contact"].choices = [("", "—")] + [
            (str(c.pk), f"{_contact_label(c)} {c.phone}".strip()) for c in contacts
        ]

    def contact(self):
        return self._contacts.get(self.cleaned_data.get("called_contact") or "")
