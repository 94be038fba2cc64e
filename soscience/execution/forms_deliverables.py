"""The deliverable upload form: it parses input; the service checks the file and decides."""

from __future__ import annotations

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from soscience.execution.models_deliverables import Deliverable


class DeliverableForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Deliverable.Kind.choices, initial=Deliverable.Kind.REPORT
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional: what it is, how to use it. Markdown is accepted."),
    )  # fmt: skip
    # Empty files pass the form: the service refuses them with its own message.
    file = forms.FileField(label=_("File"), allow_empty_file=True)

    def __init__(self, *args: object, limit: int | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if limit is not None:
            self.fields["file"].help_text = _(
                "PDF, images (PNG, JPEG, WebP), office documents (docx, xlsx, pptx, odt, ods, "
                "odp), archives (zip, tar.gz, tar.xz, 7z) or text data (CSV, JSON, TXT, "
                "Markdown); at most %(limit)s."
            ) % {"limit": filesizeformat(limit)}
