"""Excel output of one archive. Cells from user input never start a formula."""

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from accounts.forms import ACCOUNT_FIELDS
from accounts.models import KeyAccount

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that a spreadsheet would read as a formula is kept as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _display(account: KeyAccount, field: str):
    value = getattr(account, field)
    f = KeyAccount._meta.get_field(field)
    if f.choices:
        return str(getattr(account, f"get_{field}_display")())
    return value if value not in (None, "") else ""


def archive_workbook(account: KeyAccount) -> Workbook:
    wb = Workbook()
    sheet = wb.active
    sheet.title = str(_("Archive"))[:31]
    bold = Font(bold=True)
    fields = [*ACCOUNT_FIELDS[:1], "owner", *ACCOUNT_FIELDS[1:]]
    for row, field in enumerate(fields, start=1):
        label = KeyAccount._meta.get_field(field).verbose_name
        sheet.cell(row=row, column=1, value=str(label)).font = bold
        value = str(account.owner) if field == "owner" else _display(account, field)
        sheet.cell(row=row, column=2, value=safe_cell(value))
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 60

    contacts = wb.create_sheet(str(_("Contacts"))[:31])
    from accounts.models import Contact

    labels = ["name", "title", "level", "phone", "email"]
    contacts.append([str(Contact._meta.get_field(f).verbose_name) for f in labels])
    for c in account.contacts.filter(is_active=True):
        contacts.append(
            [safe_cell(v) for v in (c.name, c.title, c.get_level_display(), c.phone, c.email)]
        )
    return wb
