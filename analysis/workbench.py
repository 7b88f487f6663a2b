"""What the analysis puts on the home page (registered in analysis/apps.py): a KAM's own
accounts at risk of loss, highest risk first (§6)."""

from __future__ import annotations

import datetime as dt

from analysis.selectors import accounts_at_risk
from kam.models import User
from kam.roles import Role


def at_risk_panel(user: User, today: dt.date) -> dict | None:
    if user.role != Role.KAM:
        return None
    return {"at_risk": accounts_at_risk(user, today)[:5]}
