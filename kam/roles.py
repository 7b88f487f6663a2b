"""Who may see or do what. Every view asks here; nowhere else decides.

The policy (§7–§10) separates the account *list* (一览表), which sales managers may use,
from the *archive* (原始资料), which stays with the owner KAM and her line. Everyone else
reaches an archive only through an approved, unexpired loan (借阅).
"""

from __future__ import annotations

import enum
import functools
import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, TypeVar

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from kam.models import User

M = TypeVar("M", bound=models.Model)


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


def is_active_user(user: User) -> bool:
    """Signed in and not deactivated: a leaver (SPEC §1) may do nothing at all."""
    return bool(user.is_authenticated and user.is_active)


Rule = TypeVar("Rule", bound=Callable[..., bool])


def active_only(rule: Rule) -> Rule:
    """The one active-user guard: every rule below answers False for an anonymous or
    deactivated user before it looks at anything else."""

    @functools.wraps(rule)
    def guarded(user: User, *args, **kwargs) -> bool:
        return is_active_user(user) and rule(user, *args, **kwargs)

    return guarded  # type: ignore[return-value]


# Whose work a user sees (SPEC §2: "a KAM her own; a sales manager his team's; the sales VP,
# the GM and administrators all") -------------------------------------------------------------
# The ladder is written here once. Every list of accounts, visits, plans, records, spot
# checks, receivables, complaints and appraisal rows is narrowed by `in_scope`; pages that
# drill company → team → KAM start at `reach(user)`.


class Reach(enum.Enum):
    EVERYONE = "everyone"  # the company
    TEAM = "team"  # the team a sales manager leads, and himself
    OWN = "own"  # herself
    NOTHING = "nothing"


def reach(user: User) -> Reach:
    if not is_active_user(user):
        return Reach.NOTHING
    if user.role in COMPANY_WIDE:
        return Reach.EVERYONE
    if user.role == Role.SALES_MANAGER:
        return Reach.TEAM
    if user.role == Role.KAM:
        return Reach.OWN
    return Reach.NOTHING


# "The team" of a sales manager, in the database and in Python: the users whose team he
# leads. Where a record keeps the team it was made in (an appraisal row), it is that team.
TEAM_LEADER = "team__manager"


def team_of(manager: User) -> QuerySet[User]:
    """The people a sales manager answers for: his team's members and himself."""
    from kam.models import User  # kam.models imports Role from here

    return User.objects.filter(Q(**{TEAM_LEADER: manager}) | Q(pk=manager.pk))


@active_only
def manages(manager: User, kam: User | None) -> bool:
    """True when `manager` leads the team that `kam` belongs to."""
    return (
        kam is not None
        and manager.role == Role.SALES_MANAGER
        and kam.team_id is not None
        and kam.team.manager_id == manager.pk
    )


def in_scope(qs: QuerySet[M], user: User, *people: str, team: str | None = None) -> QuerySet[M]:
    """`qs` narrowed to the user's scope: rows where any of the `people` paths (a user
    foreign key such as "owner", "kam" or "account__owner") names someone whose work she
    sees. `team`, when given, is the path of a team the row was filed under (an appraisal
    row's), which then decides for a sales manager instead of the person's current team."""
    level = reach(user)
    if level is Reach.EVERYONE:
        return qs
    if level is Reach.NOTHING or not people:
        return qs.none()
    if level is Reach.OWN:
        terms = [Q(**{path: user.pk}) for path in people]
    elif team is not None:
        terms = [Q(**{f"{team}__manager": user.pk})] + [Q(**{path: user.pk}) for path in people]
    else:
        # An id list, not a join with OR, so the (owner, …) indexes serve it.
        members = team_of(user).values("pk")
        terms = [Q(**{f"{path}__in": members}) for path in people]
    return qs.filter(functools.reduce(operator.or_, terms))


def people_in_scope(user: User) -> QuerySet[User] | None:
    """The people whose work the user sees, or None for everyone (the company-wide roles)."""
    from kam.models import User

    if reach(user) is Reach.EVERYONE:
        return None
    return in_scope(User.objects.all(), user, "pk")


def sees_person(user: User, person: User | None) -> bool:
    """Whether `person`'s work is in the user's scope: `in_scope` for one person, in Python."""
    level = reach(user)
    if level is Reach.EVERYONE:
        return True
    if level is Reach.NOTHING or person is None:
        return False
    return person.pk == user.pk or (level is Reach.TEAM and manages(user, person))


def people_who_see(person: User) -> QuerySet[User]:
    """The ladder read upwards: the active users whose scope holds `person` (herself, the
    manager of her team, the company-wide roles)."""
    from kam.models import User

    line = Q(role__in=COMPANY_WIDE)
    if has_scope(person):
        line |= Q(pk=person.pk)
    if person.team_id is not None:
        line |= Q(led_team=person.team_id, role=Role.SALES_MANAGER)
    return User.objects.filter(line, is_active=True)


def is_company_wide(user: User) -> bool:
    return reach(user) is Reach.EVERYONE


@active_only
def is_admin(user: User) -> bool:
    return user.role == Role.ADMIN


def has_scope(user: User) -> bool:
    """Whether the user sees anyone's work at all (herself included)."""
    return reach(user) is not Reach.NOTHING


@active_only
def can_use_list(user: User) -> bool:
    """Whether the account list (一览表) page is open to this user at all."""
    return has_scope(user)


@active_only
def sees_archive_by_role(user: User, account: KeyAccount) -> bool:
    """The archive is open by position: owner, her manager, sales VP, GM, administrators."""
    return account.owner_id == user.pk or sees_person(user, account.owner)


@active_only
def can_edit_archive(user: User, account: KeyAccount) -> bool:
    """The owner keeps her archive; administrators may correct it."""
    return account.owner_id == user.pk or user.role == Role.ADMIN


@active_only
def can_create_account(user: User) -> bool:
    return user.role in {Role.KAM, Role.ADMIN}


@active_only
def can_decide_loan(user: User, account: KeyAccount) -> bool:
    """§10: the owner KAM lends her archive; nobody decides in her place."""
    return account.owner_id == user.pk


@active_only
def can_read_access_log(user: User) -> bool:
    return user.role in {Role.SALES_VP, Role.ADMIN}


@active_only
def can_hand_over(user: User) -> bool:
    return user.role in {Role.SALES_VP, Role.ADMIN}


@active_only
def can_import(user: User) -> bool:
    return user.role == Role.ADMIN


@active_only
def can_review(user: User, account: KeyAccount) -> bool:
    """§11: the owner KAM reviews her accounts twice a year."""
    return account.owner_id == user.pk


# Visits: monthly plans, records, itinerary changes, reviews and spot checks (§14) -------------

# Who records visits of their own (§13: the owner KAM, the sales manager, the three VPs, the GM).
VISITORS = {Role.KAM, Role.SALES_MANAGER, Role.SALES_VP, Role.TECH_VP, Role.EXEC_VP, Role.GM}


@active_only
def can_use_plans(user: User) -> bool:
    """The plan and record lists: a KAM hers, a sales manager his team's, the line above all."""
    return has_scope(user)


@active_only
def can_write_plan(user: User) -> bool:
    """§14.1: every KAM fills next month's plan herself."""
    return user.role == Role.KAM


@active_only
def can_review_plan(user: User) -> bool:
    """§14.1: plans go to the sales VP for 核阅; nobody else approves or returns them."""
    return user.role == Role.SALES_VP


@active_only
def can_record_visits(user: User) -> bool:
    return user.role in VISITORS


@active_only
def can_review_record(user: User, kam: User) -> bool:
    """§14.2: the sales manager reads his KAMs' records against their plans."""
    return manages(user, kam)


@active_only
def can_return_record(user: User, kam: User) -> bool:
    """A submitted record goes back to its KAM from those it was submitted to (§14.2): her
    sales manager or the sales VP."""
    return manages(user, kam) or user.role == Role.SALES_VP


@active_only
def can_check_in(user: User) -> bool:
    """签到 / 签退 (SPEC §8): the KAM at her own customers. Her check-ins are read by whoever
    reads the visit (visits_visible_to); only she checks in, out, and sets the location."""
    return user.role == Role.KAM


@active_only
def can_spot_check(user: User) -> bool:
    return user.role == Role.SALES_MANAGER


@active_only
def can_see_spot_checks(user: User) -> bool:
    """Those above the KAMs: a sales manager his own checks, the company-wide roles all."""
    return reach(user) in {Reach.EVERYONE, Reach.TEAM}


# Executive schedule (高层拜访日程, §14.1) -----------------------------------------------------

# Whose visits the schedule plans (§13): the owner's sales manager, the three VPs, the GM.
SCHEDULED_VISITORS = {Role.SALES_MANAGER, Role.SALES_VP, Role.TECH_VP, Role.EXEC_VP, Role.GM}


@active_only
def can_edit_schedule(user: User) -> bool:
    """The GM office sets the schedule every December; the GM and administrators may too."""
    return user.role in {Role.GM_OFFICE, Role.GM, Role.ADMIN}


@active_only
def can_see_schedule(user: User) -> bool:
    """The whole schedule: its editors, and the sales VP (read-only) who steers the sales side."""
    return can_edit_schedule(user) or user.role == Role.SALES_VP


@active_only
def has_own_schedule(user: User) -> bool:
    """Sales managers and executives see the visits scheduled for them."""
    return user.role in SCHEDULED_VISITORS


# Calendars (SPEC §8) ---------------------------------------------------------------------------


@active_only
def can_use_calendar(user: User) -> bool:
    """The month / week calendar: everyone who plans or makes visits sees her own, and the GM
    office, which visits nobody, reads the month's executive schedule from it."""
    return user.role in {*VISITORS, Role.GM_OFFICE}


@active_only
def can_subscribe_calendar(user: User) -> bool:
    """A private iCalendar feed of her own visits: only those who have visits to show."""
    return user.role in VISITORS


# Contracts, receivables and complaints (§4) --------------------------------------------------
# They are part of the archive: whoever reads the archive reads them (accounts.selectors.
# archive_for_user), and whoever keeps it writes them. Payments too are recorded by the owner
# KAM, who receives the remittance advice, or by an administrator on finance's behalf.


@active_only
def can_use_receivables(user: User) -> bool:
    """The receivables view is scoped like the list: a KAM hers, a manager his team's, the
    sales VP, the GM and administrators all."""
    return has_scope(user)


@active_only
def can_use_complaints(user: User) -> bool:
    """The complaint list (and its overdue view), scoped like the account list."""
    return can_use_receivables(user)


@active_only
def can_edit_money(user: User, account: KeyAccount) -> bool:
    """Contracts, invoices, payments, collection actions, reconciliations and complaints."""
    return can_edit_archive(user, account)


@active_only
def can_set_complaint_deadlines(user: User) -> bool:
    return is_admin(user)


# Compliance dashboard (§3) and the frequency rules (§13) -------------------------------------


@active_only
def can_see_compliance(user: User) -> bool:
    """The sales VP, the GM and administrators see the company; a sales manager his team; a
    KAM herself."""
    return has_scope(user)


def sees_team(user: User, manager_id: int | None) -> bool:
    """A team's figures as a whole (`manager_id` its sales manager; None for the KAMs in no
    team): the company-wide roles, and the manager who leads it."""
    level = reach(user)
    return level is Reach.EVERYONE or (level is Reach.TEAM and manager_id == user.pk)


@active_only
def can_see_frequency_rules(user: User) -> bool:
    """Everyone who plans, visits, schedules or steers visits reads the rules in force."""
    return user.role != Role.STAFF


# Analysis: dynamic tiers and churn warning (§6) ----------------------------------------------


@active_only
def can_see_tier_review(user: User) -> bool:
    """The tier review: the sales VP and administrators work on it, the GM reads it."""
    return user.role in COMPANY_WIDE


@active_only
def can_prepare_tier_review(user: User) -> bool:
    return user.role in {Role.SALES_VP, Role.ADMIN}


@active_only
def can_decide_tier(user: User) -> bool:
    """§6: the sales VP accepts or rejects each proposed promotion or demotion."""
    return user.role == Role.SALES_VP


@active_only
def can_set_tier(user: User) -> bool:
    """§3: a tier becomes strategic or important only by the sales VP's decision; an
    administrator may correct it. A KAM only proposes one for a new account."""
    return user.role in {Role.SALES_VP, Role.ADMIN}


@active_only
def can_see_churn(user: User) -> bool:
    """The churn risk list, scoped like the account list."""
    return has_scope(user)


@active_only
def can_edit_criteria(user: User, account: KeyAccount) -> bool:
    """The qualitative criteria of a strategic account (§3) are part of the archive."""
    return can_edit_archive(user, account)


# Appraisal (绩效考核, §17–§18) ---------------------------------------------------------------
# The sales VP, the GM and administrators see every KAM's appraisal, a sales manager her
# team's, a KAM her own. Administrators keep targets and schemes and run rollups on demand;
# they and the sales VP export the sheets; the sales manager adjusts her team's scores; the
# sales VP finalises.


@active_only
def can_see_appraisal(user: User) -> bool:
    return has_scope(user)


@active_only
def can_manage_appraisal(user: User) -> bool:
    """Targets, schemes and rollups on demand."""
    return is_admin(user)


@active_only
def can_export_appraisal(user: User) -> bool:
    return user.role in {Role.ADMIN, Role.SALES_VP}


@active_only
def can_adjust_score(user: User, kam: User) -> bool:
    return manages(user, kam)


@active_only
def can_finalise_appraisal(user: User) -> bool:
    return user.role == Role.SALES_VP
