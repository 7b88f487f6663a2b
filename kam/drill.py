"""Drill-downs (the compliance dashboard, the receivables report): company → team → KAM →
account, the same way on every page. Where a user starts and which steps above a page she
may climb back to follow from her scope (kam.roles.reach); the pages only make the links."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.utils.translation import gettext

from kam import roles
from kam.models import Team, User
from kam.roles import Reach


class Level(enum.Enum):
    COMPANY = "company"
    TEAM = "team"
    KAM = "kam"
    ACCOUNT = "account"


# Where each reach starts: the company, the team a manager leads, the KAM herself.
START = {Reach.EVERYONE: Level.COMPANY, Reach.TEAM: Level.TEAM, Reach.OWN: Level.KAM}


def start(user: User) -> Level | None:
    """The top of the user's drill-down; None for someone with no scope."""
    return START.get(roles.reach(user))


def led_team(manager: User) -> Team | None:
    return Team.objects.filter(manager=manager).first()


@dataclass(frozen=True)
class Step:
    level: Level
    team: Team | None = None
    kam: User | None = None

    @property
    def label(self) -> str:
        if self.level is Level.COMPANY:
            return gettext("Company")
        return str(self.team if self.level is Level.TEAM else self.kam)


def trail(user: User, *, team: Team | None = None, kam: User | None = None) -> list[Step]:
    """The steps down to a team's or a KAM's page that the user may climb back to, top first:
    the company for the company-wide roles, the team when she sees it whole, the KAM. With
    no team or KAM named, the user's own top: the company, the team she leads, herself."""
    top = start(user)
    if team is None and kam is None:
        if top is Level.TEAM:
            team = led_team(user)
        elif top is Level.KAM:
            kam = user
    steps = []
    if top is Level.COMPANY:
        steps.append(Step(Level.COMPANY))
    if kam is not None and team is None:
        team = kam.team
    if team is not None and roles.sees_team(user, team.manager_id):
        steps.append(Step(Level.TEAM, team=team))
    if kam is not None:
        steps.append(Step(Level.KAM, team=team, kam=kam))
    return steps


def teams_to_filter(user: User):
    """The teams a list may be narrowed to: every team for the company-wide roles; nobody
    else sees more than one team, so nobody else is offered the filter."""
    if start(user) is Level.COMPANY:
        return Team.objects.order_by("name")
    return Team.objects.none()
