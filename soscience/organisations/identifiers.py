"""French company and association identifiers, validated exactly.

SIREN: 9 digits, Luhn checksum. SIRET: SIREN + 5 digits, Luhn over all 14, except
La Poste establishments (SIREN 356000000) whose 14 digits must sum to a multiple of 5.
RNA: "W" followed by 9 digits (associations outside Alsace-Moselle).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LA_POSTE_SIREN = "356000000"
_RNA = re.compile(r"W\d{9}")


def normalise(value: str) -> str:
    """Drop the spaces, dots and dashes people type inside identifiers."""
    return re.sub(r"[\s.\-]", "", value or "").upper()


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        n = int(char)
        if index % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def validate_siren(value: str) -> str:
    siren = normalise(value)
    if not (len(siren) == 9 and siren.isdigit()):
        raise ValidationError(_("A SIREN number has exactly 9 digits."), code="siren_format")
    if not luhn_valid(siren):
        raise ValidationError(
            _("This SIREN number is not valid (its check digit does not match)."),
            code="siren_checksum",
        )
    return siren


def validate_siret(value: str) -> str:
    siret = normalise(value)
    if not (len(siret) == 14 and siret.isdigit()):
        raise ValidationError(_("A SIRET number has exactly 14 digits."), code="siret_format")
    # La Poste's establishments share one SIREN and use a digit-sum rule instead.
    valid = luhn_valid(siret) or (
        siret.startswith(LA_POSTE_SIREN) and sum(int(c) for c in siret) % 5 == 0
    )
    if not valid:
        raise ValidationError(
            _("This SIRET number is not valid (its check digit does not match)."),
            code="siret_checksum",
        )
    return siret


def validate_rna(value: str) -> str:
    rna = normalise(value)
    if not _RNA.fullmatch(rna):
        raise ValidationError(
            _("An RNA number is the letter W followed by 9 digits, e.g. W751234567."),
            code="rna_format",
        )
    return rna
