"""Who may see or do what. Every view asks here; nowhere else decides.

The policy (§7–§10) separates the account *list* (一览表), which sales managers may use,
from the *archive* (原始资料), which stays with the owner KAM and her line. Everyone else
reaches an archive only through an approved, unexpired loan (借阅).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from kam.models import User


class KeyAccount(Protocol):
    """What the rules read of an account (accounts.models.KeyAccount): the shell names no
    business app, not even for type checking."""

    owner_id: int | None
    owner: User | None


class Role(models.TextChoices):
    KAM = "kam", _("Key account manager")
    SALES_MANAGER = "sales_manager", _("Sales manager")
    SALES_VP = "sales_vp", _("Sales VP")
    TECH_VP = "tech_vp", _("Technical VP")
    EXEC_VP = "exec_vp", _("Executive VP")
    GM = "gm", _("General manager")
    GM_OFFICE = "gm_office", _("GM office")
    STAFF = "staff", _("Staff of another department")
    ADMIN = "admin", _("Administrator")


# Roles that see every account in the list and every archive (SPEC §2).
COMPANY_WIDE = {Role.SALES_VP, Role.GM, Role.ADMIN}
EXECUTIVES = {Role.SALES_VP, Role.TECH_VP, Role.EXEC_VP, Role.GM}


def is_company_wide(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in COMPANY_WIDE


def is_admin(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.ADMIN


def can_use_list(user: User) -> bool:
    """Whether the account list (一览表) page is open to this user at all."""
    return user.role in COMPANY_WIDE or user.role in {Role.KAM, Role.SALES_MANAGER}


def manages(manager: User, kam: User | None) -> bool:
    """True when `manager` leads the team that `kam` belongs to."""
    return (
        kam is not None
        and manager.role == Role.SALES_MANAGER
        and kam.team_id is not None
        and kam.team.manager_id == manager.pk
    )


def sees_archive_by_role(user: User, account: KeyAccount) -> bool:
    """The archive is open by position: owner, her manager, sales VP, GM, administrators."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.role in COMPANY_WIDE:
        return True
    if account.owner_id == user.pk:
        return True
    return manages(user, account.owner)


def can_edit_archive(user: User, account: KeyAccount) -> bool:
    """The owner keeps her archive; administrators may correct it."""
    if not (user.is_authenticated and user.is_active):
        return False
    return account.owner_id == user.pk or user.role == Role.ADMIN


def can_create_account(user: User) -> bool:
    return user.role in {Role.KAM, Role.ADMIN}


def can_decide_loan(user: User, account: KeyAccount) -> bool:
    """§10: the owner KAM lends her archive; nobody decides in her place."""
    return user.is_active and account.owner_id == user.pk


def can_read_access_log(user: User) -> bool:
    return user.role in {Role.SALES_VP, Role.ADMIN}


def can_hand_over(user: User) -> bool:
    return user.role in {Role.SALES_VP, Role.ADMIN}


def can_import(user: User) -> bool:
    return user.role == Role.ADMIN


def can_review(user: User, account: KeyAccount) -> bool:
    """§11: the owner KAM reviews her accounts twice a year."""
    return user.is_active and account.owner_id == user.pk


# Visits: monthly plans, records, itinerary changes, reviews and spot checks (§14) -------------

# Who records visits of their own (§13: the owner KAM, the sales manager, the three VPs, the GM).
VISITORS = {Role.KAM, Role.SALES_MANAGER, Role.SALES_VP, Role.TECH_VP, Role.EXEC_VP, Role.GM}


def can_use_plans(user: User) -> bool:
    """The plan and record lists: a KAM hers, a sales manager his team's, the line above all."""
    return user.is_active and user.role in {Role.KAM, Role.SALES_MANAGER, *COMPANY_WIDE}


def can_write_plan(user: User) -> bool:
    """§14.1: every KAM fills next month's plan herself."""
    return user.is_active and user.role == Role.KAM


def can_review_plan(user: User) -> bool:
    """§14.1: plans go to the sales VP for 核阅; nobody else approves or returns them."""
    return user.is_active and user.role == Role.SALES_VP


def can_record_visits(user: User) -> bool:
    return user.is_active and user.role in VISITORS


def can_review_record(user: User, kam: User) -> bool:
    """§14.2: the sales manager reads his KAMs' records against their plans."""
    return user.is_active and manages(user, kam)


def can_return_record(user: User, kam: User) -> bool:
    """A submitted record goes back to its KAM from those it was submitted to (§14.2): her
    sales manager or the sales VP."""
    return user.is_active and (manages(user, kam) or user.role == Role.SALES_VP)


def can_check_in(user: User) -> bool:
    """签到 / 签退 (SPEC §8): the KAM at her own customers. Her check-ins are read by whoever
    reads the visit (visits_visible_to); only she checks in, out, and sets the location."""
    return user.is_active and user.role == Role.KAM


def can_spot_check(user: User) -> bool:
    return user.is_active and user.role == Role.SALES_MANAGER


def can_see_spot_checks(user: User) -> bool:
    return user.is_active and user.role in {Role.SALES_MANAGER, *COMPANY_WIDE}


# Executive schedule (高层拜访日程, §14.1) -----------------------------------------------------

# Whose visits the schedule plans (§13): the owner's sales manager, the three VPs, the GM.
SCHEDULED_VISITORS = {Role.SALES_MANAGER, Role.SALES_VP, Role.TECH_VP, Role.EXEC_VP, Role.GM}


def can_edit_schedule(user: User) -> bool:
    """The GM office sets the schedule every December; the GM and administrators may too."""
    return user.is_active and user.role in {Role.GM_OFFICE, Role.GM, Role.ADMIN}


def can_see_schedule(user: User) -> bool:
    """The whole schedule: its editors, and the sales VP (read-only) who steers the sales side."""
    return can_edit_schedule(user) or (user.is_active and user.role == Role.SALES_VP)


def has_own_schedule(user: User) -> bool:
    """Sales managers and executives see the visits scheduled for them."""
    return user.is_active and user.role in SCHEDULED_VISITORS


# Calendars (SPEC §8) ---------------------------------------------------------------------------


def can_use_calendar(user: User) -> bool:
    """The month / week calendar: everyone who plans or makes visits sees her own, and the GM
    office, which visits nobody, reads the month's executive schedule from it."""
    return user.is_active and user.role in {*VISITORS, Role.GM_OFFICE}


def can_subscribe_calendar(user: User) -> bool:
    """A private iCalendar feed of her own visits: only those who have visits to show."""
    return user.is_active and user.role in VISITORS


# Contracts, receivables and complaints (§4) --------------------------------------------------
# They are part of the archive: whoever reads the archive reads them (accounts.selectors.
# archive_for_user), and whoever keeps it writes them. Payments too are recorded by the owner
# KAM, who receives the remittance advice, or by an administrator on finance's behalf.


def can_use_receivables(user: User) -> bool:
    """The receivables view is scoped like the list: a KAM hers, a manager his team's, the
    sales VP, the GM and administrators all."""
    return user.is_active and user.role in {Role.KAM, Role.SALES_MANAGER, *COMPANY_WIDE}


def can_use_complaints(user: User) -> bool:
    """The complaint list (and its overdue view), scoped like the account list."""
    return can_use_receivables(user)


def can_edit_money(user: User, account: KeyAccount) -> bool:
    """Contracts, invoices, payments, collection actions, reconciliations and complaints."""
    return can_edit_archive(user, account)


def can_set_complaint_deadlines(user: User) -> bool:
    return is_admin(user)


# Compliance dashboard (§3) and the frequency rules (§13) -------------------------------------


def can_see_compliance(user: User) -> bool:
    """The sales VP, the GM and administrators see the company; a sales manager his team; a
    KAM herself."""
    return user.is_active and user.role in {Role.KAM, Role.SALES_MANAGER, *COMPANY_WIDE}


def sees_team_compliance(user: User, manager_id: int | None) -> bool:
    """A team's figures (`manager_id` its sales manager; None for the KAMs in no team)."""
    if not can_see_compliance(user):
        return False
    return user.role in COMPANY_WIDE or (manager_id is not None and manager_id == user.pk)


def sees_kam_compliance(user: User, kam: User) -> bool:
    if not can_see_compliance(user):
        return False
    return user.role in COMPANY_WIDE or kam.pk == user.pk or manages(user, kam)


def can_see_frequency_rules(user: User) -> bool:
    """Everyone who plans, visits, schedules or steers visits reads the rules in force."""
    return user.is_active and user.role != Role.STAFF


# Analysis: dynamic tiers and churn warning (§6) ----------------------------------------------


def can_see_tier_review(user: User) -> bool:
    """The tier review: the sales VP and administrators work on it, the GM reads it."""
    return user.is_active and user.role in COMPANY_WIDE


def can_prepare_tier_review(user: User) -> bool:
    return user.is_active and user.role in {Role.SALES_VP, Role.ADMIN}


def can_decide_tier(user: User) -> bool:
    """§6: the sales VP accepts or rejects each proposed promotion or demotion."""
    return user.is_active and user.role == Role.SALES_VP


def can_set_tier(user: User) -> bool:
    """§3: a tier becomes strategic or important only by the sales VP's decision; an
    administrator may correct it. A KAM only proposes one for a new account."""
    return user.is_active and user.role in {Role.SALES_VP, Role.ADMIN}


def can_see_churn(user: User) -> bool:
    """The churn risk list, scoped like the account list."""
    return user.is_active and user.role in {Role.KAM, Role.SALES_MANAGER, *COMPANY_WIDE}


def can_edit_criteria(user: User, account: KeyAccount) -> bool:
    """The qualitative criteria of a strategic account (§3) are part of the archive."""
    return can_edit_archive(user, account)


# Appraisal (绩效考核, §17–§18) ---------------------------------------------------------------
# The sales VP, the GM and administrators see every KAM's appraisal, a sales manager her
# team's, a KAM her own. Administrators keep targets and schemes and run rollups on demand;
# they and the sales VP export the sheets; the sales manager adjusts her team's scores; the
# sales VP finalises.


def can_see_appraisal(user: User) -> bool:
    return user.role in COMPANY_WIDE or user.role in {Role.SALES_MANAGER, Role.KAM}


def can_manage_appraisal(user: User) -> bool:
    """Targets, schemes and rollups on demand."""
    return is_admin(user)


def can_export_appraisal(user: User) -> bool:
    return user.role in {Role.ADMIN, Role.SALES_VP}


def can_adjust_score(user: User, kam: User) -> bool:
    return manages(user, kam)


def can_finalise_appraisal(user: User) -> bool:
    return user.role == Role.SALES_VP
