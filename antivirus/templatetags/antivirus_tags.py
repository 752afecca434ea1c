from django import template
from django.template.loader import render_to_string

from ..choices import STATE_COLOURS, ProtectionState

register = template.Library()


@register.simple_tag
def state_badge(state):
    return render_to_string(
        "antivirus/_state.html",
        {
            "colour": STATE_COLOURS.get(state, "secondary"),
            "label": ProtectionState(state).label if state in ProtectionState.values else state,
        },
    )


@register.filter
def add_class(field, css):
    return field.as_widget(attrs={"class": css})
