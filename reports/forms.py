from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .models import TYPE_CHOICES
from .periods import Period
from .registry import REPORT_TYPES

PERIOD_HINT = _lazy("Month 2026-09, quarter 2026-Q3 or year 2026, as the report type covers.")


def default_period_text(code: str, today=None) -> str:
    """The last closed period of the type's kind: what a manager usually wants."""
    today = today or timezone.localdate()
    kind = REPORT_TYPES[code].period_kind if code in REPORT_TYPES else "month"
    return Period.containing(kind, today).previous().slug


class GenerateForm(forms.Form):
    type = forms.ChoiceField(label=_lazy("Report type"), choices=TYPE_CHOICES)
    period = forms.CharField(label=_lazy("Period"), max_length=10, help_text=PERIOD_HINT)
    preliminary = forms.BooleanField(
        label=_lazy("Preliminary preview of the current period"), required=False
    )
    regenerate = forms.BooleanField(
        label=_lazy("New version (the current one stays in the archive)"), required=False
    )
    suggestions = forms.CharField(
        label=_lazy("Suggestions (free text by the supervisor)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self):
        data = super().clean()
        code, text = data.get("type"), data.get("period")
        if code in REPORT_TYPES and text:
            kind = REPORT_TYPES[code].period_kind
            try:
                data["period_value"] = Period.parse(kind, text)
            except (ValueError, TypeError):
                example = {"month": "2026-09", "quarter": "2026-Q3", "year": "2026"}[kind]
                self.add_error(
                    "period",
                    _("“%(text)s” is not a %(kind)s: write it like %(example)s.")
                    % {
                        "text": text,
                        "kind": {"month": _("month"), "quarter": _("quarter"), "year": _("year")}[
                            kind
                        ],
                        "example": example,
                    },
                )
        return data
