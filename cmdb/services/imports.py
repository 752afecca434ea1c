"""Asset import: upload → column mapping → dry run → apply (all valid rows, or nothing).

Rows are matched to items by asset tag, ignoring case. An empty cell leaves the item's
value as it is, so re-importing a file (or an export) changes nothing. Every change
goes through ci_create / ci_update with the reason "import <batch id>", so it shows on
each item's timeline. The dry run is recomputed when applying: what is applied is
what the data says at that moment, never a stale preview.
"""

import copy
import re
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from servicedesk.models import Department, Location

from ..choices import CIStatus, ImportAction, ImportMode, ImportStatus
from ..models import CIClass, ConfigurationItem, ImportBatch, Supplier
from ..tabular import DEFAULT_MAX_ROWS, read_sheet, unescape_cell
from . import ci_create, ci_update


class ImportRefused(Exception):
    """The batch cannot be applied (already applied, expired, not mapped…)."""


@dataclass(frozen=True)
class ImportField:
    key: str
    label: object
    synonyms: tuple[str, ...] = ()


# The importable fields in the customer's label order, with the headers each is known by
# (Chinese and English; translated labels are matched too, so an export re-imports).
FIELDS = (
    ImportField("asset_tag", gettext_lazy("Asset tag"), ("资产编号", "资产标签", "标签号", "编号", "tag", "assettag", "资产编码")),
    ImportField("name", gettext_lazy("Asset name"), ("资产名称", "名称", "设备名称", "name", "assetname")),
    ImportField("contract_number", gettext_lazy("Contract purchase number"), ("合同采购编号", "合同编号", "采购编号", "contract", "contractnumber", "contractno")),
    ImportField("serial_number", gettext_lazy("Serial number"), ("序列号", "产品序列号", "sn", "serial", "serialnumber", "serialno")),
    ImportField("warranty_end", gettext_lazy("Warranty end"), ("保修截止", "保修截止日期", "保修到期", "保修期至", "保修到期日", "warranty", "warrantyend")),
    ImportField("ip_address", gettext_lazy("IP address"), ("ip", "ip地址", "ipaddress")),
    ImportField("system_serial", gettext_lazy("System serial"), ("系统序列号", "systemserial")),
    ImportField("supplier", gettext_lazy("Supplier"), ("供应商", "supplier", "vendor")),
    ImportField("responsible", gettext_lazy("Responsible user"), ("责任人", "使用人", "responsible", "owner", "responsibleuser")),
    ImportField("department", gettext_lazy("Department"), ("处室", "部门", "科室", "department")),
    ImportField("location", gettext_lazy("Location"), ("位置", "存放位置", "地点", "存放地点", "location")),
    ImportField("ci_class", gettext_lazy("Class"), ("类别", "类型", "分类", "资产类别", "class", "category", "type")),
    ImportField("status", gettext_lazy("Status"), ("状态", "status")),
)  # fmt: skip
FIELD_BY_KEY = {f.key: f for f in FIELDS}
_FK_FIELDS = {"supplier", "responsible", "department", "location", "ci_class"}


def max_rows() -> int:
    from django.conf import settings

    return int(settings.ITSM.get("IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


# --- Upload and mapping ------------------------------------------------------------------


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-*:：()（）/]+", "", str(text)).lower()


def guess_mapping(headers: list[str]) -> dict[str, int]:
    """{field key: column index} for the headers that name a field; first match wins."""
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


def import_upload(*, user, name: str, content: bytes) -> ImportBatch:
    """A new batch with the file's parsed rows and a guessed mapping; FileRejected if unreadable.

    The file's bytes are not kept: only its cells, for the life of the batch.
    """
    sheet = read_sheet(name, content, max_rows=max_rows())
    return ImportBatch.objects.create(
        created_by=user,
        filename=name[:200],
        headers=sheet.headers,
        rows=[[line, cells] for line, cells in sheet.rows],
        mapping=guess_mapping(sheet.headers),
    )


def import_preview(*, batch: ImportBatch, mapping: dict[str, int | None]) -> ImportBatch:
    """Save the chosen mapping and the dry run it gives; nothing else is written."""
    _check_open(batch)
    clean = {}
    for key, index in mapping.items():
        if key in FIELD_BY_KEY and index is not None and 0 <= int(index) < len(batch.headers):
            clean[key] = int(index)
    if "asset_tag" not in clean:
        raise ImportRefused(_("Choose the column that holds the asset tag."))
    batch.mapping = clean
    batch.plan = import_plan(batch=batch).as_json()
    batch.status = ImportStatus.PREVIEWED
    batch.save(update_fields=["mapping", "plan", "status"])
    return batch


def _check_open(batch: ImportBatch) -> None:
    if batch.is_expired:
        raise ImportRefused(_("This import has expired; upload the file again."))
    if batch.status in (ImportStatus.APPLIED, ImportStatus.REJECTED):
        raise ImportRefused(_("This import is finished; upload the file again to re-import."))


# --- Dry run -------------------------------------------------------------------------------


@dataclass
class RowPlan:
    line: int
    tag: str
    action: str = ImportAction.UNCHANGED
    changes: list = field(default_factory=list)  # [field label, old, new]
    errors: list = field(default_factory=list)  # [column, reason]
    values: dict = field(default_factory=dict)  # what to write (not serialised)
    item: ConfigurationItem | None = None

    def error(self, column: str, reason: str) -> None:
        self.action = ImportAction.ERROR
        self.errors.append([str(column), str(reason)])

    def as_json(self) -> dict:
        return {
            "line": self.line,
            "tag": self.tag,
            "action": str(self.action),
            "changes": self.changes,
            "errors": self.errors,
            "item": self.item.pk if self.item else None,
        }


@dataclass
class Plan:
    rows: list[RowPlan]

    def counts(self) -> dict[str, int]:
        counts = {str(a): 0 for a in ImportAction.values}
        for row in self.rows:
            counts[str(row.action)] += 1
        return counts

    @property
    def has_errors(self) -> bool:
        return any(row.action == ImportAction.ERROR for row in self.rows)

    def as_json(self) -> dict:
        return {"counts": self.counts(), "rows": [row.as_json() for row in self.rows]}


class _NewSupplier(str):
    """A supplier name not in the CMDB yet: created when the row is applied."""


class _Lookups:
    """Reference data for a whole file, loaded in a fixed number of queries."""

    def __init__(self, cells_by_field: dict[str, set[str]]):
        self.classes = {}
        for cls in CIClass.objects.defer("attribute_schema").all():
            self.classes[_norm(cls.code)] = cls
            self.classes.setdefault(_norm(cls.name), cls)
        self.suppliers = {_norm(s.name): s for s in Supplier.objects.all()}
        self.departments = {}
        for dept in Department.objects.all():
            self.departments[_norm(dept.code)] = dept
            self.departments.setdefault(_norm(dept.name), dept)
        self.locations = {}
        for loc in Location.objects.select_related("building"):
            self.locations.setdefault(location_key(loc), loc)
            if loc.description:
                self.locations.setdefault(_norm(loc.description), loc)
        # The customer's words, whatever language the UI is compiled in.
        self.statuses = {
            "在用": CIStatus.IN_USE, "使用中": CIStatus.IN_USE, "库存": CIStatus.IN_STOCK,
            "在库": CIStatus.IN_STOCK, "维修": CIStatus.IN_REPAIR, "维修中": CIStatus.IN_REPAIR,
            "备用": CIStatus.SPARE, "备机": CIStatus.SPARE, "报废": CIStatus.RETIRED,
            "已报废": CIStatus.RETIRED, "丢失": CIStatus.LOST, "遗失": CIStatus.LOST,
        }  # fmt: skip
        for status in CIStatus:
            self.statuses[_norm(status.value)] = status.value
            for language in ("zh-hans", "en"):
                with translation.override(language):
                    self.statuses.setdefault(_norm(str(status.label)), status.value)
        self._load_people(cells_by_field.get("responsible", set()))

    def _load_people(self, values: set[str]) -> None:
        usernames, names = set(), set()
        for value in values:
            name, username = _split_person(value)
            if username:
                usernames.add(username.lower())
            else:
                usernames.add(value.lower())
                names.add(value)
        users = get_user_model().objects.select_related("person")
        found = list(users.filter(Q(username__in=usernames) | Q(person__name__in=names)))
        # usernames are case-sensitive in Django; compare case-insensitively here
        if usernames:
            found += list(
                users.annotate(u=Upper("username")).filter(u__in=[u.upper() for u in usernames])
            )
        self.by_username = {u.username.lower(): u for u in found}
        self.by_name: dict[str, list] = {}
        for user in {u.pk: u for u in found}.values():
            person = getattr(user, "person", None)
            if person is not None:
                self.by_name.setdefault(person.name, []).append(user)


def _split_person(value: str) -> tuple[str, str]:
    """'王芳 (wangfang)' → ('王芳', 'wangfang'); anything else → (value, '')."""
    match = re.match(r"^(.*?)\s*[(（]\s*([^()（）\s]+)\s*[)）]$", value)
    return (match.group(1), match.group(2)) if match else (value, "")


_FLOOR = re.compile(r"^(?:f|floor)?(\d+)(?:层|楼层|f|楼)?$", re.IGNORECASE)
_FLOOR_WORDS = {"层", "楼层", "f", "floor"}


def location_key(location) -> str:
    return _location_text_key(f"{location.building.name} {location.floor} {location.room or ''}")


def _location_text_key(text: str) -> str:
    """'机关办公楼 / 3 层 / 301', '机关办公楼 3F 301', '机关办公楼 / floor 3 / 301' → one key.

    The first token is the building; after it, floor words go and '3层' / 'F3' become 3.
    """
    tokens = [t for t in re.split(r"[\s/,，、|>＞]+", str(text).strip().lower()) if t]
    out = tokens[:1]
    for token in tokens[1:]:
        if token in _FLOOR_WORDS:
            continue
        match = _FLOOR.match(token)
        out.append(match.group(1) if match else token)
    return "|".join(out)


def _parse_date(text: str) -> date:
    text = text.strip()
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    if not match:
        match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if not match:
        match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})T[\d:.]+", text)
    if not match:
        raise ValueError
    return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))


def import_plan(*, batch: ImportBatch) -> Plan:
    """What applying `batch` with its mapping would do, row by row; writes nothing.

    A fixed number of queries for reference data and existing items, plus one
    validation per row (no query unless the row's class has attribute rules).
    """
    mapping = batch.mapping
    header_of = {key: batch.headers[index] for key, index in mapping.items()}

    def cell(cells, key):
        index = mapping.get(key)
        if index is None or index >= len(cells):
            return ""
        return unescape_cell(str(cells[index]).strip())

    cells_by_field: dict[str, set[str]] = {}
    for _line, cells in batch.rows:
        for key in mapping:
            value = cell(cells, key)
            if value:
                cells_by_field.setdefault(key, set()).add(value)
    lookups = _Lookups(cells_by_field)
    existing = _existing_items(cells_by_field.get("asset_tag", set()))

    plans, seen = [], {}
    for line, cells in batch.rows:
        tag = cell(cells, "asset_tag")
        row = RowPlan(line=line, tag=tag)
        plans.append(row)
        tag_column = header_of["asset_tag"]
        if not tag:
            row.error(tag_column, _("The asset tag is empty."))
            continue
        if tag.upper() in seen:
            row.error(
                tag_column,
                _("The same asset tag is on line %(line)s.") % {"line": seen[tag.upper()]},
            )
            continue
        seen[tag.upper()] = line
        row.item = existing.get(tag.upper())
        raw = {key: cell(cells, key) for key in mapping if key != "asset_tag"}
        _plan_row(row, raw, lookups, header_of)
    return Plan(rows=plans)


def _existing_items(tags: set[str]) -> dict[str, ConfigurationItem]:
    found = {}
    upper = sorted({t.upper() for t in tags})
    for start in range(0, len(upper), 500):
        chunk = upper[start : start + 500]
        for ci in (
            ConfigurationItem.objects.annotate(tag_upper=Upper("asset_tag"))
            .filter(tag_upper__in=chunk)
            .select_related(
                "ci_class", "supplier", "responsible__person", "department", "location__building"
            )
        ):
            found[ci.asset_tag.upper()] = ci
    return found


def _resolve(key: str, text: str, lookups: _Lookups):
    """The Python value for `text` in field `key`, or ValueError(reason)."""
    if key in ("name", "contract_number", "serial_number", "system_serial"):
        return text
    if key == "warranty_end":
        try:
            return _parse_date(text)
        except ValueError:
            raise ValueError(
                _("%(value)s is not a date (use 2026-03-31).") % {"value": text}
            ) from None
    if key == "ip_address":
        try:
            validate_ipv46_address(text)
        except ValidationError:
            raise ValueError(_("%(value)s is not an IP address.") % {"value": text}) from None
        return text
    if key == "supplier":
        return lookups.suppliers.get(_norm(text)) or _NewSupplier(text[:200])
    if key == "ci_class":
        found = lookups.classes.get(_norm(text))
        if found is None:
            raise ValueError(_("No class %(value)s.") % {"value": text})
        return found
    if key == "department":
        found = lookups.departments.get(_norm(text))
        if found is None:
            raise ValueError(_("No department %(value)s.") % {"value": text})
        return found
    if key == "location":
        found = lookups.locations.get(_location_text_key(text)) or lookups.locations.get(
            _norm(text)
        )
        if found is None:
            raise ValueError(
                _("No location %(value)s (write building / floor / room).") % {"value": text}
            )
        return found
    if key == "status":
        found = lookups.statuses.get(_norm(text))
        if found is None:
            raise ValueError(_("No status %(value)s.") % {"value": text})
        return found
    if key == "responsible":
        name, username = _split_person(text)
        if username:
            user = lookups.by_username.get(username.lower())
        else:
            user = lookups.by_username.get(text.lower())
            if user is None:
                people = lookups.by_name.get(text, [])
                if len(people) > 1:
                    raise ValueError(
                        _("Several people are called %(value)s; give the username.")
                        % {"value": text}
                    )
                user = people[0] if people else None
        if user is None:
            raise ValueError(_("No user %(value)s.") % {"value": text})
        return user
    raise ValueError(_("Unknown field."))


def _display(key: str, value) -> str:
    if value is None or value == "":
        return ""
    if key == "status":
        return str(CIStatus(value).label)
    if key == "responsible":
        person = getattr(value, "person", None)
        return f"{person.name} ({value.username})" if person else value.username
    if isinstance(value, _NewSupplier):
        return _("%(name)s (new supplier)") % {"name": value}
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _current(item: ConfigurationItem, key: str):
    if key in _FK_FIELDS:
        return getattr(item, key) if getattr(item, f"{key}_id") else None
    value = getattr(item, key)
    return value if value is not None else ""


def _same(key: str, old, new) -> bool:
    if key in _FK_FIELDS:
        if isinstance(new, _NewSupplier):
            return False
        return (old.pk if old is not None else None) == new.pk
    return str(old) == str(new)


def _plan_row(row: RowPlan, raw: dict, lookups: _Lookups, header_of: dict) -> None:
    values = {}
    for key, text in raw.items():
        if not text:
            continue  # an empty cell keeps the current value
        try:
            values[key] = _resolve(key, text, lookups)
        except ValueError as exc:
            row.error(header_of[key], exc.args[0])
    if row.item is None:
        for key in ("name", "ci_class"):
            if key not in values and not any(e[0] == header_of.get(key) for e in row.errors):
                row.error(
                    header_of.get(key, FIELD_BY_KEY[key].label),
                    _("Needed to create a new item."),
                )
    if row.action == ImportAction.ERROR:
        return

    if row.item is None:
        candidate = ConfigurationItem(asset_tag=row.tag, status=CIStatus.IN_USE)
        row.action = ImportAction.CREATE
        row.changes = [[str(FIELD_BY_KEY[k].label), "", _display(k, v)] for k, v in values.items()]
    else:
        candidate = copy.copy(row.item)
        changed = {k: v for k, v in values.items() if not _same(k, _current(row.item, k), v)}
        values = changed
        row.changes = [
            [str(FIELD_BY_KEY[k].label), _display(k, _current(row.item, k)), _display(k, v)]
            for k, v in changed.items()
        ]
        row.action = ImportAction.UPDATE if changed else ImportAction.UNCHANGED
    row.values = values
    if row.action == ImportAction.UNCHANGED:
        return
    for key, value in values.items():
        if key != "supplier":
            setattr(candidate, key, value)
        elif not isinstance(value, _NewSupplier):
            candidate.supplier = value
    try:
        candidate.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            column = (
                header_of.get(name)
                or header_of.get("ci_class" if name == "attributes" else name)
                or name
            )
            for message in messages:
                row.error(column, message)


# --- Apply ---------------------------------------------------------------------------------


class _AllOrNothingFailed(Exception):
    pass


def import_apply(*, batch: ImportBatch, user, mode: str) -> dict:
    """Apply the batch in one transaction and return its report.

    ALL_OR_NOTHING: if any row has an error (now, or while being written) nothing is
    written. ALL_VALID: every valid row is written, each in a savepoint, so a row that
    fails while being written is reported and the others still go in. A batch applies
    at most once (a conditional UPDATE claims it).
    """
    if mode not in ImportMode.values:
        raise ImportRefused(_("Choose how to apply the import."))
    if batch.created_by_id != user.pk:
        raise ImportRefused(_("Only the person who uploaded the file can apply it."))
    _check_open(batch)
    if batch.status != ImportStatus.PREVIEWED:
        raise ImportRefused(_("Check the dry run first."))
    reason = batch.reason
    plan = None
    try:
        with transaction.atomic():
            claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.PREVIEWED).update(
                status=ImportStatus.APPLIED, mode=mode, applied_at=timezone.now()
            )
            if not claimed:
                raise ImportRefused(_("This import was applied already."))
            plan = import_plan(batch=batch)
            if mode == ImportMode.ALL_OR_NOTHING and plan.has_errors:
                raise _AllOrNothingFailed
            written = 0
            for row in plan.rows:
                if row.action not in (ImportAction.CREATE, ImportAction.UPDATE):
                    continue
                try:
                    with transaction.atomic():
                        _write_row(row, reason)
                    written += 1
                except ValidationError as exc:
                    row.changes = []
                    for name, messages in _messages(exc):
                        row.error(name, "; ".join(messages))
                    if mode == ImportMode.ALL_OR_NOTHING:
                        raise _AllOrNothingFailed from exc
            report = {**plan.as_json(), "applied": True, "written": written}
            ImportBatch.objects.filter(pk=batch.pk).update(report=report, plan=plan.as_json())
    except _AllOrNothingFailed:
        report = {**plan.as_json(), "applied": False, "written": 0}
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportStatus.REJECTED,
            mode=mode,
            applied_at=timezone.now(),
            report=report,
            plan=plan.as_json(),
        )
    batch.refresh_from_db()
    return batch.report


def _messages(exc: ValidationError):
    if hasattr(exc, "error_dict"):
        return exc.message_dict.items()
    return [("", exc.messages)]


def _write_row(row: RowPlan, reason: str) -> None:
    values = dict(row.values)
    supplier = values.get("supplier")
    if isinstance(supplier, _NewSupplier):
        values["supplier"], _created = Supplier.objects.get_or_create(name=str(supplier))
    if row.item is None:
        values.setdefault("status", CIStatus.IN_USE)
        ci_create(asset_tag=row.tag, reason=reason, **values)
    else:
        ci_update(ci=row.item, reason=reason, **values)


def import_batches_expire(*, now=None) -> int:
    """Delete batches past their expiry (their parsed rows go with them)."""
    deleted, _rows = ImportBatch.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
