"""Every write to the knowledge base.

Each service goes through the one pipeline (itsm.workflow): locks the row and checks the
lock_version the user saw → checks the acting user's right (knowledge.permissions
record_refusal) → fires the transition or applies the edit → saves → re-indexes the
record's search terms → writes the transition log. All inside one transaction, so a
refusal leaves nothing half-done.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from itsm import search, workflow
from itsm.cache import forget
from itsm.services import transition_record
from servicedesk.choices import CategoryLevel

from . import permissions
from .choices import (
    EDITABLE_STATUSES,
    WEIGHT_BODY,
    WEIGHT_SYMPTOM,
    WEIGHT_TITLE,
    Audience,
    Status,
)
from .models import KnowledgeFeedback, KnowledgeRecord, KnowledgeTerm
from .models.records import record_visibility, split_numbers
from .permissions import record_refusal

CONTENT_FIELDS = (
    "title",
    "fault_type",
    "symptom",
    "cause",
    "solution",
    "related_numbers",
    "audience",
)


# This process's wording for the pipeline's errors (itsm.workflow).
CONFLICT = gettext_lazy(
    "This knowledge record was changed by someone else. Please reload it and try again."
)


def published_edit_refusal() -> str:
    return _(
        "This record is published and cannot be edited in place. Create a new version: "
        "it stays a draft until it is reviewed and published, and then replaces this one."
    )


# --- helpers -------------------------------------------------------------------------


def _log_and_hide(record, *, name, source, target, actor, note):
    """The log step of a record's transition: who finds it in search follows its status."""
    KnowledgeTerm.objects.filter(record=record).update(visibility=record_visibility(record))
    forget(KnowledgeRecord.SUGGEST_CACHE_KEY)
    workflow.log_transition(record, name=name, source=source, target=target, actor=actor, note=note)


def _transition(record, actor, name: str, method, *, note: str = "", **kwargs) -> None:
    workflow.transition(
        record,
        actor=actor,
        name=name,
        method=method,
        # The state machine's refusal names the step: "A Published record cannot be reviewed."
        refused=_("A %(status)s record cannot be %(action)s.")
        % {"status": "%(status)s", "action": _action_label(name)},
        note=note,
        log=_log_and_hide,
        **kwargs,
    )


def _action_label(name: str) -> str:
    return {
        "review": _("reviewed"),
        "rework": _("sent back to draft"),
        "publish": _("published"),
        "retire": _("retired"),
        "merge": _("merged"),
    }.get(name, name)


def _clean(fields: dict) -> dict:
    """Trimmed text and the checks a form or the API may not have made."""
    cleaned = dict(fields)
    for name in ("title", "symptom", "cause", "solution", "related_numbers"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    errors = {}
    if "title" in cleaned and not cleaned["title"]:
        errors["title"] = _("Give the record a title.")
    if "solution" in cleaned and not cleaned["solution"]:
        errors["solution"] = _("Describe the solution.")
    fault_type = cleaned.get("fault_type")
    if fault_type is not None and fault_type.level != CategoryLevel.FAULT_TYPE:
        errors["fault_type"] = _("Choose a fault type (the third level of the categories).")
    if "audience" in cleaned and cleaned["audience"] not in Audience.values:
        errors["audience"] = _("Choose who may read the record.")
    if "related_numbers" in cleaned:
        cleaned["related_numbers"] = "\n".join(split_numbers(cleaned["related_numbers"]))
    if errors:
        raise ValidationError(errors)
    return cleaned


def record_terms(record: KnowledgeRecord) -> dict[str, int]:
    """{term: weight} of a record (title 3; symptom and fault type 2; the rest 1)."""
    category = record.category_path.replace(" / ", " ")
    return search.document_terms(
        [
            (record.title, WEIGHT_TITLE),
            (f"{record.symptom}\n{category}", WEIGHT_SYMPTOM),
            (
                f"{record.cause}\n{record.solution}\n{record.related_numbers}\n"
                f"{record.source_work_order_number}",
                WEIGHT_BODY,
            ),
        ]
    )


def record_index(record: KnowledgeRecord) -> int:
    """Replace the record's index terms; returns how many there are now."""
    KnowledgeTerm.objects.filter(record=record).delete()
    visibility = record_visibility(record)
    rows = [
        KnowledgeTerm(record=record, term=term, weight=weight, visibility=visibility)
        for term, weight in record_terms(record).items()
    ]
    KnowledgeTerm.objects.bulk_create(rows, batch_size=1000)
    forget(KnowledgeRecord.SUGGEST_CACHE_KEY)
    return len(rows)


# --- create and edit -----------------------------------------------------------------


@transaction.atomic
def record_create(
    *,
    actor,
    title: str,
    solution: str,
    fault_type=None,
    symptom: str = "",
    cause: str = "",
    related_numbers: str = "",
    audience: str = Audience.PUBLIC,
    source_work_order_number: str = "",
) -> KnowledgeRecord:
    """A new draft by `actor`, numbered and indexed. Only IT staff write records."""
    workflow.require(record_refusal(actor, None, "create"))
    fields = _clean(
        {
            "title": title,
            "solution": solution,
            "fault_type": fault_type,
            "symptom": symptom,
            "cause": cause,
            "related_numbers": related_numbers,
            "audience": audience,
        }
    )
    record = KnowledgeRecord(
        **fields,
        source_work_order_number=(source_work_order_number or "").strip(),
        author=actor,
    )
    record.save()
    record_index(record)
    transition_record(
        subject=record, transition="create", source="", target=record.status, actor=actor
    )
    return record


@transaction.atomic
def record_update(
    *, record: KnowledgeRecord, actor, lock_version: int | None = None, **fields
) -> KnowledgeRecord:
    """Edit a draft or a reviewed record (a reviewed one goes back to draft for a new review).

    A published record is refused with a message pointing to `record_new_version`; a
    retired one is refused outright.
    """
    unknown = set(fields) - set(CONTENT_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    record = workflow.lock(record, expected=lock_version, conflict=CONFLICT)
    workflow.require(record_refusal(actor, record, "edit"))
    if record.status == Status.PUBLISHED:
        raise ValidationError(published_edit_refusal(), code="published")
    if record.status not in EDITABLE_STATUSES:
        raise ValidationError(_("A retired record cannot be edited."), code="retired")
    cleaned = _clean(fields)
    changed = [name for name, value in cleaned.items() if getattr(record, name) != value]
    if not changed:
        return record
    for name in changed:
        setattr(record, name, cleaned[name])
    if record.status == Status.REVIEWED:
        _transition(record, actor, "rework", record.rework, note=_("Edited after review."))
    else:
        workflow.save(record)
    record_index(record)
    return record


@transaction.atomic
def record_new_version(
    *, record: KnowledgeRecord, actor, lock_version: int | None = None
) -> KnowledgeRecord:
    """A new draft copying a published record, to be edited and published in its place.

    The published version stays readable until the new one is published. Asking again
    while a new version is still a draft returns that draft instead of a second one.
    """
    record = workflow.lock(record, expected=lock_version, conflict=CONFLICT)
    workflow.require(record_refusal(actor, record, "new_version"))
    if record.status != Status.PUBLISHED:
        raise ValidationError(_("Only a published record gets a new version; edit this one."))
    pending = record.next_versions.filter(status__in=EDITABLE_STATUSES).order_by("-pk").first()
    if pending is not None:
        return pending
    draft = KnowledgeRecord(
        **{name: getattr(record, name) for name in CONTENT_FIELDS},
        source_work_order_number=record.source_work_order_number,
        source_problem_number=record.source_problem_number,
        version=record.version + 1,
        previous_version=record,
        author=actor,
    )
    draft.save()
    record_index(draft)
    transition_record(
        subject=draft,
        transition="new_version",
        source="",
        target=draft.status,
        actor=actor,
        note=_("Version %(version)s of %(number)s.")
        % {"version": draft.version, "number": record.number},
    )
    return draft


# --- known errors from problem management -------------------------------------------


def _problem_record(*, number: str, record_id: int | None) -> KnowledgeRecord | None:
    """The live record publishing problem `number`'s workaround: its newest version.

    Records written before `source_problem_number` existed are found by the id the
    problem remembers (`record_id`). Retired records (withdrawn or merged by the curator)
    are not revived.
    """
    live = KnowledgeRecord.objects.exclude(status=Status.RETIRED)
    record = live.filter(source_problem_number=number).order_by("-version", "-pk").first()
    if record is None and record_id:
        record = live.filter(pk=record_id).first()
        if record is not None:
            newer = live.filter(previous_version=record).order_by("-version", "-pk").first()
            record = newer or record
    return record


@transaction.atomic
def record_upsert_from_problem(
    *,
    number: str,
    title: str,
    workaround: str,
    actor,
    symptom: str = "",
    cause: str = "",
    category=None,
    public: bool = True,
    related_numbers=(),
    record_id: int | None = None,
) -> KnowledgeRecord:
    """The knowledge record of a problem's workaround (a known error, 已知错误), created or updated.

    Idempotent per problem `number`: the first call creates the record; a later one
    updates the same record (in place while it is a draft or reviewed, as a new version
    once published), never a second record. Published at once when `actor` is the
    knowledge curator; otherwise it waits for review as a draft. `category` becomes the
    fault type when it is one (a third-level category), `public` lets end users find it,
    `related_numbers` (the problem's work orders) follow the problem's own number.
    `record_id` is the record the problem linked before records carried their problem.

    Problem management calls this with plain values, so knowledge needs nothing of it.
    """
    workflow.require(record_refusal(actor, None, "create"))
    number = (number or "").strip()
    if not number:
        raise ValueError("a problem number is required")
    content = _clean(
        {
            "title": _("Known error: %(title)s") % {"title": title},
            "symptom": symptom,
            "cause": cause,
            "solution": workaround,
            "related_numbers": "\n".join([number, *related_numbers]),
            "audience": Audience.PUBLIC if public else Audience.INTERNAL,
            "fault_type": (
                category
                if category is not None and category.level == CategoryLevel.FAULT_TYPE
                else None
            ),
        }
    )
    record = _problem_record(number=number, record_id=record_id)
    if record is not None and record.status == Status.PUBLISHED:
        record = record_new_version(record=record, actor=actor)
    if record is None:
        record = record_create(actor=actor, **content)
    else:
        record = record_update(record=record, actor=actor, **content)
    if record.source_problem_number != number:
        record.source_problem_number = number
        KnowledgeRecord.objects.filter(pk=record.pk).update(source_problem_number=number)
    if permissions.can_curate(actor):
        if record.status == Status.DRAFT:
            record = record_review(record=record, actor=actor, note=number)
        record = record_publish(record=record, actor=actor, note=number)
    return record


# --- transitions ---------------------------------------------------------------------


@transaction.atomic
def record_review(*, record, actor, note: str = "", lock_version=None) -> KnowledgeRecord:
    """The curator has checked the draft; it may now be published."""
    record = workflow.lock(record, expected=lock_version, conflict=CONFLICT)
    workflow.require(record_refusal(actor, record, "review"))
    _transition(record, actor, "review", record.review, note=note, by=actor, at=timezone.now())
    return record


@transaction.atomic
def record_rework(*, record, actor, note: str = "", lock_version=None) -> KnowledgeRecord:
    """Send a reviewed record back to draft (the curator wants changes)."""
    record = workflow.lock(record, expected=lock_version, conflict=CONFLICT)
    workflow.require(record_refusal(actor, record, "rework"))
    _transition(record, actor, "rework", record.rework, note=note)
    return record


@transaction.atomic
def record_publish(*, record, actor, note: str = "", lock_version=None) -> KnowledgeRecord:
    """Publish a reviewed record; a new version retires the published one it replaces."""
    record = workflow.lock(record, expected=lock_version, conflict=CONFLICT)
    workflow.require(record_refusal(actor, record, "publish"))
    now = timezone.now()
    _transition(record, actor, "publish", record.publish, note=note, at=now)
    record_index(record)
    previous = record.previous_version
    if previous is not None and previous.status == Status.PUBLISHED:
        previous = workflow.lock(previous, expected=None, conflict=CONFLICT)
        _transition(
            previous,
            actor,
            "retire",
            previous.retire,
            note=_("Replaced by version %(version)s (%(number)s).")
            % {"version": record.version, "number": record.number},
            at=now,
        )
    return record


@transaction.atomic
def record_retire(*, record, actor, note: str = "", lock_version=None) -> KnowledgeRecord:
    """Withdraw a record: end users no longer find it; staff still can open it."""
    record = workflow.lock(record, expected=lock_version, conflict=CONFLICT)
    workflow.require(record_refusal(actor, record, "retire"))
    _transition(record, actor, "retire", record.retire, note=note, at=timezone.now())
    return record


@transaction.atomic
def record_merge(
    *, duplicate, survivor, actor, note: str = "", lock_version: int | None = None
) -> KnowledgeRecord:
    """Merge a duplicate into the record that stays, keeping what linked to the duplicate.

    The survivor gains the duplicate's related form numbers (and its source work order)
    and its helpful / not helpful / view counts; the duplicate is retired pointing at
    the survivor, so its old links lead there. `lock_version` is the survivor's as the
    curator saw it.
    """
    workflow.require(record_refusal(actor, None, "merge"))
    if duplicate.pk == survivor.pk:
        raise ValidationError(_("A record cannot be merged into itself."))
    first, second = sorted([duplicate, survivor], key=lambda r: r.pk)  # lock in pk order
    expected = {survivor.pk: lock_version}  # the record whose page the curator merges from
    locked = {
        r.pk: workflow.lock(r, expected=expected.get(r.pk), conflict=CONFLICT)
        for r in (first, second)
    }
    duplicate, survivor = locked[duplicate.pk], locked[survivor.pk]
    if survivor.status == Status.RETIRED:
        raise ValidationError(_("Merge into a record that is not retired."))
    if duplicate.status == Status.RETIRED:
        raise ValidationError(_("This record is retired already."))

    numbers = split_numbers(survivor.related_numbers) + split_numbers(duplicate.related_numbers)
    if duplicate.source_work_order_number:
        numbers.append(duplicate.source_work_order_number)
    numbers = [n for n in dict.fromkeys(numbers) if n != survivor.source_work_order_number]
    survivor.related_numbers = "\n".join(numbers)
    survivor.helpful_count = F("helpful_count") + duplicate.helpful_count
    survivor.not_helpful_count = F("not_helpful_count") + duplicate.not_helpful_count
    survivor.view_count = F("view_count") + duplicate.view_count
    workflow.save(
        survivor,
        update_fields=[
            "related_numbers",
            "helpful_count",
            "not_helpful_count",
            "view_count",
            "updated_at",
        ],
    )
    survivor.refresh_from_db()
    record_index(survivor)
    _transition(
        duplicate,
        actor,
        "merge",
        duplicate.retire,
        note=note or _("Merged into %(number)s.") % {"number": survivor.number},
        at=timezone.now(),
        merged_into=survivor,
    )
    transition_record(
        subject=survivor,
        transition="merge",
        source=survivor.status,
        target=survivor.status,
        actor=actor,
        note=_("%(number)s merged into this record.") % {"number": duplicate.number},
    )
    return survivor


# --- readers' actions ----------------------------------------------------------------


@transaction.atomic
def record_feedback(
    *, record, actor, helpful: bool, from_report: bool = False
) -> KnowledgeFeedback:
    """One "did this help?" answer per reader and record, counted on the record."""
    workflow.require(record_refusal(actor, record, "view"))
    user = actor
    if record.status != Status.PUBLISHED:
        raise ValidationError(_("Only published records can be rated."))
    if KnowledgeFeedback.objects.filter(user=user, record=record).exists():
        raise ValidationError(_("You have already told us whether this record helped."))
    try:
        with transaction.atomic():
            feedback = KnowledgeFeedback.objects.create(
                record=record, user=user, helpful=helpful, from_report=from_report
            )
    except IntegrityError as exc:  # a double click racing the check above
        raise ValidationError(_("You have already told us whether this record helped.")) from exc
    counter = "helpful_count" if helpful else "not_helpful_count"
    KnowledgeRecord.objects.filter(pk=record.pk).update(**{counter: F(counter) + 1})
    forget(KnowledgeRecord.SUGGEST_CACHE_KEY)  # the suggestions show the helpful count
    return feedback


def record_viewed(*, record) -> None:
    """Count a reading of a published record (one UPDATE, no audit entry)."""
    if record.status == Status.PUBLISHED:
        KnowledgeRecord.objects.filter(pk=record.pk).update(view_count=F("view_count") + 1)
