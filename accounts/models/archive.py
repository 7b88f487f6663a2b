"""The key-account archive (大客户档案): §3, §5, §6, §11."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.validators import normalise_credit_code, validate_credit_code
from kam.money import MONEY
from kam.tones import ToneOf, toned


@toned(strategic="danger", important="primary", potential="light")
class Tier(models.TextChoices):
    STRATEGIC = "strategic", _("Strategic")
    IMPORTANT = "important", _("Important")
    POTENTIAL = "potential", _("Potential")


class Status(models.TextChoices):
    DEVELOPING = "developing", _("Developing")
    ACTIVE = "active", _("Active")
    LOST = "lost", _("Lost")


# The standard fields of §5.1 plus the code; their completeness is appraisal dimension 7.
STANDARD_FIELDS = (
    "name",
    "legal_representative",
    "address",
    "postcode",
    "phone",
    "fax",
    "business_scope",
    "registered_capital",
    "industry_position",
    "credit_code",
)


class KeyAccount(models.Model):
    name = models.CharField(_("customer name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
    )
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    fax = models.CharField(_("fax"), max_length=30, blank=True)
    business_scope = models.TextField(_("business scope"), blank=True)
    registered_capital = models.DecimalField(
        _("registered capital (yuan)"), null=True, blank=True, **MONEY
    )
    industry_position = models.TextField(_("industry position"), blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, default=Tier.POTENTIAL)
    tier_tone = ToneOf("tier", Tier)
    # The day the account came to its present tier (§13's "key account since"); written only
    # by accounts.services.account_set_tier, so pruning history or an import cannot move it.
    tier_since = models.DateField(_("tier since"), default=timezone.localdate)
    # A KAM's proposal for a new account (§3): the tier stays potential until the sales VP
    # decides it in the tier review (analysis).
    proposed_tier = models.CharField(
        _("proposed tier"), max_length=20, choices=Tier.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DEVELOPING
    )
    lost_on = models.DateField(_("lost on"), null=True, blank=True)
    lost_reason = models.TextField(_("reason for loss"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="accounts",
        verbose_name=_("owner KAM"),
    )
    cooperation_since = models.DateField(_("customer since"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_archived = models.BooleanField(_("retired"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("key account")
        verbose_name_plural = _("key accounts")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="account_credit_code_unique",
            ),
            models.CheckConstraint(
                condition=~Q(status="lost") | Q(lost_on__isnull=False),
                name="account_lost_has_date",
            ),
            models.CheckConstraint(
                condition=Q(registered_capital__isnull=True) | Q(registered_capital__gte=0),
                name="account_capital_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "is_archived"]),
            models.Index(fields=["tier", "status"]),
            models.Index(fields=["name"]),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # Stored upper-case so the unique constraint sees "91a…" and "91A…" as one code.
        self.credit_code = normalise_credit_code(self.credit_code)
        super().save(*args, **kwargs)

    @property
    def completeness(self) -> int:
        """Share of the standard archive fields that are filled, in percent."""
        filled = sum(1 for f in STANDARD_FIELDS if getattr(self, f) not in ("", None))
        return round(100 * filled / len(STANDARD_FIELDS))

    @property
    def is_lost(self) -> bool:
        return self.status == Status.LOST


class ContactLevel(models.TextChoices):
    OPERATIONAL = "operational", _("Operational contact")
    OPERATIONAL_HEAD = "operational_head", _("Operational head")
    BUSINESS_HEAD = "business_head", _("Business head")
    DECISION_MAKER = "decision_maker", _("Key decision maker")


class Contact(models.Model):
    account = models.ForeignKey(
        KeyAccount, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("account")
    )
    name = models.CharField(_("full name"), max_length=50)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=ContactLevel.choices)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("current"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_active", "level", "name"]

    def __str__(self) -> str:
        return self.name


class EventKind(models.TextChoices):
    ANNIVERSARY = "anniversary", _("Anniversary")
    HONOUR = "honour", _("Honour")
    BUSINESS_MOVE = "business_move", _("Major business move")
    OTHER = "other", _("Other")


class AccountEvent(models.Model):
    """Anniversaries, honours and major moves (articles 4–6): they feed reminders."""

    account = models.ForeignKey(
        KeyAccount, on_delete=models.PROTECT, related_name="events", verbose_name=_("account")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    yearly = models.BooleanField(_("every year"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("account event")
        verbose_name_plural = _("account events")
        ordering = ["date"]

    def __str__(self) -> str:
        return self.title


def report_upload_to(instance: "FinancialReport", filename: str) -> str:
    return f"reports/{instance.account_id}/{filename}"


class FinancialReport(models.Model):
    """业绩和财务状况报告 (§5.2): accumulates per period."""

    account = models.ForeignKey(
        KeyAccount, on_delete=models.PROTECT, related_name="reports", verbose_name=_("account")
    )
    period = models.CharField(_("period"), max_length=20, help_text=_("e.g. 2026 or 2026-Q3"))
    revenue = models.DecimalField(_("revenue (yuan)"), null=True, blank=True, **MONEY)
    net_profit = models.DecimalField(_("net profit (yuan)"), null=True, blank=True, **MONEY)
    summary = models.TextField(_("summary"), blank=True)
    file = models.FileField(_("file"), upload_to=report_upload_to, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("performance and financial report")
        verbose_name_plural = _("performance and financial reports")
        ordering = ["-period", "-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.account} {self.period}"


class MajorMatter(models.Model):
    """重大事项报告 (§6): any department reports its major contacts with a key account."""

    account = models.ForeignKey(
        KeyAccount,
        on_delete=models.PROTECT,
        related_name="major_matters",
        verbose_name=_("account"),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    occurred_on = models.DateField(_("date of the contact"))
    subject = models.CharField(_("subject"), max_length=200)
    content = models.TextField(_("what happened"))
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)

    class Meta:
        verbose_name = _("major-matter report")
        verbose_name_plural = _("major-matter reports")
        ordering = ["-occurred_on", "-pk"]

    def __str__(self) -> str:
        return self.subject


class ArchiveReview(models.Model):
    """定期调查 (§11): twice a year the KAM records what changed, or that nothing did."""

    account = models.ForeignKey(
        KeyAccount, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("account")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_on = models.DateField(_("reviewed on"))
    changed = models.BooleanField(_("something changed"))
    notes = models.TextField(_("what changed"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("semiannual review")
        verbose_name_plural = _("semiannual reviews")
        ordering = ["-reviewed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(changed=False) | ~Q(notes=""), name="review_change_described"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.reviewed_on}"


# How the timeline names each kind the services write (TimelineEntry.kind); an unknown kind
# shows its code. Plain strings for the other apps' kinds, as in
# accounts.selectors.TIMELINE_FILTERS (accounts imports no app above it).
TIMELINE_LABELS: dict[str, object] = {
    "created": _("Archive created"),
    "imported": _("Imported"),
    "updated": _("Archive changed"),
    "tier_changed": _("Tier changed"),
    "retired": _("Retired"),
    "restored": _("Restored"),
    "contact_added": _("Contact added"),
    "contact_changed": _("Contact changed"),
    "event": _("Event"),
    "report": _("Report"),
    "major_matter": _("Major matter"),
    "review": _("Semiannual review"),
    "handover": _("Hand-over"),
    "loan_approved": _("Loan approved"),
    "loan_refused": _("Loan refused"),
    "contract": _("Contract"),
    "contract_changed": _("Contract changed"),
    "contract_status": _("Contract status"),
    "invoice": _("Invoice"),
    "invoice_changed": _("Invoice changed"),
    "invoice_cancelled": _("Invoice cancelled"),
    "payment": _("Payment"),
    "payment_reversed": _("Payment reversed"),
    "credit_applied": _("Credit applied"),
    "collection": _("Collection action"),
    "reconciliation": _("Reconciliation"),
    "complaint": _("Complaint"),
    "complaint_changed": _("Complaint changed"),
    "complaint_resolved": _("Complaint resolved"),
    "complaint_follow_up": _("Follow-up call"),
    "complaint_reopened": _("Complaint reopened"),
    "visit": _("Visit"),
    "visit_withdrawn": _("Visit withdrawn"),
    "itinerary_change": _("Itinerary change"),
    "location_set": _("Customer location set"),
}


class TimelineEntry(models.Model):
    """One line of an account's timeline (§5.2). Services write it beside the business record,
    so one indexed query shows visits, contracts, payments, matters, reviews and hand-overs."""

    account = models.ForeignKey(KeyAccount, on_delete=models.PROTECT, related_name="timeline")
    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=30)
    summary = models.CharField(max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    url = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["account", "-at"])]

    def __str__(self) -> str:
        return self.summary

    @property
    def kind_label(self) -> str:
        return str(TIMELINE_LABELS.get(self.kind, self.kind))
