"""Reads of the visits app, one module per topic (schedule, compliance…)."""

# The plan page's entry point to the frequency engine (visits/rules.py).
from visits.selectors.requirements import plan_requirements  # noqa: F401
