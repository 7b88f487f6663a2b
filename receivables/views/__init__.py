"""Pages of the receivables app: one account's contracts and receivables (account.py) and the
scoped receivables report (report.py)."""
