"""Who may see or do what. Every view asks here; nowhere else decides.

The policy (§7–§10) separates the account *list* (一览表), which sales managers may use,
from the *archive* (原始资料), which stays with the owner KAM and her line. Everyone else
reaches an archive only through an approved, unexpired loan (借阅).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from accounts.models import KeyAccount
    from kam.models import User


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
