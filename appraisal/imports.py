"""Targets from Excel: one row per KAM (user name, sales, new key accounts, collections).
Every row is checked first; nothing is written unless every row is right."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from appraisal import scoring, services
from appraisal.models import Period
from kam.models import User
from kam.roles import Role

MAX_ROWS = 5000


def _money(value, row: int, errors: list) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace(",", "").strip()).quantize(Decimal("0.01"))
    except InvalidOperation:
        errors.append(
            _("Row %(row)d: “%(value)s” is not an amount.") % {"row": row, "value": value}
        )
        return None
    if amount < 0:
        errors.append(_("Row %(row)d: a target cannot be negative.") % {"row": row})
    return amount


def _count(value, row: int, errors: list) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        number = Decimal(-1)
    if number < 0 or number != number.to_integral_value():
        errors.append(
            _("Row %(row)d: “%(value)s” is not a whole number.") % {"row": row, "value": value}
        )
        return None
    return int(number)


def read_targets(file) -> dict[str, scoring.Targets]:
    """{user name: targets} from the first sheet; raises ValidationError listing every error."""
    try:
        sheet = load_workbook(file, read_only=True, data_only=True).worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationError(_("This file is not a readable .xlsx workbook.")) from exc
    found, errors = {}, []
    for number, cells in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if number > MAX_ROWS:
            raise ValidationError(_("A target file has at most %(n)d rows.") % {"n": MAX_ROWS})
        cells = (list(cells) + [None] * 4)[:4]
        if all(c in (None, "") for c in cells):
            continue
        username = str(cells[0] or "").strip()
        if not username:
            errors.append(_("Row %(row)d: the user name is missing.") % {"row": number})
            continue
        if username in found:
            errors.append(
                _("Row %(row)d: %(user)s appears twice.") % {"row": number, "user": username}
            )
        found[username] = scoring.Targets(
            _money(cells[1], number, errors),
            _count(cells[2], number, errors),
            _money(cells[3], number, errors),
        )
    if errors:
        raise ValidationError(errors)
    return found


def targets_import(*, period: Period, by: User, file) -> int:
    rows = read_targets(file)
    kams = dict(User.objects.filter(role=Role.KAM, username__in=rows).values_list("username", "pk"))
    unknown = sorted(set(rows) - set(kams))
    if unknown:
        raise ValidationError(
            _("Not key account managers here: %(names)s") % {"names": "、".join(unknown)}
        )
    return services.targets_save(
        period=period, by=by, values={kams[name]: t for name, t in rows.items()}
    )
