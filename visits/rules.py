"""The frequency engine (§13): what each account needs from whom in a period, and whether the
visits done meet it. Pure: plain values in, plain values out; no database.

The API below is the contract the plan page and the compliance dashboard build on.
"""
