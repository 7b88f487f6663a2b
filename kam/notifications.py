"""Labels of reminder kinds for the inbox filter; each app adds its kinds here."""

from django.utils.translation import gettext_lazy as _

KIND_LABELS = {
    "major_matter": _("Major matters"),
    "loan_request": _("Loan requests"),
    "loan_approved": _("Loans approved"),
    "loan_refused": _("Loans refused"),
    "handover": _("Hand-overs"),
    "review_due": _("Semiannual reviews"),
    "account_event": _("Account events"),
    "tier_review": _("Tier reviews"),
    "visits_due": _("Visits due"),
    "visits_overdue": _("Visits overdue"),
    "plan_due": _("Visit plans due"),
    "record_due": _("Visit records due"),
    "year_end_cards": _("Year-end cards"),
    "festival": _("Festival greetings"),
    "receivable_overdue": _("Overdue receivables"),
    "complaint_overdue": _("Complaints past deadline"),
    "schedule_due": _("Executive visit schedule"),
    "appraisal_scored": _("Appraisals scored"),
    "appraisal_finalise": _("Appraisals to finalise"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))
