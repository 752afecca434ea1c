"""Records: one device on one round, saved on its own; what it finds goes on."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from cmdb.models import ConfigurationItem
from itsm import workflow
from servicedesk.models import Location

from ..choices import DiscrepancyField, DiscrepancyStatus, ItemResult
from ..models import (
    ChecklistItem,
    ChecklistTemplate,
    Discrepancy,
    InspectionRecord,
    PlanDevice,
    ResultLine,
)
from ..permissions import discrepancy_refusal, plan_refusal

PHOTO_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp", ".heic", ".gif", ".bmp"}

# The customer's list (§3.5.1), used when a class has no checklist of its own yet.
DEFAULT_ITEMS = (
    "输入设备清洁消毒 Input devices cleaned and disinfected",
    "硬件运行状态正常 Hardware in good order",
    "设备封条完好 Tamper seal intact",
    "系统补丁已更新 OS patches current",
    "防病毒软件已更新 Antivirus current",
    "重要资料已备份 Key data backed up",
    "办公软件使用情况 Office software in use",
)


class NotInPlan(ValidationError):
    """The scanned device is not in the plan: ask whether to add it (never ignore it)."""


class DuplicateRecord(ValidationError):
    """The device already has a record in this round; `record` is the first one."""

    def __init__(self, record):
        self.record = record
        super().__init__(
            _("%(tag)s already has record %(number)s in this round.")
            % {"tag": record.ci.asset_tag, "number": record.number},
            code="duplicate",
        )

    def as_html(self):
        return format_html(
            '{} <a href="{}">{}</a>',
            _("This device already has a record in this round:"),
            self.record.get_absolute_url(),
            self.record.number,
        )


def checklist_for(*, ci_class) -> ChecklistTemplate:
    """The class's newest active checklist; the customer's default list when it has none."""
    template = (
        ChecklistTemplate.objects.filter(ci_class=ci_class, is_active=True)
        .order_by("-version")
        .first()
    )
    if template is None:
        with transaction.atomic():
            last = ChecklistTemplate.objects.filter(ci_class=ci_class).order_by("-version").first()
            template = ChecklistTemplate.objects.create(
                ci_class=ci_class,
                version=(last.version + 1) if last else 1,
                name=f"{ci_class.name} 巡检",
            )
            ChecklistItem.objects.bulk_create(
                ChecklistItem(template=template, order=n, text=text)
                for n, text in enumerate(DEFAULT_ITEMS, 1)
            )
    return template


@transaction.atomic
def checklist_new_version(*, template: ChecklistTemplate, actor) -> ChecklistTemplate:
    """A copy of `template` as the next version (the old one stays for its records)."""
    if not actor.has_perm("inspections.change_checklisttemplate"):
        workflow.require(_("Only administrators and supervisors edit checklists."))
    last = template.siblings().order_by("-version").first()
    new = ChecklistTemplate.objects.create(
        ci_class=template.ci_class,
        facility_kind=template.facility_kind,
        version=last.version + 1,
        name=template.name,
        is_active=True,
    )
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            template=new,
            order=i.order,
            text=i.text,
            guidance=i.guidance,
            unit=i.unit,
            min_value=i.min_value,
            max_value=i.max_value,
        )
        for i in template.items.all()
    )
    template.siblings().exclude(pk=new.pk).update(is_active=False)
    return new


@dataclass
class LineInput:
    item_id: int
    result: str
    note: str = ""
    photo: object = None


@dataclass
class Observed:
    """What the engineer saw, where it may differ from the CMDB (empty = not checked)."""

    responsible: object = None  # a user
    location: Location | None = None
    ip_address: str = ""
    seal_status: str = ""
    software: list[str] = field(default_factory=list)


def _validate_photo(upload) -> None:
    from incidents.attachments import attachment_validate  # the work orders' upload rules

    attachment_validate(upload)
    if PurePath(upload.name or "").suffix.lower() not in PHOTO_EXTENSIONS:
        raise ValidationError(_("“%(name)s” is not a photo.") % {"name": upload.name})


@transaction.atomic
def record_save(
    *,
    round,
    ci: ConfigurationItem,
    actor,
    lines: list[LineInput],
    note: str = "",
    observed: Observed | None = None,
    add_to_plan: bool = False,
    on_paper: bool = False,
    client_id: str | None = None,
    inspected_at=None,
) -> InspectionRecord:
    """One device's record on `round`, with a result for every checklist item.

    Guarantees: all or nothing; a device outside the plan raises NotInPlan unless
    `add_to_plan` (then it is added, marked as found on site); a second record for the
    device in the round raises DuplicateRecord; a resent offline record (same
    `client_id`) returns the first instead of adding another; differences from the CMDB
    become open discrepancies.
    """
    plan = round.plan
    workflow.require(plan_refusal(actor, plan, "inspect"))
    if client_id:
        existing = InspectionRecord.objects.filter(client_id=client_id).first()
        if existing is not None:
            return existing
    first = InspectionRecord.objects.filter(round=round, ci=ci).select_related("ci").first()
    if first is not None:
        raise DuplicateRecord(first)
    entry = PlanDevice.objects.filter(plan=plan, ci=ci).first()
    if entry is None:
        if not add_to_plan:
            raise NotInPlan(
                _("%(tag)s is not in this plan. Add it to the plan and record it?")
                % {"tag": ci.asset_tag},
                code="not_in_plan",
            )
        PlanDevice.objects.create(plan=plan, ci=ci, round=round, order=10_000, added_on_site=True)
    template = checklist_for(ci_class=ci.ci_class)
    items = {item.pk: item for item in template.items.all()}
    given = {line.item_id: line for line in lines}
    missing = [item.text for pk, item in items.items() if pk not in given]
    if missing:
        raise ValidationError(
            _("Give a result for every item: %(items)s") % {"items": "; ".join(missing)}
        )
    for line in given.values():
        if line.result not in ItemResult.values:
            raise ValidationError(_("Choose pass, fail or not applicable."))
        if line.result == ItemResult.FAIL and not line.note.strip() and not line.photo:
            raise ValidationError(_("Say what failed: a note or a photo."))
        if line.photo:
            _validate_photo(line.photo)
    at = inspected_at or timezone.now()
    record = InspectionRecord(
        plan=plan,
        round=round,
        ci=ci,
        checklist=template,
        engineer=actor,
        inspected_at=at,
        note=note,
        software_observed="\n".join(observed.software) if observed else "",
        on_paper=on_paper,
        client_id=client_id or None,
    )
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:  # a concurrent save of the same device won the race
        raise DuplicateRecord(InspectionRecord.objects.get(round=round, ci=ci)) from None
    stamp = timezone.now()
    result_lines = []
    for order, (pk, item) in enumerate(items.items(), 1):
        given_line = given[pk]
        line = ResultLine(
            record=record,
            item=item,
            order=order,
            text=item.text,
            result=given_line.result,
            note=given_line.note.strip()[:500],
        )
        if given_line.photo:
            line.photo = given_line.photo
            line.photo_caption = f"{timezone.localtime(stamp):%Y-%m-%d %H:%M} {ci.asset_tag} " + (
                getattr(getattr(actor, "person", None), "name", "") or actor.get_username()
            )
        result_lines.append(line)
    for line in result_lines:
        line.save()
    if observed is not None:
        _discrepancies(record, ci, observed)
        if observed.software:
            _census_software(record, ci, observed.software, actor)
    return record


def _census_software(record, ci, titles: list[str], actor) -> None:
    """The software census feeds the CMDB's installations (idempotent: a resent or
    repeated census refreshes the rows, never duplicates them)."""
    from cmdb.choices import InstallationSource
    from cmdb.services import software as cmdb_software

    cmdb_software.installations_record(
        actor=actor,
        ci=ci,
        titles=titles,
        source=InstallationSource.INSPECTION,
        reference=record.number,
        seen_at=record.inspected_at,
    )


def _user_label(user) -> str:
    if user is None:
        return ""
    return getattr(getattr(user, "person", None), "name", "") or user.get_username()


def _discrepancies(record, ci, observed: Observed) -> None:
    rows = []

    def add(field, cmdb_value, observed_value, ref=""):
        rows.append(
            Discrepancy(
                record=record,
                ci=ci,
                field=field,
                cmdb_value=str(cmdb_value or "")[:500],
                observed_value=str(observed_value)[:500],
                observed_ref=str(ref),
            )
        )

    if observed.responsible is not None and observed.responsible.pk != ci.responsible_id:
        add(
            DiscrepancyField.RESPONSIBLE,
            _user_label(ci.responsible),
            _user_label(observed.responsible),
            observed.responsible.pk,
        )
    if observed.location is not None and observed.location.pk != ci.location_id:
        add(DiscrepancyField.LOCATION, ci.location or "", observed.location, observed.location.pk)
    if observed.ip_address and observed.ip_address != (ci.ip_address or ""):
        add(DiscrepancyField.IP_ADDRESS, ci.ip_address, observed.ip_address)
    if observed.seal_status and observed.seal_status != ci.seal_status:
        from cmdb.choices import SealStatus

        add(
            DiscrepancyField.SEAL,
            ci.get_seal_status_display(),
            SealStatus(observed.seal_status).label,
            observed.seal_status,
        )
    if observed.software:
        known = set(software_list(ci))
        seen = {s.strip() for s in observed.software if s.strip()}
        if known and seen != known:
            add(DiscrepancyField.SOFTWARE, ", ".join(sorted(known)), ", ".join(sorted(seen)))
    Discrepancy.objects.bulk_create(rows)


def software_list(ci) -> list[str]:
    """The software the CMDB lists for `ci`: its recorded installations, else (items
    from before installations were recorded) its attribute `software`, one per line."""
    from cmdb.software import ci_software_titles

    installed = ci_software_titles(ci)
    if installed:
        return installed
    value = (ci.attributes or {}).get("software", "")
    if isinstance(value, list):
        return [str(v) for v in value]
    return [line.strip() for line in str(value).splitlines() if line.strip()]


@transaction.atomic
def discrepancy_decide(*, discrepancy, actor, accept: bool, note: str = "") -> Discrepancy:
    """Accept (the CI is updated through the CMDB's services, its history naming the
    record) or reject. Decided once."""
    from cmdb import services as cmdb_services

    discrepancy = Discrepancy.objects.select_for_update().get(pk=discrepancy.pk)
    workflow.require(discrepancy_refusal(actor, discrepancy, "decide"))
    record = discrepancy.record
    if accept:
        ci = ConfigurationItem.objects.select_for_update().get(pk=discrepancy.ci_id)
        reason = _("Inspection record %(number)s") % {"number": record.number}
        field = discrepancy.field
        if field == DiscrepancyField.RESPONSIBLE:
            user = get_user_model().objects.get(pk=discrepancy.observed_ref)
            cmdb_services.ci_update(actor=actor, ci=ci, reason=reason, responsible=user)
        elif field == DiscrepancyField.LOCATION:
            location = Location.objects.get(pk=discrepancy.observed_ref)
            cmdb_services.ci_update(actor=actor, ci=ci, reason=reason, location=location)
        elif field == DiscrepancyField.IP_ADDRESS:
            cmdb_services.ci_update(
                actor=actor, ci=ci, reason=reason, ip_address=discrepancy.observed_value
            )
        elif field == DiscrepancyField.SEAL:
            cmdb_services.ci_update(
                actor=actor,
                ci=ci,
                reason=reason,
                seal_status=discrepancy.observed_ref,
                seal_checked_at=record.inspected_at,
            )
        elif field == DiscrepancyField.SOFTWARE:
            from cmdb.choices import InstallationSource
            from cmdb.services import software as cmdb_software

            seen = [s.strip() for s in record.software_observed.splitlines() if s.strip()]
            if "software" in (ci.attributes or {}):
                attributes = dict(ci.attributes)
                attributes["software"] = "\n".join(seen)
                cmdb_services.ci_update(actor=actor, ci=ci, reason=reason, attributes=attributes)
            cmdb_software.installations_match(
                actor=actor,
                ci=ci,
                titles=seen,
                source=InstallationSource.INSPECTION,
                reference=record.number,
            )
    discrepancy.status = DiscrepancyStatus.ACCEPTED if accept else DiscrepancyStatus.REJECTED
    discrepancy.decided_by = actor
    discrepancy.decided_at = timezone.now()
    discrepancy.decision_note = note.strip()[:500]
    discrepancy.save()
    return discrepancy


@transaction.atomic
def line_raise_work_order(*, line: ResultLine, actor):
    """A failed item becomes a work order in one step, linked both ways: the line names
    the work order, the work order links to the record. The finding engineer takes it."""
    from incidents import services as incident_services

    line = (
        ResultLine.objects.select_for_update(of=("self",))
        .select_related("record__ci")
        .get(pk=line.pk)
    )
    record = line.record
    workflow.require(plan_refusal(actor, record.plan, "inspect"))
    if line.result != ItemResult.FAIL:
        raise ValidationError(_("Only a failed item opens a work order."))
    if line.work_order_id:
        return line.work_order
    work_order = incident_services.work_order_create(
        actor=actor,
        requester=actor,
        title=_("Inspection %(number)s: %(item)s failed on %(tag)s")
        % {"number": record.number, "item": line.text[:60], "tag": record.ci.asset_tag},
        description=line.note,
        device=record.ci,
    )
    if work_order.assignee_id is None:
        work_order = incident_services.work_order_assign(
            work_order=work_order, actor=actor, assignee=actor, note=record.number
        )
    incident_services.work_order_link(work_order=work_order, target=record, actor=actor)
    line.work_order = work_order
    line.save(update_fields=["work_order"])
    return work_order


@transaction.atomic
def line_raise_problem(*, line: ResultLine, actor):
    """A failed item goes to problem management in one step (the supervisor owns problems):
    the line names the problem; the problem names the record and takes the line's work
    order, if there is one, so each side links to the other."""
    from problems import services as problem_services

    line = (
        ResultLine.objects.select_for_update(of=("self",))
        .select_related("record__ci")
        .get(pk=line.pk)
    )
    record = line.record
    workflow.require(plan_refusal(actor, record.plan, "inspect"))
    if line.result != ItemResult.FAIL:
        raise ValidationError(_("Only a failed item goes to problem management."))
    if line.problem_id:
        return line.problem
    problem = problem_services.problem_create(
        actor=actor,
        title=_("Inspection %(number)s: %(item)s failed on %(tag)s")
        % {"number": record.number, "item": line.text[:60], "tag": record.ci.asset_tag},
        description=f"{record.number}\n{line.note}",
        device=record.ci,
        work_orders=[line.work_order] if line.work_order_id else (),
    )
    line.problem = problem
    line.save(update_fields=["problem"])
    return problem


def unknown_tag_record(*, round, tag: str, actor) -> None:
    """Note a scanned tag the CMDB does not know (once per round), for the report."""
    from ..models import UnknownScan

    workflow.require(plan_refusal(actor, round.plan, "inspect"))
    UnknownScan.objects.get_or_create(
        round=round, tag=tag.strip()[:50], defaults={"engineer": actor}
    )


@transaction.atomic
def not_reached_explain(*, plan, actor, reasons: dict[int, str]) -> int:
    """Why devices in scope were not inspected (device entry id → reason), for the report.
    Only devices without a record; returns how many reasons changed."""
    workflow.require(plan_refusal(actor, plan, "inspect"))
    done = set(InspectionRecord.objects.filter(plan=plan).values_list("ci_id", flat=True))
    changed = 0
    for entry in PlanDevice.objects.filter(plan=plan, pk__in=list(reasons)).exclude(ci_id__in=done):
        reason = (reasons[entry.pk] or "").strip()[:200]
        if reason != entry.not_reached_reason:
            entry.not_reached_reason = reason
            entry.save(update_fields=["not_reached_reason"])
            changed += 1
    return changed


def records_lock(*, plan) -> int:
    """Lock a month's records once its report is approved (called by the report service)."""
    return InspectionRecord.objects.filter(plan=plan, locked=False).update(locked=True)


__all__ = [
    "DEFAULT_ITEMS",
    "DuplicateRecord",
    "LineInput",
    "NotInPlan",
    "Observed",
    "checklist_for",
    "checklist_new_version",
    "discrepancy_decide",
    "line_raise_work_order",
    "record_save",
    "records_lock",
    "software_list",
    "unknown_tag_record",
]
