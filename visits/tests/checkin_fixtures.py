"""Shared helpers for the check-in tests: a KAM's day with a planned visit, and photos."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from kam.tests.cast import Cast
from visits.models import PlanLine, VisitPlan
from visits.models.plans import PlanStatus
from visits.services.checkins import Fix
from visits.tests.plan_fixtures import Office, at, make_office, make_plan

JUNE = dt.date(2026, 6, 1)
TODAY = dt.date(2026, 6, 10)
NOW = at(TODAY, 9)  # Wednesday 10 June 2026, 09:00 in Shanghai

# The customer's gate, and places near and far from it.
CUSTOMER = Fix(31.49117, 120.31191, 15.0)
NEAR = Fix(31.49300, 120.31191, 25.0)  # about 200 m north
FAR = Fix(31.51117, 120.31191, 30.0)  # about 2.2 km north


@dataclass
class Day:
    office: Office
    plan: VisitPlan  # the owner's approved June plan
    line: PlanLine  # its line for today, at cast.account

    @property
    def cast(self) -> Cast:
        return self.office.cast


def make_day(cast: Cast) -> Day:
    office = make_office(cast)
    plan = make_plan(cast.owner, JUNE, status=PlanStatus.APPROVED, days=[10, 17])
    line = plan.lines.get(planned_on=TODAY)
    assert line.account == cast.account
    return Day(office, plan, line)


def photo_bytes(size=(3000, 2000), orientation: int | None = None) -> bytes:
    """A camera's JPEG: maker, time and GPS position in its EXIF."""
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0132] = "2026:06:10 09:00:00"
    if orientation:
        exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (31.0, 29.0, 28.2), 3: "E", 4: (120.0, 18.0, 42.9)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def photo_upload(data: bytes | None = None, name: str = "IMG_0001.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data or photo_bytes(), content_type="image/jpeg")
