"""Importing past work orders from the customer's previous system (§4.3.2: when the
service changes hands, the client provides "the assets' past service records"), with the
CMDB import's machinery: the same spreadsheet reader (cmdb.tabular), batch steps and
choices (upload → column mapping → dry run → apply all valid rows or nothing → report,
with one line of the report per line of the file).

Decisions, stated once:

* Identity. A row is identified by the previous system's number, kept on the work order
  as `external_number` (unique). The portal numbers each imported order anew with its
  own form code on the day it was originally reported (`itsm.services.number_allocate`
  for that day), so a new number never collides with a live one or another import.
  Re-importing the same file changes nothing (rows are "unchanged"); a corrected file
  updates the orders imported before, matched by their old number.
* Historic records bypass the state machine, explicitly: only finished orders are
  imported (closed, resolved → recorded as closed, cancelled); the status and the
  timestamps (reported, resolved, closed) are written as the old system recorded them,
  with no transition log, no SLA clock, no notification. `imported_at` marks them.
* Not live work. They are never open, so the SLA and escalation scans never see them,
  and the auto-close scan skips them by `imported_at`.
* Not in the service figures. The reports' quality and volume figures
  (incidents.metrics.received_orders) leave imported orders out: the old system's
  times were not measured against this contract's clocks, and counting them would make
  the response and resolution attainment meaningless. They stay visible where history
  helps the desk: the queue's "all" tab, search, the caller's history in phone intake
  and the device's work orders.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cmdb.choices import ImportAction, ImportMode, ImportStatus
from cmdb.services.imports import ImportField, ImportRefused
from cmdb.services.imports._common import _norm
from cmdb.tabular import DEFAULT_MAX_ROWS, read_sheet
from itsm import workflow
from itsm.services import form_code_get, number_allocate
from servicedesk.models import Category, Department, Person, ServiceLevel
from servicedesk.roles import user_has_role

from .choices import Channel, CloseReason, Status
from .models import HistoryImportBatch, WorkOrder
from .priority import priority_for

IMPORTER_ROLES = ("supervisor", "admin")

FIELDS = (
    ImportField("number", gettext_lazy("Previous number"), ("工单编号", "原工单号", "编号", "单号", "工作单号", "number", "ticket", "ticketno", "id")),
    ImportField("title", gettext_lazy("Title"), ("标题", "主题", "故障简述", "title", "subject", "summary")),
    ImportField("description", gettext_lazy("Description"), ("描述", "故障描述", "问题描述", "详细描述", "description", "details")),
    ImportField("requester", gettext_lazy("Requester"), ("报障人", "申请人", "报修人", "用户", "requester", "reporter", "user")),
    ImportField("department", gettext_lazy("Department"), ("处室", "部门", "科室", "department")),
    ImportField("category", gettext_lazy("Category"), ("类别", "分类", "故障类型", "问题类型", "category")),
    ImportField("created_at", gettext_lazy("Reported at"), ("报障时间", "报修时间", "创建时间", "受理时间", "created", "createdat", "reported", "reportedat", "opened")),
    ImportField("resolved_at", gettext_lazy("Resolved at"), ("解决时间", "完成时间", "resolved", "resolvedat")),
    ImportField("closed_at", gettext_lazy("Closed at"), ("关闭时间", "结单时间", "closed", "closedat")),
    ImportField("status", gettext_lazy("Status"), ("状态", "status")),
    ImportField("resolution", gettext_lazy("Resolution"), ("解决方法", "处理结果", "处理措施", "解决方案", "resolution", "solution")),
)  # fmt: skip
FIELD_BY_KEY = {spec.key: spec for spec in FIELDS}

# What the old system's status words mean here: finished orders only.
_STATUS_WORDS = {
    Status.CLOSED: ("closed", "close", "done", "finished", "已关闭", "关闭", "已完成", "完成", "结单", "已结单", "已归档"),
    Status.RESOLVED: ("resolved", "fixed", "已解决", "解决", "已处理", "处理完毕"),
    Status.CANCELLED: ("cancelled", "canceled", "withdrawn", "已取消", "取消", "已撤销", "撤销", "作废"),
}  # fmt: skip
_STATUS_BY_WORD = {_norm(w): status for status, words in _STATUS_WORDS.items() for w in words}

_MOMENT = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2})(?:\.\d+)?)?秒?)?\s*"
)


def importer_refusal(user) -> str:
    """Why `user` may not import work-order history ("" when they may)."""
    if user.is_superuser or user_has_role(user, *IMPORTER_ROLES):
        return ""
    return str(
        gettext_lazy("Only a service supervisor or an administrator imports work-order history.")
    )


def max_rows() -> int:
    return int(settings.ITSM.get("IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def guess_mapping(headers: list[str]) -> dict[str, int]:
    known: dict[str, str] = {}
    for spec in FIELDS:
        names = {spec.key, *spec.synonyms}
        for language in ("zh-hans", "en"):
            with translation.override(language):
                names.add(str(spec.label))
        for name in names:
            known.setdefault(_norm(name), spec.key)
    mapping: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = known.get(_norm(header))
        if key and key not in mapping:
            mapping[key] = index
    return mapping


# --- reading one row --------------------------------------------------------------------


def parse_moment(text: str):
    """`2024-03-05 14:30`, `2024/3/5 14:30:00`, `2024年3月5日`, an .xlsx ISO value; a date
    alone is its midnight. Local time. ValueError when it is none of these."""
    match = _MOMENT.fullmatch(text.strip())
    if not match:
        raise ValueError(text)
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    naive = datetime(year, month, day, hour, minute, second)
    return timezone.make_aware(naive, timezone.get_current_timezone())


@dataclass
class RowPlan:
    line: int
    number: str = ""
    action: str = ImportAction.CREATE
    values: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)  # (column label, reason)
    order_id: int | None = None

    def error(self, key: str, reason: str) -> None:
        label = str(FIELD_BY_KEY[key].label) if key in FIELD_BY_KEY else ""
        self.errors.append((label, reason))
        self.action = ImportAction.ERROR

    def as_json(self) -> dict:
        return {
            "line": self.line,
            "tag": self.number,
            "action": self.action,
            "errors": self.errors,
            "item": None,
            "order": self.order_id,
            "changes": [],
        }


class _Lookups:
    """Reference data read once per plan: people, departments, categories, old numbers."""

    def __init__(self, batch: HistoryImportBatch):
        cells = {key: set() for key in ("requester", "department", "category", "number")}
        for _line, row in batch.rows:
            for key in cells:
                index = batch.mapping.get(key)
                if index is not None and index < len(row) and row[index].strip():
                    cells[key].add(row[index].strip())
        wanted = cells["requester"]
        people = Person.objects.filter(
            Q(user__username__in=wanted) | Q(employee_number__in=wanted) | Q(name__in=wanted)
        ).select_related("user", "department")
        self.people: dict[str, list] = {}
        for person in people:
            for key in {person.user.username, person.employee_number, person.name} - {""}:
                if key in wanted:
                    self.people.setdefault(key, []).append(person)
        self.departments = {
            key: d
            for d in Department.objects.filter(
                Q(code__in=cells["department"]) | Q(name__in=cells["department"])
            )
            for key in (d.code, d.name)
        }
        self.categories: dict[str, list] = {}
        for category in Category.objects.filter(name__in=cells["category"], is_active=True):
            self.categories.setdefault(category.name, []).append(category)
        self.existing = {
            wo.external_number: wo
            for wo in WorkOrder.objects.filter(external_number__in=cells["number"]).only(
                *_COMPARED, "pk", "external_number", "imported_at", "status"
            )
        }


_COMPARED = (
    "title",
    "description",
    "requester_id",
    "department_id",
    "category_id",
    "created_at",
    "resolved_at",
    "closed_at",
    "status",
    "resolution",
)


def _cell(batch, row, key) -> str:
    index = batch.mapping.get(key)
    return row[index].strip() if index is not None and index < len(row) else ""


def _plan_row(batch, line, row, lookups: _Lookups, seen: set) -> RowPlan:
    plan = RowPlan(line=line, number=_cell(batch, row, "number")[:64])
    values = plan.values
    if not plan.number:
        plan.error("number", _("The previous number is empty."))
    elif plan.number in seen:
        plan.error("number", _("This number appears on an earlier line of the file."))
    seen.add(plan.number)
    values["title"] = _cell(batch, row, "title")[:200]
    if not values["title"]:
        plan.error("title", _("The title is empty."))
    values["description"] = _cell(batch, row, "description")
    values["resolution"] = _cell(batch, row, "resolution")
    who = _cell(batch, row, "requester")
    matches = lookups.people.get(who, [])
    if not who:
        plan.error("requester", _("The requester is empty."))
    elif not matches:
        plan.error(
            "requester",
            _("Nobody called “%(name)s” is in the directory; add them first.") % {"name": who},
        )
    elif len({p.pk for p in matches}) > 1:
        plan.error(
            "requester",
            _("Several people are called “%(name)s”; use the username or employee number.")
            % {"name": who},
        )
    else:
        values["requester_id"] = matches[0].user_id
        values["department_id"] = matches[0].department_id
    department = _cell(batch, row, "department")
    if department:
        found = lookups.departments.get(department)
        if found is None:
            plan.error("department", _("No department “%(name)s”.") % {"name": department})
        else:
            values["department_id"] = found.pk
    category = _cell(batch, row, "category")
    values["category_id"] = None
    if category:
        found = lookups.categories.get(category, [])
        if len(found) == 1:
            values["category_id"] = found[0].pk
        else:
            plan.error(
                "category",
                (
                    _("No category “%(name)s”.")
                    if not found
                    else _("Several categories are called “%(name)s”.")
                )
                % {"name": category},
            )
    for key in ("created_at", "resolved_at", "closed_at"):
        text = _cell(batch, row, key)
        values[key] = None
        if text:
            try:
                values[key] = parse_moment(text)
            except ValueError:
                plan.error(
                    key,
                    _("“%(value)s” is not a date and time such as 2024-03-05 14:30.")
                    % {"value": text},
                )
    if values["created_at"] is None and not _cell(batch, row, "created_at"):
        plan.error("created_at", _("When it was reported is empty."))
    word = _cell(batch, row, "status")
    status = _STATUS_BY_WORD.get(_norm(word)) if word else Status.CLOSED
    if status is None:
        plan.error(
            "status",
            _(
                "“%(value)s” is not a finished state; only closed, resolved or cancelled "
                "work orders are imported as history (record open ones as new work orders)."
            )
            % {"value": word},
        )
    _settle_times(plan, status)
    if plan.action != ImportAction.ERROR:
        existing = lookups.existing.get(plan.number)
        if existing is not None:
            plan.order_id = existing.pk
            if existing.imported_at is None:
                plan.error("number", _("A work order recorded in the portal has this number."))
            elif all(getattr(existing, k) == values[k] for k in _COMPARED):
                plan.action = ImportAction.UNCHANGED
            else:
                plan.action = ImportAction.UPDATE
    return plan


def _settle_times(plan: RowPlan, status) -> None:
    """Resolved in the old system counts as closed here (history is finished work); the
    times must follow each other and lie in the past."""
    values = plan.values
    created, resolved, closed = values["created_at"], values["resolved_at"], values["closed_at"]
    if status == Status.RESOLVED:
        status = Status.CLOSED
    if status == Status.CLOSED:
        resolved = resolved or closed
        closed = closed or resolved
        if created and resolved is None:
            plan.error("resolved_at", _("A closed work order needs when it was resolved."))
    elif status == Status.CANCELLED:
        resolved, closed = None, closed or created
    values.update(status=status, resolved_at=resolved, closed_at=closed)
    now = timezone.now()
    if created and created > now:
        plan.error("created_at", _("This time is in the future."))
    if created and resolved and resolved < created:
        plan.error("resolved_at", _("It was resolved before it was reported."))
    if resolved and closed and closed < resolved:
        plan.error("closed_at", _("It was closed before it was resolved."))


@dataclass
class Plan:
    rows: list

    @property
    def has_errors(self) -> bool:
        return any(row.action == ImportAction.ERROR for row in self.rows)

    def as_json(self) -> dict:
        counts = dict.fromkeys(ImportAction.values, 0)
        for row in self.rows:
            counts[row.action] += 1
        return {"rows": [row.as_json() for row in self.rows], "counts": counts}


def history_plan(*, batch: HistoryImportBatch) -> Plan:
    """The dry run: what each line of the file would do. Reads only."""
    lookups = _Lookups(batch)
    seen: set = set()
    return Plan(rows=[_plan_row(batch, line, row, lookups, seen) for line, row in batch.rows])


# --- the batch's steps ------------------------------------------------------------------


def history_upload(*, actor, name: str, content: bytes) -> HistoryImportBatch:
    """A new batch with the file's cells and a guessed mapping; FileRejected if unreadable."""
    workflow.require(importer_refusal(actor))
    sheet = read_sheet(name, content, max_rows=max_rows())
    return HistoryImportBatch.objects.create(
        created_by=actor,
        filename=name[:200],
        headers=sheet.headers,
        rows=[[line, cells] for line, cells in sheet.rows],
        mapping=guess_mapping(sheet.headers),
    )


def _check(actor, batch) -> None:
    workflow.require(importer_refusal(actor))
    if batch.created_by_id != actor.pk:
        raise ImportRefused(_("Only the person who uploaded the file can apply it."))
    if batch.is_expired:
        raise ImportRefused(_("This import has expired; upload the file again."))
    if batch.status in (ImportStatus.APPLIED, ImportStatus.REJECTED):
        raise ImportRefused(_("This import is finished; upload the file again to re-import."))


def history_preview(*, actor, batch: HistoryImportBatch, mapping: dict) -> HistoryImportBatch:
    """Save the mapping and its dry run; no work order is written."""
    _check(actor, batch)
    clean = {
        key: int(index)
        for key, index in mapping.items()
        if key in FIELD_BY_KEY and index is not None and 0 <= int(index) < len(batch.headers)
    }
    if "number" not in clean:
        raise ImportRefused(_("Choose the column that holds the previous number."))
    batch.mapping = clean
    batch.plan = history_plan(batch=batch).as_json()
    batch.status = ImportStatus.PREVIEWED
    batch.save(update_fields=["mapping", "plan", "status"])
    return batch


class _NothingApplied(Exception):
    pass


def history_apply(*, actor, batch: HistoryImportBatch, mode: str) -> dict:
    """Write the valid rows (ALL_VALID) or none unless all are (ALL_OR_NOTHING), in one
    transaction, recomputing the dry run first; at most once per batch."""
    if mode not in ImportMode.values:
        raise ImportRefused(_("Choose how to apply the import."))
    _check(actor, batch)
    if batch.status != ImportStatus.PREVIEWED:
        raise ImportRefused(_("Check the dry run first."))
    plan = None
    try:
        with transaction.atomic():
            claimed = HistoryImportBatch.objects.filter(
                pk=batch.pk, status=ImportStatus.PREVIEWED
            ).update(status=ImportStatus.APPLIED, mode=mode, applied_at=timezone.now())
            if not claimed:
                raise ImportRefused(_("This import was applied already."))
            plan = history_plan(batch=batch)
            if mode == ImportMode.ALL_OR_NOTHING and plan.has_errors:
                raise _NothingApplied
            written = 0
            code = form_code_get(key=WorkOrder.FORM_KEY, default=WorkOrder.FORM_CODE_DEFAULT)
            for row in plan.rows:
                if row.action not in (ImportAction.CREATE, ImportAction.UPDATE):
                    continue
                try:
                    with transaction.atomic():
                        row.order_id = _write(row, code=code).pk
                    written += 1
                except ValidationError as exc:
                    row.error("", "; ".join(exc.messages))
                    if mode == ImportMode.ALL_OR_NOTHING:
                        raise _NothingApplied from exc
            report = {**plan.as_json(), "applied": True, "written": written}
            HistoryImportBatch.objects.filter(pk=batch.pk).update(
                report=report, plan=plan.as_json()
            )
    except _NothingApplied:
        HistoryImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportStatus.REJECTED,
            mode=mode,
            applied_at=timezone.now(),
            report={**plan.as_json(), "applied": False, "written": 0},
            plan=plan.as_json(),
        )
    batch.refresh_from_db()
    return batch.report


def _write(row: RowPlan, *, code: str) -> WorkOrder:
    """Create or update one historic order, bypassing the state machine on purpose."""
    values = dict(row.values)
    order = WorkOrder.objects.filter(pk=row.order_id).first() if row.order_id else None
    if order is None:
        requester = get_user_model().objects.select_related("person").get(pk=values["requester_id"])
        person = getattr(requester, "person", None)
        level = person.effective_service_level() if person else ServiceLevel.default()
        order = WorkOrder(
            external_number=row.number,
            service_level=level,
            priority=priority_for("low", "medium"),
            created_by=None,
            channel=Channel.IMPORT,
        )
        order.number = number_allocate(code=code, day=timezone.localdate(values["created_at"]))
    for key, value in values.items():
        setattr(order, key, value)
    order.imported_at = timezone.now()
    if order.status == Status.CLOSED:
        order.close_reason = CloseReason.CONFIRMED
    order.full_clean(exclude=["number", "service_level", "priority", "requester"])
    order.save()
    # created_at is stamped "now" on insert (auto_now_add): put the original time back.
    WorkOrder.objects.filter(pk=order.pk).update(created_at=values["created_at"])
    return order


def history_batches_expire(*, now=None) -> int:
    deleted, _rows = HistoryImportBatch.objects.filter(
        expires_at__lte=now or timezone.now()
    ).delete()
    return deleted


__all__ = [
    "FIELDS",
    "Plan",
    "RowPlan",
    "history_apply",
    "history_batches_expire",
    "history_plan",
    "history_preview",
    "history_upload",
    "importer_refusal",
    "parse_moment",
]
