"""Periodic jobs of the visits app (kam/jobs.py collects them)."""

from __future__ import annotations

import datetime as dt

from kam.jobs import job
from visits.tally import tally_catch_up


@job("visits_compliance_tally", hour=2, minute=10)
def compliance_tally(today: dt.date) -> int:
    """Keep the compliance rollup current overnight, so that no morning reader pays for it:
    the accounts changed since, and the whole rollup on 1 January or after a change of rules."""
    return tally_catch_up(today=today)
