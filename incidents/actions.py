"""The work-order page's actions: for each, its form and the service it calls, when it
makes sense (the state machine), who may take it (the one refusal function, with its
reason for the buttons a user may not press) and the order of the staff page's panels."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed

from . import forms, permissions, selectors, services
from .choices import Status
from .service_records import services as record_services
from .service_records.forms import ServiceRecordForm
from .service_records.selectors import review_first_message


def other_work_order(user, number: str):
    """Another work order the user can see, or a form error naming the number."""
    try:
        return selectors.work_order_get(user=user, number=number.strip())
    except Http404:
        raise ValidationError(
            {
                "target": _("There is no work order %(number)s that you can see.")
                % {"number": number}
            }
        ) from None


# action → (form, service call(work_order, user, cleaned data, lock_version the page showed))
ACTIONS = {
    "assign": (
        forms.AssignForm,
        lambda w, u, d, v: services.work_order_assign(
            work_order=w,
            actor=u,
            assignee=d["assignee"],
            team=d["team"],
            note=d["note"],
            lock_version=v,
            # Blank keeps what the order has (recorded at intake, or not yet).
            service_type=d["service_type"] or None,
            response_mode=d["response_mode"] or None,
            vehicle_needed=d["vehicle_needed"],
        ),
    ),
    "start": (
        forms.NoteForm,
        lambda w, u, d, v: services.work_order_start(
            work_order=w, actor=u, note=d["note"], lock_version=v
        ),
    ),
    "hold": (
        forms.HoldForm,
        lambda w, u, d, v: services.work_order_hold(
            work_order=w, actor=u, reason=d["reason"], note=d["note"], lock_version=v
        ),
    ),
    "resume": (
        forms.NoteForm,
        lambda w, u, d, v: services.work_order_resume(
            work_order=w, actor=u, note=d["note"], lock_version=v
        ),
    ),
    "resolve": (
        forms.ResolveForm,
        lambda w, u, d, v: services.work_order_resolve(
            work_order=w,
            actor=u,
            resolution=d["resolution"],
            knowledge_record_id=d["knowledge_record"],
            lock_version=v,
        ),
    ),
    "escalate": (
        forms.RequiredNoteForm,
        lambda w, u, d, v: services.work_order_escalate(
            work_order=w, actor=u, note=d["note"], lock_version=v
        ),
    ),
    "late": (
        forms.RequiredNoteForm,
        lambda w, u, d, v: services.work_order_report_late(
            work_order=w, actor=u, note=d["note"], lock_version=v
        ),
    ),
    "guidance": (
        forms.EmptyForm,
        lambda w, u, d, v: services.work_order_guidance_start(
            work_order=w, actor=u, lock_version=v
        ),
    ),
    "forward_to_manager": (
        forms.NoteForm,
        lambda w, u, d, v: services.work_order_forward_to_manager(
            work_order=w, actor=u, note=d["note"], lock_version=v
        ),
    ),
    "reprioritise": (
        forms.ReprioritiseForm,
        lambda w, u, d, v: services.work_order_reprioritise(
            work_order=w,
            actor=u,
            impact=d["impact"],
            urgency=d["urgency"],
            note=d["note"],
            lock_version=v,
        ),
    ),
    "cancel": (
        forms.CancelForm,
        lambda w, u, d, v: services.work_order_cancel(
            work_order=w, actor=u, reason=d["reason"], note=d["note"], lock_version=v
        ),
    ),
    "reopen": (
        forms.ReopenForm,
        lambda w, u, d, v: services.work_order_reopen(
            work_order=w, actor=u, note=d["note"], lock_version=v
        ),
    ),
    "confirm": (
        forms.EmptyForm,
        lambda w, u, d, v: services.work_order_confirm(work_order=w, actor=u, lock_version=v),
    ),
    "close": (
        forms.NoteForm,
        lambda w, u, d, v: services.work_order_close(
            work_order=w, actor=u, note=d["note"], lock_version=v
        ),
    ),
    "callback": (
        forms.CallbackForm,
        lambda w, u, d, v: services.callback_record(
            work_order=w,
            actor=u,
            reached=d["reached"],
            satisfaction=d["satisfaction"],
            comment=d["comment"],
            lock_version=v,
        ),
    ),
    "rate": (
        forms.RateForm,
        lambda w, u, d, v: services.work_order_rate(
            work_order=w, actor=u, rating=d["rating"], comment=d["comment"], lock_version=v
        ),
    ),
    "triage": (
        forms.TriageForm,
        lambda w, u, d, v: services.work_order_triage(
            work_order=w,
            actor=u,
            title=d["title"],
            device=d["device_tag"],
            note=d["note"],
            lock_version=v,
        ),
    ),
    "merge": (
        forms.TargetForm,
        lambda w, u, d, v: services.work_order_merge(
            duplicate=w,
            into=other_work_order(u, d["target"]),
            actor=u,
            note=d["note"],
            lock_version=v,
        ),
    ),
    "link": (
        forms.TargetForm,
        lambda w, u, d, v: services.work_order_set_parent(
            child=w, parent=other_work_order(u, d["target"]), actor=u, lock_version=v
        ),
    ),
    "complain": (
        forms.ComplaintForm,
        lambda w, u, d, v: services.complaint_raise(
            actor=u, description=d["description"], work_order=w, engineer=w.assignee
        ),
    ),
    "classify": (
        forms.ClassifyForm,
        lambda w, u, d, v: services.work_order_classify(
            work_order=w,
            actor=u,
            service_type=d["service_type"],
            response_mode=d["response_mode"],
            note=d["note"],
            lock_version=v,
        ),
    ),
    "service_record": (
        ServiceRecordForm,
        lambda w, u, d, v: record_services.service_record_create(
            work_order=w,
            actor=u,
            arrived_at=d["arrived_at"],
            left_at=d["left_at"],
            work_done=d["work_done"],
            parts_used=d["parts_used"],
            lock_version=v,
        ),
    ),
    "comment": (
        forms.CommentForm,
        lambda w, u, d, v: services.work_order_comment(
            work_order=w, actor=u, body=d["body"], files=d["files"]
        ),
    ),
    "note": (
        forms.CommentForm,
        lambda w, u, d, v: services.work_order_comment(
            work_order=w, actor=u, body=d["body"], internal=True, files=d["files"]
        ),
    ),
}

# Which statuses each action makes sense in (the state machine refuses the rest anyway;
# this only decides which buttons to show).
_TRANSITION_METHOD = {
    "assign": "assign",
    "start": "start",
    "hold": "hold",
    "resume": "resume",
    "resolve": "resolve",
    "reopen": "reopen",
    "confirm": "close",
    "close": "close",
    "callback": "close",
    "cancel": "cancel",
}
_OPEN_ONLY = {
    "escalate",
    "forward_to_manager",
    "reprioritise",
    "triage",
    "merge",
    "link",
    "classify",
}
# The desk's own steps: in which statuses they make sense.
_IN_STATUSES = {
    "service_record": (
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        Status.ON_HOLD,
        Status.RESOLVED,
        Status.REOPENED,
    ),
    "late": (Status.ASSIGNED, Status.IN_PROGRESS),
    "guidance": (Status.NEW, Status.REOPENED),
}


def _possible_now(action: str, work_order) -> bool:
    """Does the action make sense in the order's current status (whoever asks)?"""
    method = _TRANSITION_METHOD.get(action)
    if method and not can_proceed(getattr(work_order, method)):
        return False
    if action in _OPEN_ONLY and not work_order.is_open:
        return False
    if action in _IN_STATUSES and work_order.status not in _IN_STATUSES[action]:
        return False
    if action == "guidance" and (work_order.guidance_started_at or work_order.assignee_id):
        return False
    if action == "confirm" and work_order.confirmed_at is not None:
        return False  # confirmed: the order waits for the desk's callback
    return not (action == "rate" and work_order.status not in (Status.RESOLVED, Status.CLOSED))


def actions_for(user, work_order, unreviewed=()) -> tuple[set[str], dict[str, str]]:
    """The actions `user` may take now, and those possible now that they may not, with
    the reason: the same refusal function the services raise (one query for all).

    `unreviewed`: the numbers of the order's service records the desk has not accepted
    (the page has them already), which hold the callback back as the service does."""
    possible = [action for action in ACTIONS if _possible_now(action, work_order)]
    refusals = permissions.work_order_refusals(user, work_order, possible, fresh=True)
    available = {action for action in possible if not refusals[action]}
    refused = {action: reason for action, reason in refusals.items() if reason}
    if (
        "close" in available
        and work_order.status == Status.RESOLVED
        and services.callback_missing(work_order)
    ):
        # The callback rule: the desk closes only after calling the requester back.
        available.discard("close")
        refused["close"] = str(services.CALLBACK_FIRST)
    if "callback" in available and unreviewed:
        available.discard("callback")
        refused["callback"] = review_first_message(unreviewed)
    return available, refused


def _vehicle(work_order) -> str:
    return {True: "1", False: "0"}.get(work_order.vehicle_needed, "")


def _device_tag(work_order) -> str:
    return work_order.device.asset_tag if work_order.device_id else ""


# action → the unbound form it starts from, built only for the forms a page shows.
INITIAL_FORMS = {
    "assign": lambda w: forms.AssignForm(
        initial={
            "assignee": w.assignee_id,
            "team": w.team_id,
            "service_type": w.service_type,
            "response_mode": w.response_mode,
            "vehicle_needed": _vehicle(w),
        },
        prefix="assign",
    ),
    "classify": lambda w: forms.ClassifyForm(
        initial={"service_type": w.service_type, "response_mode": w.response_mode},
        prefix="classify",
    ),
    "service_record": lambda w: ServiceRecordForm(prefix="service_record"),
    "start": lambda w: forms.NoteForm(prefix="start"),
    "hold": lambda w: forms.HoldForm(prefix="hold"),
    "resume": lambda w: forms.NoteForm(prefix="resume"),
    "resolve": lambda w: forms.ResolveForm(prefix="resolve"),
    "escalate": lambda w: forms.RequiredNoteForm(prefix="escalate"),
    "forward_to_manager": lambda w: forms.NoteForm(prefix="forward_to_manager"),
    "late": lambda w: forms.RequiredNoteForm(prefix="late"),
    "guidance": lambda w: forms.EmptyForm(prefix="guidance"),
    "reprioritise": lambda w: forms.ReprioritiseForm(
        initial={"impact": w.impact, "urgency": w.urgency}, prefix="reprioritise"
    ),
    "cancel": lambda w: forms.CancelForm(prefix="cancel"),
    "reopen": lambda w: forms.ReopenForm(prefix="reopen"),
    "confirm": lambda w: forms.EmptyForm(prefix="confirm"),
    "close": lambda w: forms.NoteForm(prefix="close"),
    "callback": lambda w: forms.CallbackForm(prefix="callback"),
    "rate": lambda w: forms.RateForm(
        initial={"rating": w.rating, "comment": w.rating_comment}, prefix="rate"
    ),
    "comment": lambda w: forms.CommentForm(prefix="comment"),
    "note": lambda w: forms.CommentForm(prefix="note"),
    "triage": lambda w: forms.TriageForm(
        initial={"title": w.title, "device_tag": _device_tag(w)}, prefix="triage"
    ),
    "merge": lambda w: forms.TargetForm(prefix="merge"),
    "link": lambda w: forms.TargetForm(prefix="link"),
    "complain": lambda w: forms.ComplaintForm(prefix="complain"),
}


def initial_form(action: str, work_order):
    return INITIAL_FORMS[action](work_order)


# The forms the page shows open: the requester's answers, the comment and note boxes,
# start and resume. The staff's folding panels (PANELS) load their form when opened.
OPEN_FORMS = ("start", "resume", "confirm", "reopen", "rate", "complain", "comment", "note")


# The staff page's folding action panels, in the order a desk works an order.
PANELS = [
    ("assign", gettext_lazy("Dispatch")),
    ("service_record", gettext_lazy("Write a service record (on-site visit)")),
    ("resolve", gettext_lazy("Resolve")),
    ("hold", gettext_lazy("Put on hold")),
    ("callback", gettext_lazy("Record callback")),
    ("guidance", gettext_lazy("Guide remotely (5 min)")),
    ("late", gettext_lazy("Late or cannot come")),
    ("escalate", gettext_lazy("Escalate")),
    ("forward_to_manager", gettext_lazy("Forward to the manager")),
    ("reprioritise", gettext_lazy("Change priority")),
    ("triage", gettext_lazy("Correct title or device")),
    ("classify", gettext_lazy("Service type and response mode")),
    ("merge", gettext_lazy("Merge into another work order")),
    ("link", gettext_lazy("Part of an outage (parent work order)")),
    ("close", gettext_lazy("Close")),
    ("cancel", gettext_lazy("Cancel")),
    ("complain", gettext_lazy("Record a complaint")),
]
