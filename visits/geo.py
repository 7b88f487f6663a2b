"""Distances on the earth's surface, for check-ins (签到): plain numbers in, plain numbers out,
so the rule is tested without a database."""

from __future__ import annotations

import math

# The mean radius (IUGG): the spherical model errs by well under 1 % at the distances that
# matter here (a KAM a street away from her customer), far below a phone's accuracy.
EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two points given in decimal degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    # min(): rounding can push `a` a hair above 1 for antipodal points, and asin would fail.
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def is_far(distance_m: float | None, limit_m: float) -> bool:
    """A check-in is flagged only when it is known to be farther than the limit: no distance
    (no account location yet, or no fix) is not evidence of anything."""
    return distance_m is not None and distance_m > limit_m
