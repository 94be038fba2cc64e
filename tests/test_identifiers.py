"""French identifiers (SIREN, SIRET, RNA) are validated exactly, as the registers define them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from soscience.organisations.identifiers import (
    luhn_valid,
    validate_rna,
    validate_siren,
    validate_siret,
)


def luhn_check_digit(payload: str) -> str:
    """The digit that makes ``payload`` + digit pass the Luhn check."""
    return next(str(d) for d in range(10) if luhn_valid(payload + str(d)))


def _code(call, value: str) -> str:
    with pytest.raises(ValidationError) as info:
        call(value)
    return info.value.code


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("732829320", "732829320"),
        ("443 061 841", "443061841"),
        ("542.107.651", "542107651"),
        (" 356000000 ", "356000000"),
    ],
)
def test_valid_siren_is_accepted_and_normalised(typed, stored):
    assert validate_siren(typed) == stored


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("732829321", "siren_checksum"),  # last digit changed
        ("443061814", "siren_checksum"),  # two digits swapped
        ("12345678", "siren_format"),  # 8 digits
        ("1234567890", "siren_format"),  # 10 digits
        ("73282932A", "siren_format"),
        ("", "siren_format"),
    ],
)
def test_invalid_siren_is_refused_with_the_right_reason(typed, code):
    assert _code(validate_siren, typed) == code


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("73282932000074", "73282932000074"),
        ("443 061 841 00047", "44306184100047"),
        ("443-061-841-00047", "44306184100047"),
    ],
)
def test_valid_siret_is_accepted_and_normalised(typed, stored):
    assert validate_siret(typed) == stored


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("73282932000075", "siret_checksum"),
        ("4430618410004", "siret_format"),  # 13 digits
        ("443061841000470", "siret_format"),  # 15 digits
        ("4430618410004X", "siret_format"),
        # Digit sum a multiple of 5 but not La Poste: the exception must not apply.
        ("44306184100004", "siret_checksum"),
    ],
)
def test_invalid_siret_is_refused_with_the_right_reason(typed, code):
    assert _code(validate_siret, typed) == code


def test_la_poste_head_office_siret_is_valid():
    assert validate_siret("356 000 000 00048") == "35600000000048"


def test_la_poste_establishment_valid_by_digit_sum_only():
    siret = "35600000049837"
    assert not luhn_valid(siret)  # the ordinary rule would refuse it
    assert sum(int(c) for c in siret) % 5 == 0
    assert validate_siret(siret) == siret


def test_la_poste_establishment_with_wrong_digit_sum_is_refused():
    siret = "35600000049838"
    assert not luhn_valid(siret)
    assert sum(int(c) for c in siret) % 5 != 0
    assert _code(validate_siret, siret) == "siret_checksum"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("W751234567", "W751234567"), ("w751234567", "W751234567"), ("W 751 234 567", "W751234567")],
)
def test_valid_rna(typed, stored):
    assert validate_rna(typed) == stored


@pytest.mark.parametrize(
    "typed", ["751234567", "W75123456", "W7512345678", "X751234567", "W75123456A", ""]
)
def test_invalid_rna(typed):
    assert _code(validate_rna, typed) == "rna_format"


def test_messages_say_what_is_wrong():
    with pytest.raises(ValidationError, match="exactly 9 digits"):
        validate_siren("1234")
    with pytest.raises(ValidationError, match="check digit"):
        validate_siren("732829321")
    with pytest.raises(ValidationError, match="W followed by 9 digits"):
        validate_rna("123")


eight_digits = st.text(alphabet="0123456789", min_size=8, max_size=8)
four_digits = st.text(alphabet="0123456789", min_size=4, max_size=4)


@given(payload=eight_digits)
def test_any_eight_digits_with_their_luhn_digit_make_a_valid_siren(payload):
    siren = payload + luhn_check_digit(payload)
    assert validate_siren(siren) == siren


@given(
    payload=eight_digits,
    position=st.integers(min_value=0, max_value=8),
    shift=st.integers(min_value=1, max_value=9),
)
def test_changing_one_digit_of_a_valid_siren_makes_it_invalid(payload, position, shift):
    siren = payload + luhn_check_digit(payload)
    changed = siren[:position] + str((int(siren[position]) + shift) % 10) + siren[position + 1 :]
    assert _code(validate_siren, changed) == "siren_checksum"


@given(
    siren_payload=eight_digits, establishment=st.text(alphabet="0123456789", min_size=4, max_size=4)
)
def test_a_siret_built_from_a_siren_and_its_luhn_digit_is_valid(siren_payload, establishment):
    siren = siren_payload + luhn_check_digit(siren_payload)
    payload = siren + establishment
    siret = payload + luhn_check_digit(payload)
    assert validate_siret(siret) == siret
