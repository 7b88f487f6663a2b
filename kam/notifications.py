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
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))
