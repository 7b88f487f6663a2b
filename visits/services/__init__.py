"""Writes of the visits app, one module per topic (plans, records, spot checks…)."""
