"""Small per-row pieces of work-order lists as Python tags.

The queue shows fifty rows; an {% include %} per cell costs a template render each,
which was most of the page's time. These build the same markup directly, and
`queue_rows` draws the queue's whole table body in one pass.
"""

from html import escape as _escape
from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..choices import STATUS_COLOURS, Status

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
    """A countdown badge from countdowns.sla's dict (minutes left or overdue, or paused)."""
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


def _esc(text) -> str:
    """HTML-escape a plain str (Django's escape() wraps each call for lazy strings)."""
    return _escape(text if isinstance(text, str) else str(text))


class _RowText:
    """What every row shares, translated and looked up once per page."""

    def __init__(self):
        self.status = {value: _esc(label) for value, label in Status.choices}
        self.weekdays = {day: str(name) for day, name in WEEKDAYS_ABBR.items()}
        self.paused = _esc(_("paused"))
        self.overdue = _("overdue %(span)s")
        self.left = _("%(span)s left")
        self.detail = reverse("incidents:detail", args=["0"])[:-2]  # ".../incidents/"
        # On a phone each row is a card (incidents/queue.css) naming its cells.
        self.labels = {
            "priority": _esc(_("Priority")),
            "due": _esc(_("Fix due")),
            "requester": _esc(_("Requester")),
            "assignee": _esc(_("Assignee")),
            "category": _esc(_("Category")),
        }

    def due_title(self, due) -> str:
        local = timezone.localtime(due)
        return f"{local:%Y-%m-%d} {self.weekdays[local.weekday()]} {local:%H:%M}"

    def sla(self, sla) -> str:
        if not sla:
            return '<span class="text-muted">—</span>'
        if sla["paused"]:
            return f'<span class="badge text-bg-secondary">{self.paused}</span>'
        if sla["overdue"]:
            text, css = self.overdue % {"span": sla["span"]}, "text-bg-danger"
        else:
            text = self.left % {"span": sla["span"]}
            css = "text-bg-warning" if sla["minutes"] <= 30 else "text-bg-light border"
        return f'<span class="badge {css}" title="{_esc(self.due_title(sla["due"]))}">{_esc(text)}</span>'


def _name(username, person_name) -> str:
    return _esc(person_name or username) if username else "—"


def _sub(text) -> str:
    return f'<div class="small text-muted">{_esc(text)}</div>' if text else ""


@register.simple_tag
def queue_rows(rows):
    """The queue's <tr>s from selectors.work_order_rows (each with its `resolve_sla`)."""
    if not rows:
        return ""
    shared = _RowText()
    html = []
    for row in rows:
        number = _esc(row["number"])
        html.append(
            "<tr>"
            f'<td class="wo-pick"><input class="form-check-input" type="checkbox" name="numbers" value="{number}" aria-label="{number}"></td>'
            f'<td class="wo-number text-nowrap"><a href="{shared.detail}{_esc(quote(row["number"]))}/">{number}</a></td>'
            f'<td class="wo-title text-break">{_esc(row["title"])}</td>'
            f'<td class="wo-status"><span class="badge text-bg-{STATUS_COLOURS.get(row["status"], "secondary")}">'
            f"{shared.status.get(row['status'], _esc(row['status']))}</span></td>"
            f'<td data-label="{shared.labels["priority"]}">{_esc(row["priority"])}</td>'
            f'<td class="text-nowrap" data-label="{shared.labels["due"]}">{shared.sla(row["resolve_sla"])}</td>'
            f'<td data-label="{shared.labels["requester"]}">'
            f"{_name(row['requester__username'], row['requester__person__name'])}"
            f"{_sub(row['department__name'])}</td>"
            f'<td data-label="{shared.labels["assignee"]}">'
            f"{_name(row['assignee__username'], row['assignee__person__name'])}"
            f"{_sub(row['team__name'])}</td>"
            f'<td class="small" data-label="{shared.labels["category"]}">{_esc(row["category__name"] or "—")}</td>'
            "</tr>"
        )
    return mark_safe("".join(html))  # noqa: S308 (every value escaped above)
