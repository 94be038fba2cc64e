"""The share kit's form: a new short link for one channel."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from soscience.network.models import ShareLink
from soscience.network.services import LABEL_MAX
from soscience.volunteers.models import Campus


class ShareLinkForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Where will you share it?"), choices=ShareLink.Channel.choices,
        error_messages={"required": _("Choose the channel where you will share the link.")},
    )  # fmt: skip
    label = forms.CharField(
        label=_("Label (for you)"), required=False, max_length=LABEL_MAX,
        help_text=_("E.g. “Notice board, building B” or “Robotics club list”."),
    )  # fmt: skip
    campus = forms.ModelChoiceField(
        label=_("Campus"), queryset=Campus.objects.none(), required=False,
        help_text=_("The campus whose dashboard counts what this link brings."),
    )  # fmt: skip

    def __init__(self, *args: Any, campuses: QuerySet[Campus], coordinator: bool,
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        field = self.fields["campus"]
        # A coordinator may attribute a link to any campus (or none); an ambassador to one
        # of their campuses this mission is offered to.
        field.queryset = Campus.objects.order_by("name") if coordinator else campuses
        if coordinator:
            field.empty_label = _("(no campus)")
        else:
            field.required = True
            field.empty_label = None
            field.error_messages["required"] = _("Choose the campus you share the mission on.")
