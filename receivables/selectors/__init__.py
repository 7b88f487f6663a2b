"""Reads of contracts and receivables: one account's (account.py) and the scoped receivables
report (report.py). Every list starts from the user's scope (accounts.selectors)."""
