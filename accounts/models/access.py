"""Confidentiality records: loans (借阅, §10), the access log and hand-overs (交接, §7)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models.archive import KeyAccount
from kam.registry import registry


class LoanStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the owner")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ArchiveLoan(models.Model):
    """A registered request to read one archive until a date; the owner KAM decides."""

    account = models.ForeignKey(
        KeyAccount, on_delete=models.PROTECT, related_name="loans", verbose_name=_("account")
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="loans_requested",
        verbose_name=_("requested by"),
    )
    reason = models.TextField(_("why you need the archive"))
    until = models.DateField(_("until"))
    status = models.CharField(
        _("status"), max_length=20, choices=LoanStatus.choices, default=LoanStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)

    class Meta:
        verbose_name = _("archive loan")
        verbose_name_plural = _("archive loans")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["requester", "account", "status", "until"])]

    def __str__(self) -> str:
        return f"{self.account} → {self.requester}"

    @property
    def is_pending(self) -> bool:
        return self.status == LoanStatus.PENDING

    @property
    def is_current(self) -> bool:
        """Approved and not yet past its last day: the requester may read the archive."""
        return self.status == LoanStatus.APPROVED and self.until >= timezone.localdate()

    @property
    def is_expired(self) -> bool:
        return self.status == LoanStatus.APPROVED and self.until < timezone.localdate()


class AccessAction(models.TextChoices):
    VIEW = "view", _("Viewed the archive")
    EXPORT = "export", _("Exported the archive")
    DOWNLOAD = "download", _("Downloaded a file")


class ArchiveAccess(models.Model):
    """查阅记录: who opened or exported which archive, when, and on what grounds."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("who")
    )
    account = models.ForeignKey(
        KeyAccount, on_delete=models.PROTECT, related_name="+", verbose_name=_("account")
    )
    action = models.CharField(_("action"), max_length=20, choices=AccessAction.choices)
    loan = models.ForeignKey(
        ArchiveLoan, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("loan")
    )
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("archive access")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["account", "-at"]), models.Index(fields=["user", "-at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.get_action_display()} {self.account}"

    @property
    def detail_text(self) -> str:
        """What `detail` says, in the reader's language. The pages that log a read store a
        short code ("receivables", "contract HT-2026-001"), never words of one language."""
        if self.detail in DETAIL_LABELS:
            return str(DETAIL_LABELS[self.detail])
        kind, _space, rest = self.detail.partition(" ")
        if kind in DETAIL_FORMATS and rest:
            return str(DETAIL_FORMATS[kind]) % {"number": rest}
        return self.detail


# The codes ArchiveAccess.detail holds, as the apps that log reads write them.
DETAIL_LABELS = {
    "receivables": _("Receivables"),
    "complaints": _("Complaints"),
    "admin": _("in the admin"),
}
DETAIL_FORMATS = {
    "contract": _("contract %(number)s"),
    "complaint": _("complaint no. %(number)s"),
}


class HandOver(models.Model):
    """交接 (§7): one recorded move of everything a leaver owned to named successors."""

    leaver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="handovers_left",
        verbose_name=_("leaver"),
    )
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("performed by"),
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.leaver} {self.at:%Y-%m-%d}"


class HandOverItem(models.Model):
    """One thing moved. `kind` names what (account, plan, invoice…) so later kinds fit in."""

    handover = models.ForeignKey(HandOver, on_delete=models.PROTECT, related_name="items")
    kind = models.CharField(max_length=30)
    object_id = models.PositiveBigIntegerField()
    label = models.CharField(max_length=200)
    # Who has it now; none when the step closed it (its label says why), e.g. a leaver's
    # draft visit plan whose lines went to the successors' own plans.
    successor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        ordering = ["kind", "label"]

    def __str__(self) -> str:
        return f"{self.kind} {self.label} → {self.successor}"

    def get_kind_display(self) -> str:
        """Each app names the kinds its hand-over step moves (`registry.add_handover_step`)."""
        return registry.handover_kind_label(self.kind)
