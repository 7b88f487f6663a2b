"""Writes on archives. Each runs in one transaction, records history and the timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import (
    AccountEvent,
    ArchiveAccess,
    ArchiveLoan,
    ArchiveReview,
    Contact,
    FinancialReport,
    HandOver,
    HandOverItem,
    KeyAccount,
    MajorMatter,
    TimelineEntry,
)
from accounts.models.access import LoanStatus
from accounts.models.archive import Status, Tier
from kam import roles
from kam.messages import message
from kam.models import Team, User
from kam.registry import registry
from kam.roles import Role
from kam.services import apply_changes, notify, save_with_history, sign_history

MAX_LOAN_DAYS = 90
# The fields other apps' derived data follows (the registry's "account changed" hook).
FOLLOWED_FIELDS = {"owner", "tier", "status", "lost_on", "is_archived"}


def timeline_add(
    *,
    account: KeyAccount,
    kind: str,
    summary: str,
    actor: User | None,
    url: str = "",
    at: dt.datetime | None = None,
) -> TimelineEntry:
    return TimelineEntry.objects.create(
        account=account,
        kind=kind,
        summary=summary[:300],
        actor=actor,
        url=url,
        at=at or timezone.now(),
    )


def _check_status(account: KeyAccount) -> None:
    if account.status == Status.LOST and not account.lost_on:
        raise ValidationError({"lost_on": _("A lost account needs the date it was lost.")})
    if account.status != Status.LOST:
        account.lost_on = None
        account.lost_reason = ""


def _tier_refused() -> ValidationError:
    return ValidationError(
        {
            "tier": _(
                "Only the sales VP's decision makes an account strategic or important; "
                "propose the tier instead."
            )
        }
    )


@transaction.atomic
def account_create(*, by: User, data: Mapping[str, Any]) -> KeyAccount:
    """A KAM's new account starts potential; the tier she proposes waits for the sales VP's
    tier review (§3). An administrator sets the tier directly."""
    if not roles.can_create_account(by):
        raise PermissionDenied
    data = dict(data)
    if by.role == Role.ADMIN:
        data.pop("proposed_tier", None)
    elif data.get("tier", Tier.POTENTIAL) != Tier.POTENTIAL:
        raise _tier_refused()
    if data.get("proposed_tier") == Tier.POTENTIAL:
        data["proposed_tier"] = ""
    account = KeyAccount(**data)
    account.tier_since = timezone.localdate()
    if by.role == Role.KAM:
        account.owner = by
    _check_status(account)
    save_with_history(account, by, clean=True)
    registry.account_changed([account.pk])
    timeline_add(account=account, kind="created", summary=account.name, actor=by)
    return account


@transaction.atomic
def account_update(*, account: KeyAccount, by: User, data: Mapping[str, Any]) -> list[str]:
    """Apply the changed fields; the history row records who changed what. Only an
    administrator's edit may change the tier (a correction, with its reason, §3)."""
    if not roles.can_edit_archive(by, account):
        raise PermissionDenied
    data = dict(data)
    if by.role != Role.ADMIN:
        data.pop("owner", None)  # ownership moves only by hand-over
    data.pop("proposed_tier", None)  # proposed once, when the account is created
    tier, reason = data.pop("tier", None), data.pop("tier_reason", "")
    account = KeyAccount.objects.select_for_update().get(pk=account.pk)
    retier = tier is not None and tier != account.tier
    if retier and not roles.can_set_tier(by):
        raise _tier_refused()
    former_owner, former_tier = account.owner_id, account.get_tier_display()
    changed = apply_changes(account, data)
    _check_status(account)
    if retier:
        _retier(account, tier=tier, reason=reason)
        changed.append("tier")
    if not changed:
        return []
    save_with_history(account, by, clean=True)
    if FOLLOWED_FIELDS.intersection(changed):
        registry.account_changed([account.pk], [former_owner] if "owner" in changed else [])
    labels = ", ".join(str(KeyAccount._meta.get_field(f).verbose_name) for f in changed)
    timeline_add(account=account, kind="updated", summary=labels, actor=by)
    if retier:
        _tier_timeline(account, by, former_tier, reason)
    return changed


def _retier(account: KeyAccount, *, tier: str, reason: str) -> None:
    """Move the (locked, unsaved) account to `tier` as of today, the reason on its history
    row; the caller saves it, so an edit that also corrects the tier is one history row."""
    if tier not in Tier.values:
        raise ValidationError({"tier": _("Choose a tier.")})
    if not reason.strip():
        raise ValidationError({"tier_reason": _("Say why the tier changes.")})
    account.tier, account.tier_since, account.proposed_tier = tier, timezone.localdate(), ""
    sign_history(account, None, reason=reason.strip())


def _tier_timeline(account: KeyAccount, by: User, former: str, reason: str) -> None:
    summary = f"{former} → {account.get_tier_display()}: {reason.strip()}"
    timeline_add(account=account, kind="tier_changed", summary=summary, actor=by)


@transaction.atomic
def account_set_tier(*, account: KeyAccount, by: User, tier: str, reason: str) -> KeyAccount:
    """The way an account changes tier (§3, §6): the sales VP's decision in the tier review,
    or an administrator's correction (also from the archive's edit form, through
    `account_update`). The day it happens becomes `tier_since`, the date the visit frequency
    rules count from; the reason stays on the history row and the timeline."""
    if not roles.can_set_tier(by):
        raise PermissionDenied
    account = KeyAccount.objects.select_for_update().get(pk=account.pk)
    if account.tier == tier:
        raise ValidationError({"tier": _("The account already has this tier.")})
    former = account.get_tier_display()
    _retier(account, tier=tier, reason=reason)
    save_with_history(account, by)
    registry.account_changed([account.pk])
    _tier_timeline(account, by, former, reason)
    return account


@transaction.atomic
def account_proposal_drop(*, account: KeyAccount, by: User) -> None:
    """The sales VP turned down the tier a KAM proposed: it is not asked again."""
    if not roles.can_set_tier(by):
        raise PermissionDenied
    account = KeyAccount.objects.select_for_update().get(pk=account.pk)
    if account.proposed_tier:
        account.proposed_tier = ""
        save_with_history(account, by, update_fields=["proposed_tier", "updated_at"])


@transaction.atomic
def account_set_retired(*, account: KeyAccount, by: User, retired: bool) -> None:
    """Archives are never deleted: a retired account leaves the working lists."""
    if not roles.can_edit_archive(by, account):
        raise PermissionDenied
    account.is_archived = retired
    save_with_history(account, by, update_fields=["is_archived", "updated_at"])
    registry.account_changed([account.pk])
    timeline_add(
        account=account, kind="retired" if retired else "restored", summary=account.name, actor=by
    )


@transaction.atomic
def contact_save(
    *, account: KeyAccount, by: User, data: Mapping[str, Any], contact: Contact | None = None
) -> Contact:
    if not roles.can_edit_archive(by, account):
        raise PermissionDenied
    is_new = contact is None
    contact = contact or Contact(account=account)
    if contact.account_id != account.pk:
        raise PermissionDenied
    changed = apply_changes(contact, data)
    if not is_new and not changed:
        return contact
    save_with_history(contact, by, clean=True)
    timeline_add(
        account=account,
        kind="contact_added" if is_new else "contact_changed",
        summary=contact.name,
        actor=by,
    )
    return contact


@transaction.atomic
def event_save(
    *, account: KeyAccount, by: User, data: Mapping[str, Any], event: AccountEvent | None = None
) -> AccountEvent:
    if not roles.can_edit_archive(by, account):
        raise PermissionDenied
    is_new = event is None
    event = event or AccountEvent(account=account)
    if event.account_id != account.pk:
        raise PermissionDenied
    apply_changes(event, data)
    save_with_history(event, by, clean=True)
    if is_new:
        timeline_add(account=account, kind="event", summary=event.title, actor=by)
    return event


@transaction.atomic
def report_add(*, account: KeyAccount, by: User, data: Mapping[str, Any]) -> FinancialReport:
    if not roles.can_edit_archive(by, account):
        raise PermissionDenied
    report = FinancialReport(account=account, uploaded_by=by, **data)
    save_with_history(report, by, clean=True)
    timeline_add(account=account, kind="report", summary=report.period, actor=by)
    return report


def sales_vps() -> list[User]:
    return list(User.objects.filter(role=Role.SALES_VP, is_active=True))


@transaction.atomic
def major_matter_report(
    *, account: KeyAccount, by: User, occurred_on: dt.date, subject: str, content: str
) -> MajorMatter:
    """§6: any department's major contact goes to the owner KAM and the sales VP."""
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": _("The contact cannot be in the future.")})
    matter = MajorMatter.objects.create(
        account=account, reported_by=by, occurred_on=occurred_on, subject=subject, content=content
    )
    url = reverse("accounts:detail", args=[account.pk])
    timeline_add(account=account, kind="major_matter", summary=subject, actor=by, url=url)
    notify(
        recipients=[account.owner, *sales_vps()],
        kind="major_matter",
        key=f"major_matter:{matter.pk}",
        title=message(
            gettext_lazy("Major matter at %(account)s: %(subject)s"),
            account=account.name,
            subject=subject,
        ),
        body=message(gettext_lazy("%(person)s: %(text)s"), person=str(by), text=content),
        url=url,
    )
    return matter


def loan_url(loan: ArchiveLoan) -> str:
    """The loan's line on the loans page, where the owner decides and the requester follows
    it (its rows carry `id="loan-<pk>"`)."""
    return f"{reverse('accounts:loans')}#loan-{loan.pk}"


@transaction.atomic
def loan_request(*, account: KeyAccount, by: User, reason: str, until: dt.date) -> ArchiveLoan:
    """§10: a registered request to read the archive until a date."""
    today = timezone.localdate()
    if roles.sees_archive_by_role(by, account):
        raise ValidationError(_("You can already read this archive."))
    if until < today:
        raise ValidationError({"until": _("The end date cannot be in the past.")})
    if until > today + dt.timedelta(days=MAX_LOAN_DAYS):
        raise ValidationError(
            {"until": _("A loan lasts at most %(days)d days.") % {"days": MAX_LOAN_DAYS}}
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you need the archive.")})
    if ArchiveLoan.objects.filter(
        account=account, requester=by, status=LoanStatus.PENDING
    ).exists():
        raise ValidationError(_("You already have a request waiting for this account."))
    loan = ArchiveLoan.objects.create(account=account, requester=by, reason=reason, until=until)
    notify(
        recipients=[account.owner],
        kind="loan_request",
        key=f"loan_request:{loan.pk}",
        title=message(
            gettext_lazy("%(user)s asks to borrow the archive of %(account)s"),
            user=by,
            account=account.name,
        ),
        body=reason,
        url=loan_url(loan),
    )
    return loan


@transaction.atomic
def loan_decide(*, loan: ArchiveLoan, by: User, approve: bool, comment: str = "") -> ArchiveLoan:
    loan = ArchiveLoan.objects.select_for_update().select_related("account").get(pk=loan.pk)
    if not roles.can_decide_loan(by, loan.account):
        raise PermissionDenied
    if loan.status != LoanStatus.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if approve and loan.until < timezone.localdate():
        raise ValidationError(_("This request has expired; ask for a new one."))
    loan.status = LoanStatus.APPROVED if approve else LoanStatus.REFUSED
    loan.decided_by = by
    loan.decided_at = timezone.now()
    loan.comment = comment
    loan.save()
    kind = "loan_approved" if approve else "loan_refused"
    timeline_add(account=loan.account, kind=kind, summary=str(loan.requester), actor=by)
    notify(
        recipients=[loan.requester],
        kind=kind,
        key=f"{kind}:{loan.pk}",
        title=message(
            gettext_lazy("Your loan of %(account)s is approved until %(until)s")
            if approve
            else gettext_lazy("Your loan of %(account)s was refused"),
            account=loan.account.name,
            until=loan.until,
        ),
        body=comment,
        url=reverse("accounts:detail", args=[loan.account_id]) if approve else loan_url(loan),
    )
    return loan


def loan_withdraw(*, loan: ArchiveLoan, by: User) -> None:
    if loan.requester_id != by.pk:
        raise PermissionDenied
    updated = ArchiveLoan.objects.filter(pk=loan.pk, status=LoanStatus.PENDING).update(
        status=LoanStatus.WITHDRAWN
    )
    if not updated:
        raise ValidationError(_("This request has already been decided."))


def access_record(
    *,
    user: User,
    account: KeyAccount,
    action: str,
    loan: ArchiveLoan | None = None,
    detail: str = "",
) -> None:
    ArchiveAccess.objects.create(
        user=user, account=account, action=action, loan=loan, detail=detail[:200]
    )


@transaction.atomic
def review_record(
    *, account: KeyAccount, by: User, reviewed_on: dt.date, changed: bool, notes: str
) -> ArchiveReview:
    if not roles.can_review(by, account):
        raise PermissionDenied
    if reviewed_on > timezone.localdate():
        raise ValidationError({"reviewed_on": _("A review cannot be dated in the future.")})
    if changed and not notes.strip():
        raise ValidationError({"notes": _("Describe what changed.")})
    review = ArchiveReview.objects.create(
        account=account, reviewer=by, reviewed_on=reviewed_on, changed=changed, notes=notes
    )
    timeline_add(
        account=account,
        kind="review",
        summary=notes[:300] if changed else _("No change"),
        actor=by,
    )
    return review


def handover_heir(account: KeyAccount, leaver: User, successor_of) -> User:
    """Who takes over the leaver's work on an account at a hand-over (§7): its owner, who by
    then is the successor when the account was the leaver's."""
    owner = account.owner
    return owner if owner.is_active and owner.pk != leaver.pk else successor_of(account)


def _move_accounts(handover: HandOver, leaver: User, successor_of) -> None:
    moved = []
    for account in KeyAccount.objects.select_for_update().filter(owner=leaver):
        moved.append(account.pk)
        successor = successor_of(account)
        account.owner = successor
        save_with_history(account, handover.performed_by, update_fields=["owner", "updated_at"])
        HandOverItem.objects.create(
            handover=handover,
            kind="account",
            object_id=account.pk,
            label=account.name,
            successor=successor,
        )
        timeline_add(
            account=account,
            kind="handover",
            summary=f"{leaver} → {successor}",
            actor=handover.performed_by,
        )
    registry.account_changed(moved, [leaver.pk])


def _end_sessions(user: User) -> None:
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()


@transaction.atomic
def accounts_hand_over(
    *,
    leaver: User,
    by: User,
    default_successor: User,
    successors: Mapping[int, User] | None = None,
    note: str = "",
) -> HandOver:
    """§7: move everything the leaver owns to successors and end the leaver's access at once."""
    if not roles.can_hand_over(by):
        raise PermissionDenied
    successors = dict(successors or {})
    for user in {default_successor, *successors.values()}:
        if user.pk == leaver.pk or not user.is_active or user.role != Role.KAM:
            raise ValidationError(_("Successors must be active key account managers."))
    leaver = User.objects.select_for_update().get(pk=leaver.pk)
    led = Team.objects.filter(manager=leaver).first()
    if led is not None:
        # A team is never left with an inactive manager: name the new one first.
        raise ValidationError(
            _("%(user)s leads the team %(team)s: assign the team a new sales manager first.")
            % {"user": leaver, "team": led}
        )
    handover = HandOver.objects.create(leaver=leaver, performed_by=by, note=note)

    def successor_of(account: KeyAccount) -> User:
        return successors.get(account.pk, default_successor)

    # Every app's step (accounts' own first: the others find the accounts already moved).
    for step in registry.handover_steps():
        step(handover, leaver, successor_of)
    leaver.is_active = False
    leaver.save(update_fields=["is_active"])
    transaction.on_commit(lambda: _end_sessions(leaver))
    _tell_successors(handover, leaver)
    return handover


def _tell_successors(handover: HandOver, leaver: User) -> None:
    """One reminder per successor, opening what she took over: the archive when it is one
    account, else her account list (a successor may not read the hand-over's own page)."""
    taken: dict[User, list[int]] = {}
    for item in handover.items.filter(successor__isnull=False).select_related("successor"):
        accounts = taken.setdefault(item.successor, [])
        if item.kind == "account":
            accounts.append(item.object_id)
    for successor, accounts in taken.items():
        one = len(accounts) == 1
        notify(
            recipients=[successor],
            kind="handover",
            key=f"handover:{handover.pk}",
            title=message(
                gettext_lazy("You have taken over the accounts of %(leaver)s"), leaver=leaver
            ),
            url=reverse("accounts:detail", args=accounts) if one else reverse("accounts:list"),
        )
