"""Excel import of accounts and contacts (administrators): every row validated, all or nothing."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.forms import AccountForm, ContactForm
from accounts.models import Contact, KeyAccount
from accounts.models.archive import ContactLevel, Status, Tier
from accounts.services import timeline_add
from accounts.validators import credit_code_check_char
from kam.inputs import clean_text
from kam.models import User
from kam.registry import registry
from kam.roles import Role
from kam.services import save_with_history

ACCOUNT_COLUMNS = [
    ("name", gettext_lazy("Customer name")),
    ("credit_code", gettext_lazy("Unified social credit code")),
    ("tier", gettext_lazy("Tier")),
    ("status", gettext_lazy("Status")),
    ("owner", gettext_lazy("Owner KAM (login name)")),
    ("legal_representative", gettext_lazy("Legal representative")),
    ("registered_capital", gettext_lazy("Registered capital (yuan)")),
    ("industry", gettext_lazy("Industry")),
    ("industry_position", gettext_lazy("Industry position")),
    ("business_scope", gettext_lazy("Business scope")),
    ("address", gettext_lazy("Address")),
    ("postcode", gettext_lazy("Postcode")),
    ("phone", gettext_lazy("Phone")),
    ("fax", gettext_lazy("Fax")),
    ("website", gettext_lazy("Website")),
    ("cooperation_since", gettext_lazy("Customer since (date)")),
]
CONTACT_COLUMNS = [
    ("account", gettext_lazy("Customer name")),
    ("name", gettext_lazy("Contact name")),
    ("title", gettext_lazy("Job title")),
    ("level", gettext_lazy("Level")),
    ("phone", gettext_lazy("Phone")),
    ("email", gettext_lazy("Email")),
]
# The sheets' codes; the template names them in the user's language (SHEET_LABELS), and an
# import finds them under either language's name or the code.
ACCOUNTS_SHEET = "accounts"
CONTACTS_SHEET = "contacts"
SHEET_LABELS = {
    ACCOUNTS_SHEET: pgettext_lazy("sheet", "Accounts"),
    CONTACTS_SHEET: pgettext_lazy("sheet", "Contacts"),
}
MAX_ROWS = 5000


def sheet_label(code: str) -> str:
    return str(SHEET_LABELS.get(code, code))


def _sheet(wb, code: str):
    """The sheet of this code in a workbook made from the template of any language."""
    names = {code}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names.add(sheet_label(code))
    return next((wb[name] for name in wb.sheetnames if name in names), None)


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int
    column: str  # e.g. "B (Unified social credit code)"
    message: str

    @property
    def sheet_label(self) -> str:
        return sheet_label(self.sheet) if self.sheet else ""


@dataclass
class ImportResult:
    errors: list[CellError]
    accounts: int = 0
    contacts: int = 0


REQUIRED = {ACCOUNTS_SHEET: {"name", "owner"}, CONTACTS_SHEET: {"account", "name", "level"}}
CHOICES = {
    ACCOUNTS_SHEET: {"tier": Tier.choices, "status": Status.choices},
    CONTACTS_SHEET: {"level": ContactLevel.choices},
}
EXAMPLE_CODE = "91320200MA1MWY7K3"


def _example_rows() -> dict[str, list[str]]:
    """One filled-in row under each header, to copy; left as it is, the import skips it."""
    name = _("(Example) Wuxi Weiyan Co., Ltd.")
    return {
        ACCOUNTS_SHEET: [
            name,
            EXAMPLE_CODE + credit_code_check_char(EXAMPLE_CODE),
            str(Tier.IMPORTANT.label),
            str(Status.ACTIVE.label),
            "kam1",
            _("Zhang San"),
            "5000000",
            _("Auto parts"),
            _("Top three in the region"),
            _("Manufacture and sale of auto parts"),
            _("1 Taihu Avenue, Wuxi"),
            "214000",
            "0510-8189 4459",
            "0510-8189 4460",
            "https://www.example.com",
            "2015-03-01",
        ],
        CONTACTS_SHEET: [
            name,
            _("Li Si"),
            _("Purchasing manager"),
            str(ContactLevel.BUSINESS_HEAD.label),
            "138 1234 5678",
            "lisi@example.com",
        ],
    }


def _choice_labels(choices) -> list[str]:
    return [str(label) for _code, label in choices]


def _notes_rows() -> list[list[str]]:
    rows = [
        [_("How to fill in this workbook")],
        [_("Fill one row per account on “accounts” and one per contact on “contacts”.")],
        [
            _(
                "Columns marked * are required. Every row is checked first: if any cell is wrong, "
                "nothing is imported."
            )
        ],
        [
            _(
                "The grey example row under each header is skipped while it is left unchanged; "
                "delete it or overwrite it."
            )
        ],
        [_("At most %(n)d rows per file.") % {"n": MAX_ROWS}],
        [],
        [_("Sheet"), _("Column"), pgettext("import column", "Required"), _("What to enter")],
    ]
    hints = {
        "name": _("The full registered name; a name another account already has is refused."),
        "credit_code": _("18 characters (GB 32100-2015), checked by its check character."),
        "owner": _("The login name of an active key account manager."),
        "registered_capital": _("A number, in yuan."),
        "postcode": _("Six digits."),
        "phone": _(
            "A mobile number (138 1234 5678), a landline with its area code (0510-8189 4459, "
            "an extension after 转) or +country code; several separated by /."
        ),
        "fax": _("Like a phone number."),
        "website": _("An address such as www.example.com."),
        "cooperation_since": _("A date such as 2015-03-01, not in the future."),
        "account": _("The customer name of a row on “accounts” or of an account in the system."),
        "email": _("An e-mail address."),
    }
    for sheet, columns in ((ACCOUNTS_SHEET, ACCOUNT_COLUMNS), (CONTACTS_SHEET, CONTACT_COLUMNS)):
        for field, label in columns:
            choices = CHOICES[sheet].get(field)
            hint = hints.get(field, "")
            if choices:
                hint = _("One of: %(values)s") % {"values": "、".join(_choice_labels(choices))}
            required = _("yes") if field in REQUIRED[sheet] else ""
            rows.append([sheet_label(sheet), str(label), required, str(hint)])
    return rows


def _header(sheet: str, columns) -> list[str]:
    return [f"{label} *" if f in REQUIRED[sheet] else str(label) for f, label in columns]


def _add_lists(ws, sheet: str, columns) -> None:
    """A drop-down of the allowed values on every choice column, refusing anything else."""
    for i, (field, label) in enumerate(columns, start=1):
        choices = CHOICES[sheet].get(field)
        if not choices:
            continue
        values = ",".join(_choice_labels(choices))
        rule = DataValidation(type="list", formula1=f'"{values}"', allow_blank=True)
        rule.error = _("Choose one of: %(values)s") % {"values": values}
        rule.errorTitle = str(label)
        rule.showErrorMessage = True
        letter = get_column_letter(i)
        rule.add(f"{letter}2:{letter}{MAX_ROWS + 2}")
        ws.add_data_validation(rule)


def template_workbook() -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_label(ACCOUNTS_SHEET)
    ws2 = wb.create_sheet(sheet_label(CONTACTS_SHEET))
    examples = _example_rows()
    grey = Font(italic=True, color="808080")
    for sheet, code, columns in (
        (ws, ACCOUNTS_SHEET, ACCOUNT_COLUMNS),
        (ws2, CONTACTS_SHEET, CONTACT_COLUMNS),
    ):
        sheet.append(_header(code, columns))
        sheet.append(examples[code])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for cell in sheet[2]:
            cell.font = grey
            cell.number_format = "@"  # text: the example code and phone stay as typed
        _add_lists(sheet, code, columns)
        for i in range(1, sheet.max_column + 1):
            sheet.column_dimensions[get_column_letter(i)].width = 22
        sheet.freeze_panes = "A2"
    notes = wb.create_sheet(str(_("Instructions")))
    for row in _notes_rows():
        notes.append(row)
    notes["A1"].font = Font(bold=True)
    for letter, width in zip("ABCD", (12, 28, 10, 90), strict=True):
        notes.column_dimensions[letter].width = width
    return wb


def _choice(value: str, choices) -> tuple[str, str | None]:
    """The code for a cell, and an error when it names no choice. Accepted: the code or the
    label in any of the interface's languages (战略客户, Strategic, strategic); never a guess."""
    text = " ".join(str(value or "").split())
    if not text:
        return "", None
    for code, label in choices:
        names = {code.lower()}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                names.add(str(label).lower())
        if text.lower() in names:
            return code, None
    return text, _("“%(value)s” is not one of the allowed values: %(values)s.") % {
        "value": text,
        "values": "、".join(_choice_labels(choices)),
    }


def _date(value) -> str:
    """Excel gives a date cell as a datetime; a typed one stays text for the form to read."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return _text(value)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _is_example(sheet_name: str, row) -> bool:
    """The template's example row, untouched, in whichever language it was downloaded."""
    cells = [_text(v) for v in row]
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            example = _example_rows()[sheet_name]
        if cells[: len(example)] == example and not any(cells[len(example) :]):
            return True
    return False


def _rows(sheet, sheet_name: str):
    for index, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if any(v not in (None, "") for v in row) and not (
            index == 2 and _is_example(sheet_name, row)
        ):
            yield index, row


def _column(columns, field: str) -> str:
    for i, (name, label) in enumerate(columns, start=1):
        if name == field:
            return f"{get_column_letter(i)} ({label})"
    return ""


def _key(name: str) -> str:
    """One spelling per name: 新客户（无锡） and 新客户(无锡) are the same customer."""
    name = clean_text(name).replace("（", "(").replace("）", ")")
    return " ".join(name.split()).lower()


def _form_errors(form, sheet: str, columns, row_no: int) -> list[CellError]:
    return [
        CellError(sheet, row_no, _column(columns, field) or field, message)
        for field, messages in form.errors.items()
        for message in messages
    ]


def _account_data(row) -> tuple[dict, list[tuple[str, str]]]:
    raw = {f: row[i] if i < len(row) else None for i, (f, _l) in enumerate(ACCOUNT_COLUMNS)}
    data = {f: _text(v) for f, v in raw.items()}
    data["cooperation_since"] = _date(raw["cooperation_since"])
    refused = []
    for field, choices in CHOICES[ACCOUNTS_SHEET].items():
        data[field], error = _choice(data[field], choices)
        if error:
            refused.append((field, error))
    # an empty tier or status is the one a new account starts with
    data["tier"] = data["tier"] or Tier.POTENTIAL
    data["status"] = data["status"] or Status.DEVELOPING
    capital = raw["registered_capital"]
    if capital not in (None, ""):
        # a value that is not a number is left as it is, for the form to report
        with contextlib.suppress(InvalidOperation):
            data["registered_capital"] = str(Decimal(str(capital)))
    return data, refused


def _account_rows(sheet, errors, owners):
    """The valid rows, the names of all rows (valid or not, to their row number) and errors."""
    accounts, seen_codes, names, rows_by_name = [], set(), {}, {}
    for row_no, row in _rows(sheet, ACCOUNTS_SHEET):
        data, refused = _account_data(row)
        form = AccountForm(data)
        row_errors = _form_errors(form, ACCOUNTS_SHEET, ACCOUNT_COLUMNS, row_no)
        # a refused choice replaces the form's "not one of the available choices"
        refused_fields = {f for f, _m in refused}
        row_errors = [
            e
            for e in row_errors
            if e.column not in {_column(ACCOUNT_COLUMNS, f) for f in refused_fields}
        ]
        row_errors += [
            CellError(ACCOUNTS_SHEET, row_no, _column(ACCOUNT_COLUMNS, f), m) for f, m in refused
        ]
        owner = owners.get(data["owner"])
        if owner is None:
            row_errors.append(
                CellError(
                    ACCOUNTS_SHEET,
                    row_no,
                    _column(ACCOUNT_COLUMNS, "owner"),
                    _("No active key account manager has the login name “%(name)s”.")
                    % {"name": data["owner"]},
                )
            )
        code = form.cleaned_data.get("credit_code") if form.is_valid() else ""
        if code and code in seen_codes:
            row_errors.append(
                CellError(
                    ACCOUNTS_SHEET,
                    row_no,
                    _column(ACCOUNT_COLUMNS, "credit_code"),
                    _("This code appears twice in the file."),
                )
            )
        seen_codes.add(code)
        key = _key(data["name"])
        if key and key in rows_by_name:
            row_errors.append(
                CellError(
                    ACCOUNTS_SHEET,
                    row_no,
                    _column(ACCOUNT_COLUMNS, "name"),
                    _("This name is already on row %(row)d of this sheet.")
                    % {"row": rows_by_name[key]},
                )
            )
        rows_by_name.setdefault(key, row_no)
        errors += sorted(row_errors, key=lambda e: e.column)
        if not row_errors:
            names[key] = len(accounts)
            accounts.append((form.cleaned_data, owner))
    return accounts, names, rows_by_name


def _contact_rows(sheet, errors, names, rows_by_name):
    contacts = []
    existing = {_key(a.name): a for a in KeyAccount.objects.only("pk", "name")}
    for row_no, row in _rows(sheet, CONTACTS_SHEET):
        data = {
            f: _text(row[i] if i < len(row) else None) for i, (f, _l) in enumerate(CONTACT_COLUMNS)
        }
        data["level"], refused = _choice(data["level"], ContactLevel.choices)
        data["is_active"] = True
        form = ContactForm(data)
        row_errors = _form_errors(form, CONTACTS_SHEET, CONTACT_COLUMNS, row_no)
        if refused:
            level = _column(CONTACT_COLUMNS, "level")
            row_errors = [e for e in row_errors if e.column != level]
            row_errors.append(CellError(CONTACTS_SHEET, row_no, level, refused))
        key = _key(data["account"])
        target = names.get(key, existing.get(key))
        if target is None:
            if key in rows_by_name:
                message = _(
                    "The account “%(name)s” (row %(row)d of the accounts sheet) has errors: "
                    "correct that row first."
                ) % {"name": data["account"], "row": rows_by_name[key]}
            else:
                message = _("No account named “%(name)s” in this file or the system.") % {
                    "name": data["account"]
                }
            row_errors.append(
                CellError(CONTACTS_SHEET, row_no, _column(CONTACT_COLUMNS, "account"), message)
            )
        errors += sorted(row_errors, key=lambda e: e.column)
        if not row_errors:
            contacts.append((form.cleaned_data, target))
    return contacts


def import_accounts(file, *, by: User) -> ImportResult:
    """Validate every row first; write only when no cell is wrong, in one transaction."""
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        return ImportResult(
            [CellError("", 0, "", _("This file is not a readable .xlsx workbook."))]
        )
    accounts_sheet, contacts_sheet = _sheet(wb, ACCOUNTS_SHEET), _sheet(wb, CONTACTS_SHEET)
    if accounts_sheet is None:
        return ImportResult(
            [
                CellError(
                    ACCOUNTS_SHEET,
                    0,
                    "",
                    _("The sheet “%(sheet)s” is missing: start from the template.")
                    % {"sheet": sheet_label(ACCOUNTS_SHEET)},
                )
            ]
        )
    owners = {u.username: u for u in User.objects.filter(role=Role.KAM, is_active=True)}
    errors: list[CellError] = []
    accounts, names, rows_by_name = _account_rows(accounts_sheet, errors, owners)
    contacts = []
    if contacts_sheet is not None:
        contacts = _contact_rows(contacts_sheet, errors, names, rows_by_name)
    if len(accounts) + len(contacts) > MAX_ROWS:
        errors.append(CellError("", 0, "", _("At most %(n)d rows per file.") % {"n": MAX_ROWS}))
    if errors:
        return ImportResult(errors)
    return _write(accounts, contacts, by)


@transaction.atomic
def _write(accounts, contacts, by: User) -> ImportResult:
    created = []
    for data, owner in accounts:
        account = KeyAccount(owner=owner, **data)
        save_with_history(account, by)
        timeline_add(account=account, kind="imported", summary=account.name, actor=by)
        created.append(account)
    for data, target in contacts:
        account = created[target] if isinstance(target, int) else target
        contact = Contact(account=account, **data)
        save_with_history(contact, by)
    registry.account_changed([a.pk for a in created])
    return ImportResult([], accounts=len(created), contacts=len(contacts))
