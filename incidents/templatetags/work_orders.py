"""Small per-row pieces of work-order lists as Python tags.

The queue shows fifty rows; an {% include %} per cell costs a template render each,
which was most of the page's time. These build the same markup directly.
"""

from django import template
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def status_badge(work_order):
    return format_html(
        '<span class="badge text-bg-{}">{}</span>',
        work_order.status_colour,
        work_order.get_status_display(),
    )


@register.simple_tag
def user_name(user, empty="—"):
    if not user:
        return empty
    person = getattr(user, "person", None)
    return (person.name if person is not None else "") or user.get_username()


@register.simple_tag
def sla_badge(sla):
    """A countdown badge from views._sla's dict (minutes left or overdue, or paused)."""
    if not sla:
        return format_html('<span class="text-muted">—</span>')
    if sla["paused"]:
        return format_html('<span class="badge text-bg-secondary">{}</span>', _("paused"))
    title = dateformat.format(timezone.localtime(sla["due"]), "Y-m-d D H:i")
    if sla["overdue"]:
        text = _("overdue %(span)s") % {"span": sla["span"]}
        css = "text-bg-danger"
    else:
        text = _("%(span)s left") % {"span": sla["span"]}
        css = "text-bg-warning" if sla["minutes"] <= 30 else "text-bg-light border"
    return format_html('<span class="badge {}" title="{}">{}</span>', css, title, text)
