"""Wording and helpers shared by the release services."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from itsm import workflow
from itsm.services import transition_record
from servicedesk.notifications import notify, notify_many

# This process's wording for the pipeline's errors (itsm.workflow).
CONFLICT = gettext_lazy("This release was changed by someone else. Please reload it and try again.")
REFUSED = gettext_lazy("A release that is “%(status)s” cannot do this.")


# --- helpers -------------------------------------------------------------------------


def _log(release, actor, name: str, source: str, note: str = "") -> None:
    transition_record(
        subject=release,
        transition=name,
        source=source,
        target=release.status,
        actor=actor,
        note=note,
    )


def _fire(release, actor, name: str, method, *, note: str = "", **kwargs) -> None:
    workflow.transition(
        release, actor=actor, name=name, method=method, refused=REFUSED, note=note, **kwargs
    )


def release_url(release) -> str:
    return reverse("changes:release_detail", args=[release.number])


def _tell(recipients, release, subject: str, body: str = "") -> None:
    notify(
        recipients=recipients,
        subject=f"[{release.number}] {subject}",
        body=body or release.summary,
        url=release_url(release),
    )


def _local(moment) -> str:
    return timezone.localtime(moment, timezone.get_current_timezone()).strftime("%Y-%m-%d %H:%M")


# --- notice before the window (sent on deployment too) -------------------------------


def _announce(release) -> None:
    from ..release_selectors import release_impact

    impact = release_impact(release=release)
    window = f"{_local(release.planned_start)} – {_local(release.planned_end)}"
    subject = _("Planned release %(number)s: %(window)s") % {
        "number": release.number,
        "window": window,
    }
    body = _("%(summary)s\nAffected: %(items)s") % {
        "summary": release.summary,
        "items": ", ".join(str(i) for i in impact.items_changed),
    }
    notify_many([(impact.users, subject, body, "")])
