"""统一社会信用代码 (GB 32100-2015): 18 characters, mod-31 check character, unique."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.forms import AccountForm
from accounts.models import KeyAccount
from accounts.models.archive import Status, Tier
from accounts.validators import (
    CHARSET,
    credit_code_check_char,
    normalise_credit_code,
    validate_credit_code,
)
from kam.roles import Role
from kam.tests.factories import AccountFactory, UserFactory, make_credit_code

# Published codes of real companies, and one whose check character is 0.
VALID = [
    "91350100M000100Y43",
    "91110000802100433B",
    "91440300708461136T",
    "913202000000000070",
]


def error_code(value: str) -> str:
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(value)
    return exc.value.error_list[0].code


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_pass(code):
    validate_credit_code(code)
    assert credit_code_check_char(code[:17]) == code[17]


def test_factory_codes_are_valid():
    for n in (0, 1, 42, 999_999_999):
        validate_credit_code(make_credit_code(n))


@pytest.mark.parametrize("code", ["91350100M000100Y4", "91350100M000100Y433", "9"])
def test_wrong_length(code):
    assert error_code(code) == "length"


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z", "-", "中"])
def test_characters_outside_the_charset(letter):
    code = "91350100M000100Y4" + letter
    assert error_code(code) == "charset"


@pytest.mark.parametrize("position", range(2, 8))
def test_region_code_must_be_digits(position):
    code = list(VALID[0])
    code[position] = "A"
    assert error_code("".join(code)) == "region"


@pytest.mark.parametrize("position", range(18))
def test_a_typing_error_in_any_position_is_caught(position):
    code = VALID[0]
    # a digit keeps the region code well formed, so only the check character can object
    replacement = next(c for c in "0123456789" if c != code[position])
    typo = code[:position] + replacement + code[position + 1 :]
    assert error_code(typo) == "checksum"


@pytest.mark.parametrize("position", [p for p in range(16) if VALID[1][p] != VALID[1][p + 1]])
def test_swapped_neighbours_are_caught(position):
    code = VALID[1]
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    with pytest.raises(ValidationError):
        validate_credit_code(swapped)


def test_every_check_character_is_reachable():
    seen = {credit_code_check_char(f"91320200{n:09d}") for n in range(400)}
    assert seen == set(CHARSET)


def test_lowercase_and_spaces_are_normalised():
    assert normalise_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"
    validate_credit_code("91350100m000100y43")


# --- on the model and in the form ---------------------------------------------------------


def form_data(**extra):
    data = {"name": "测试公司", "tier": Tier.IMPORTANT, "status": Status.ACTIVE}
    data.update(extra)
    return data


@pytest.mark.django_db
def test_form_upper_cases_the_code():
    form = AccountForm(form_data(credit_code=" 91350100m000100y43 "))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["credit_code"] == "91350100M000100Y43"


@pytest.mark.django_db
def test_form_reports_a_bad_check_character():
    form = AccountForm(form_data(credit_code="91350100M000100Y44"))
    assert not form.is_valid()
    assert "credit_code" in form.errors


@pytest.mark.django_db
def test_form_refuses_a_code_already_taken_in_any_case():
    AccountFactory(credit_code=VALID[0])
    for typed in (VALID[0], VALID[0].lower()):
        form = AccountForm(form_data(credit_code=typed))
        assert not form.is_valid()
        assert "credit_code" in form.errors


@pytest.mark.django_db
def test_form_lets_an_account_keep_its_own_code():
    account = AccountFactory(credit_code=VALID[0])
    form = AccountForm(form_data(name=account.name, credit_code=VALID[0].lower()), instance=account)
    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_database_refuses_a_duplicate_code():
    AccountFactory(credit_code=VALID[1])
    with pytest.raises(IntegrityError), transaction.atomic():
        AccountFactory(credit_code=VALID[1])
    assert KeyAccount.objects.filter(credit_code=VALID[1]).count() == 1


@pytest.mark.django_db
def test_model_validation_reports_the_duplicate():
    AccountFactory(credit_code=VALID[2])
    twin = KeyAccount(
        name="另一家", credit_code=VALID[2], owner=UserFactory(role=Role.KAM), tier=Tier.IMPORTANT
    )
    with pytest.raises(ValidationError):
        twin.full_clean()


@pytest.mark.django_db
def test_many_accounts_may_have_no_code_yet():
    AccountFactory(credit_code="")
    AccountFactory(credit_code="")
    assert KeyAccount.objects.filter(credit_code="").count() == 2


@pytest.mark.django_db
def test_model_validation_checks_the_code():
    account = KeyAccount(
        name="坏代码", credit_code="91350100M000100Y44", owner=UserFactory(role=Role.KAM)
    )
    with pytest.raises(ValidationError) as exc:
        account.full_clean()
    assert "credit_code" in exc.value.message_dict
