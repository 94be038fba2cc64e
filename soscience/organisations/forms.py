"""Forms for registering, editing and reviewing organisations.

Forms only parse and check input; the services in ``services.py`` do the writes.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from soscience.core.uploads import validate_document
from soscience.organisations import identifiers
from soscience.organisations.models import Organisation
from soscience.organisations.services import EDITABLE_FIELDS

PROOF_ACCEPT = ".pdf,.png,.jpg,.jpeg,.webp,application/pdf,image/png,image/jpeg,image/webp"


def _identifier_field(label: str, help_text: str) -> forms.CharField:
    # Longer than the stored value: people type spaces and dots, which clean_* removes.
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class OrganisationForm(forms.ModelForm):
    """Registration (``proof_required=True``) and edition of an organisation's details."""

    siren = _identifier_field(
        _("SIREN"),
        _(
            "9 digits, found on your Kbis extract or INSEE notice. Optional: many associations "
            "have none. Spaces are fine."
        ),
    )
    siret = _identifier_field(
        _("SIRET"),
        _("14 digits: your SIREN followed by the 5 digits of the establishment. Optional."),
    )
    rna = _identifier_field(
        _("RNA number"),
        _(
            "For associations: W followed by 9 digits (e.g. W751234567), on the receipt of the "
            "prefecture. Associations in Alsace-Moselle have none: leave it empty."
        ),
    )
    proof = forms.FileField(
        label=_("Proof document"),
        widget=forms.FileInput(attrs={"accept": PROOF_ACCEPT}),
    )

    class Meta:
        model = Organisation
        fields = list(EDITABLE_FIELDS)
        labels = {
            "name": _("Name of the organisation"),
            "website": _("Website (optional)"),
        }
        help_texts = {
            "legal_form": _("Choose “NGO outside France” for an organisation registered abroad."),
            "city": _("Where the organisation is based."),
        }
        widgets = {
            "social_mission": forms.Textarea(attrs={"rows": 5}),
            "beneficiaries": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, proof_required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        proof = self.fields["proof"]
        proof.required = proof_required
        limit = filesizeformat(settings.SOSCIENCE_MAX_UPLOAD_BYTES)
        if proof_required:
            proof.help_text = _(
                "Your statutes, the official notice of registration, a Kbis extract, your ESUS "
                "approval or, abroad, your registration certificate. PDF or image (PNG, JPEG, "
                "WebP), up to %(limit)s."
            ) % {"limit": limit}
        else:
            proof.label = _("Replace the proof document (optional)")
            proof.help_text = _(
                "Leave empty to keep the current document. PDF or image (PNG, JPEG, WebP), up "
                "to %(limit)s."
            ) % {"limit": limit}

    def clean_siren(self) -> str:
        value = self.cleaned_data["siren"]
        return identifiers.validate_siren(value) if value.strip() else ""

    def clean_siret(self) -> str:
        value = self.cleaned_data["siret"]
        return identifiers.validate_siret(value) if value.strip() else ""

    def clean_rna(self) -> str:
        value = self.cleaned_data["rna"]
        return identifiers.validate_rna(value) if value.strip() else ""

    def clean_proof(self) -> UploadedFile | None:
        proof = self.cleaned_data.get("proof")
        if proof:
            validate_document(proof)
        return proof or None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        siren, siret = cleaned.get("siren"), cleaned.get("siret")
        # Both already normalised by clean_siren/clean_siret when they are valid.
        if siren and siret and not siret.startswith(siren):
            self.add_error(
                "siret",
                _("This SIRET does not belong to the SIREN above: it must start with %(siren)s.")
                % {"siren": siren},
            )
        return cleaned


class ReviewForm(forms.Form):
    """A coordinator verifies eligibility, with an optional note kept in the history."""

    note = forms.CharField(
        label=_("Note (optional)"),
        help_text=_("Shown to the organisation with the decision."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RejectForm(forms.Form):
    """A coordinator refuses eligibility; the organisation sees the reason."""

    reason = forms.CharField(
        label=_("Reason for rejection"),
        help_text=_(
            "Shown to the organisation's members and mailed to them: say what is missing or "
            "why it is not eligible, so they can correct it."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why, so the organisation can understand.")},
    )


class MemberInviteForm(forms.Form):
    """Add a colleague to the organisation by email address."""

    email = forms.EmailField(
        label=_("Email address of the colleague"),
        help_text=_(
            "If they have no account yet, they get an invitation and become a member once "
            "they sign up with this address and confirm it."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class QueueFilterForm(forms.Form):
    """The review queue's status filter (GET)."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=Organisation.Status.choices,
        required=False,
    )

    def status_value(self) -> str:
        if self.is_valid() and self.cleaned_data["status"]:
            return self.cleaned_data["status"]
        return Organisation.Status.PENDING
