"""Asset import: upload → column mapping → dry run → apply (all valid rows, or nothing).

Rows are matched to items by asset tag, ignoring case. An empty cell leaves the item's
value as it is, so re-importing a file (or an export) changes nothing. Every change
goes through ci_create / ci_update with the reason "import <batch id>", so it shows on
each item's timeline. The dry run is recomputed when applying: what is applied is
what the data says at that moment, never a stale preview.
"""

import contextlib
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

from itsm import workflow
from servicedesk.models import Department, Location

from ..attributes import clean_attribute, display_attribute
from ..choices import AttributeType, CIStatus, ImportAction, ImportMode, ImportStatus
from ..models import CIClass, ConfigurationItem, ImportBatch, Supplier
from ..permissions import ci_refusal, scan_refusal
from ..tabular import DEFAULT_MAX_ROWS, read_sheet, unescape_cell
from . import _ci_create, _ci_update


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
    ImportField("parent", gettext_lazy("Parent item"), ("父项", "父项资产编号", "父资产", "父资产编号", "上级资产", "上级设备", "所属设备", "所属主机", "主设备", "parent", "parenttag", "parentitem", "parentassettag")),
)  # fmt: skip
FIELD_BY_KEY = {f.key: f for f in FIELDS}
_FK_FIELDS = {"supplier", "responsible", "department", "location", "ci_class", "parent"}

# A class attribute is mapped as "attr__<key>"; the class of each row decides whether
# the attribute applies (cmdb.attributes validates the value with its type).
ATTRIBUTE_PREFIX = "attr__"


@dataclass(frozen=True)
class AttributeColumn:
    """One attribute key across the classes that define it, as a column of a sheet."""

    key: str  # ATTRIBUTE_PREFIX + attribute key
    attribute: str
    label: str
    header: str  # the export's header: the label, or "label (key)" if that is ambiguous
    classes: tuple[str, ...]


def attribute_columns(classes=None) -> list[AttributeColumn]:
    """The attributes the classes (default: all) define, in class-name and schema order.

    A label that a fixed field is known by (类型 is also the class) or that two keys
    share gets its key in the header, so that an export maps back without a doubt.
    """
    if classes is None:
        classes = CIClass.objects.order_by("name")
    found: dict[str, dict] = {}
    for cls in classes:
        for spec in cls.attribute_schema or []:
            entry = found.setdefault(
                spec["key"], {"label": spec.get("label") or spec["key"], "classes": []}
            )
            entry["classes"].append(cls.name)
    fixed = set(_fixed_names())
    by_label: dict[str, int] = {}
    for entry in found.values():
        by_label[_norm(entry["label"])] = by_label.get(_norm(entry["label"]), 0) + 1
    columns = []
    for key, entry in found.items():
        label = entry["label"]
        ambiguous = _norm(label) in fixed or by_label[_norm(label)] > 1
        columns.append(
            AttributeColumn(
                key=ATTRIBUTE_PREFIX + key,
                attribute=key,
                label=label,
                header=f"{label} ({key})" if ambiguous else label,
                classes=tuple(entry["classes"]),
            )
        )
    return columns


def import_fields(columns: list[AttributeColumn] | None = None) -> list[ImportField]:
    """The fixed fields, then one field per class attribute (for the mapping form)."""
    if columns is None:
        columns = attribute_columns()
    return [
        *FIELDS,
        *(
            ImportField(
                column.key,
                _("%(label)s (attribute of %(classes)s)")
                % {"label": column.label, "classes": "、".join(column.classes)},
                (column.attribute, column.header, column.label),
            )
            for column in columns
        ),
    ]


def max_rows() -> int:
    from django.conf import settings

    return int(settings.ITSM.get("IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


# --- Upload and mapping ------------------------------------------------------------------


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-*:：()（）/]+", "", str(text)).lower()


def _fixed_names() -> dict[str, str]:
    """{normalised header: field key} for the fixed fields, in both languages."""
    known: dict[str, str] = {}
    for spec in FIELDS:
        names = {spec.key, *spec.synonyms}
        for language in ("zh-hans", "en"):
            with translation.override(language):
                names.add(str(spec.label))
        for name in names:
            known.setdefault(_norm(name), spec.key)
    return known


def guess_mapping(headers: list[str], columns: list[AttributeColumn] | None = None) -> dict:
    """{field key: column index} for the headers that name a field; first match wins.

    Fixed fields first: a class attribute is only recognised by a header no fixed field
    is known by (its label, its key, or the export's "label (key)").
    """
    known = _fixed_names()
    for column in attribute_columns() if columns is None else columns:
        for name in (column.header, column.attribute, column.label):
            known.setdefault(_norm(name), column.key)
    mapping: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = known.get(_norm(header))
        if key and key not in mapping:
            mapping[key] = index
    return mapping


def import_upload(*, actor, name: str, content: bytes) -> ImportBatch:
    """A new batch with the file's parsed rows and a guessed mapping; FileRejected if unreadable.

    The file's bytes are not kept: only its cells, for the life of the batch.
    """
    workflow.require(ci_refusal(actor, None, "import"))
    sheet = read_sheet(name, content, max_rows=max_rows())
    return ImportBatch.objects.create(
        created_by=actor,
        filename=name[:200],
        headers=sheet.headers,
        rows=[[line, cells] for line, cells in sheet.rows],
        mapping=guess_mapping(sheet.headers),
    )


def import_preview(*, actor, batch: ImportBatch, mapping: dict[str, int | None]) -> ImportBatch:
    """Save the chosen mapping and the dry run it gives; nothing else is written."""
    _check_importer(actor, batch)
    _check_open(batch)
    known = {spec.key for spec in import_fields()}
    clean = {}
    for key, index in mapping.items():
        if key in known and index is not None and 0 <= int(index) < len(batch.headers):
            clean[key] = int(index)
    if "asset_tag" not in clean:
        raise ImportRefused(_("Choose the column that holds the asset tag."))
    batch.mapping = clean
    batch.plan = import_plan(batch=batch).as_json()
    batch.status = ImportStatus.PREVIEWED
    batch.save(update_fields=["mapping", "plan", "status"])
    return batch


def _check_importer(actor, batch: ImportBatch) -> None:
    workflow.require(ci_refusal(actor, None, "import"))
    if batch.created_by_id != actor.pk:
        raise ImportRefused(_("Only the person who uploaded the file can apply it."))


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
        for cls in CIClass.objects.all():
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


class _FileParent(str):
    """The tag of a parent created by an earlier row of the same file (resolved on apply)."""

    line = 0


@dataclass
class _FileContext:
    existing: dict  # upper tag → item already in the CMDB
    first_line: dict  # upper tag → the line it first appears on in the file
    attribute_labels: dict  # attribute key → label


def import_plan(*, batch: ImportBatch) -> Plan:
    """What applying `batch` with its mapping would do, row by row; writes nothing.

    A fixed number of queries for reference data and existing items (and parents),
    however many rows; each row is validated in Python.
    Parents: a tag in the CMDB or on an earlier line of the file; an item is never its
    own parent, nor its own ancestor through the file's other rows.
    """
    mapping = batch.mapping
    header_of = {key: batch.headers[index] for key, index in mapping.items()}

    def cell(cells, key):
        index = mapping.get(key)
        if index is None or index >= len(cells):
            return ""
        return unescape_cell(str(cells[index]).strip())

    cells_by_field: dict[str, set[str]] = {}
    first_line: dict[str, int] = {}
    for line, cells in batch.rows:
        for key in mapping:
            value = cell(cells, key)
            if value:
                cells_by_field.setdefault(key, set()).add(value)
        tag = cell(cells, "asset_tag")
        if tag:
            first_line.setdefault(tag.upper(), line)
    lookups = _Lookups(cells_by_field)
    context = _FileContext(
        existing=_existing_items(
            cells_by_field.get("asset_tag", set()) | cells_by_field.get("parent", set())
        ),
        first_line=first_line,
        attribute_labels={
            spec["key"]: spec.get("label") or spec["key"]
            for cls in lookups.classes.values()
            for spec in cls.attribute_schema or []
        },
    )

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
        row.item = context.existing.get(tag.upper())
        raw = {key: cell(cells, key) for key in mapping if key != "asset_tag"}
        _plan_row(row, raw, lookups, header_of, context)
    if "parent" in mapping:
        _check_parent_loops(plans, context, header_of["parent"])
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
                "ci_class",
                "supplier",
                "responsible__person",
                "department",
                "location__building",
                "parent",
            )
        ):
            found[ci.asset_tag.upper()] = ci
    return found


def _resolve_parent(row: RowPlan, text: str, context: _FileContext):
    """The parent item named by `text`, or a _FileParent for one made earlier in the file."""
    upper = text.upper()
    if upper == row.tag.upper():
        raise ValueError(_("An item cannot be its own parent."))
    found = context.existing.get(upper)
    if found is not None:
        return found
    line = context.first_line.get(upper)
    if line is not None and line < row.line:
        parent = _FileParent(text)
        parent.line = line
        return parent
    if line is not None:
        raise ValueError(
            _(
                "The parent %(tag)s is on line %(line)s, after this row; "
                "list parents before their accessories."
            )
            % {"tag": text, "line": line}
        )
    raise ValueError(
        _("No item has the asset tag %(tag)s, in the CMDB or earlier in this file.") % {"tag": text}
    )


def _check_parent_loops(plans: list[RowPlan], context: _FileContext, column: str) -> None:
    """Refuse a parent that makes a loop, and accessories of rows that cannot be imported.

    The chain above each new parent follows the file's rows first, then the CMDB (the
    parents of parents are read a level per query, usually none or one).
    """

    def node(row_or_item):
        if isinstance(row_or_item, RowPlan):
            return row_or_item.item.pk if row_or_item.item else row_or_item.tag.upper()
        if isinstance(row_or_item, _FileParent):
            return row_or_item.upper()
        return row_or_item.pk

    planned, tag_of = {}, {}
    for row in plans:
        if row.action == ImportAction.ERROR or "parent" not in row.values:
            continue
        planned[node(row)] = node(row.values["parent"])
    known = {}  # item id → its parent's id in the CMDB
    for item in context.existing.values():
        known[item.pk] = item.parent_id
        tag_of[item.pk] = item.asset_tag
    for row in plans:
        tag_of.setdefault(node(row), row.tag)
    pending = {p for p in planned.values() if isinstance(p, int) and p not in known}
    pending |= {p for p in known.values() if p is not None and p not in known}
    for _round in range(50):  # depth of accessory chains; a corrupted cycle must end
        if not pending:
            break
        found = ConfigurationItem.objects.filter(pk__in=pending).values_list(
            "pk", "parent_id", "asset_tag"
        )
        for pk, parent_id, tag in found:
            known[pk], tag_of[pk] = parent_id, tag
        pending = {p for p in known.values() if p is not None and p not in known}

    for row in plans:
        start = node(row)
        if start not in planned:
            continue
        chain, current = [start], planned[start]
        while current is not None and current not in chain[1:] and len(chain) < 1000:
            chain.append(current)
            if current == start:
                row.error(
                    column,
                    _("This parent would make a loop: %(chain)s.")
                    % {"chain": " → ".join(str(tag_of.get(n, n)) for n in chain)},
                )
                break
            current = planned[current] if current in planned else known.get(current)
    by_tag = {row.tag.upper(): row for row in plans if row.tag}
    for row in plans:
        parent = row.values.get("parent")
        if row.action == ImportAction.ERROR or not isinstance(parent, _FileParent):
            continue
        parent_row = by_tag.get(parent.upper())
        if parent_row is None or parent_row.action == ImportAction.ERROR:
            row.error(
                column,
                _("The parent %(tag)s on line %(line)s has errors, so this row cannot be imported.")
                % {"tag": parent, "line": parent.line},
            )


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
    if isinstance(value, _FileParent):
        return _("%(tag)s (line %(line)s of this file)") % {"tag": value, "line": value.line}
    if isinstance(value, ConfigurationItem):
        return value.asset_tag
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
        if isinstance(new, _NewSupplier | _FileParent):
            return False
        return (old.pk if old is not None else None) == new.pk
    return str(old) == str(new)


def _plan_row(
    row: RowPlan, raw: dict, lookups: _Lookups, header_of: dict, context: _FileContext
) -> None:
    values, attribute_cells = {}, {}
    for key, text in raw.items():
        if not text:
            continue  # an empty cell keeps the current value
        if key.startswith(ATTRIBUTE_PREFIX):
            attribute_cells[key.removeprefix(ATTRIBUTE_PREFIX)] = text
            continue
        try:
            if key == "parent":
                values[key] = _resolve_parent(row, text, context)
            else:
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
    ci_class = values.get("ci_class") or (row.item.ci_class if row.item else None)
    attributes = _plan_attributes(row, attribute_cells, ci_class, header_of)
    if row.action == ImportAction.ERROR:
        return

    if row.item is None:
        candidate = ConfigurationItem(asset_tag=row.tag, status=CIStatus.IN_USE)
        row.action = ImportAction.CREATE
        row.changes = [[str(FIELD_BY_KEY[k].label), "", _display(k, v)] for k, v in values.items()]
        if attributes:
            values["attributes"] = attributes
            row.changes += [
                [context.attribute_labels.get(k, k), "", _attribute_display(ci_class, k, v)]
                for k, v in attributes.items()
            ]
    else:
        candidate = copy.copy(row.item)
        changed = {k: v for k, v in values.items() if not _same(k, _current(row.item, k), v)}
        values = changed
        row.changes = [
            [str(FIELD_BY_KEY[k].label), _display(k, _current(row.item, k)), _display(k, v)]
            for k, v in changed.items()
        ]
        current = row.item.attributes or {}
        new_attributes = {k: v for k, v in attributes.items() if current.get(k) != v}
        if new_attributes:
            values["attributes"] = {**current, **new_attributes}
            row.changes += [
                [
                    context.attribute_labels.get(k, k),
                    _attribute_display(ci_class, k, current.get(k)),
                    _attribute_display(ci_class, k, v),
                ]
                for k, v in new_attributes.items()
            ]
        row.action = ImportAction.UPDATE if values else ImportAction.UNCHANGED
    row.values = values
    if row.action == ImportAction.UNCHANGED:
        return
    for key, value in values.items():
        if key == "supplier":
            if not isinstance(value, _NewSupplier):
                candidate.supplier = value
        elif key != "parent":  # checked against the whole file in _check_parent_loops
            setattr(candidate, key, value)
    try:
        # Foreign keys come from the look-ups or the item itself, so they exist: checking
        # each again would cost a query per key and row.
        candidate.full_clean(
            exclude=[*_FK_FIELDS, "service_level"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            for message in messages:
                row.error(_error_column(name, message, header_of), message)


def _error_column(name: str, message: str, header_of: dict) -> str:
    """The column a model error belongs to; "cpu: …" attribute errors to that attribute's."""
    if name == "attributes":
        key = message.split(":", 1)[0]
        return header_of.get(ATTRIBUTE_PREFIX + key) or header_of.get("ci_class") or str(_("Class"))
    return header_of.get(name) or name


def _plan_attributes(row: RowPlan, cells: dict, ci_class, header_of: dict) -> dict:
    """{attribute key: value as stored} for the row's attribute cells, checked by type."""
    if not cells or ci_class is None:
        return {}
    specs = {spec["key"]: spec for spec in ci_class.attribute_schema or []}
    values = {}
    for key, text in cells.items():
        column = header_of[ATTRIBUTE_PREFIX + key]
        spec = specs.get(key)
        if spec is None:
            row.error(
                column,
                _("The class %(class)s has no attribute %(key)s; leave this cell empty.")
                % {"class": ci_class.name, "key": key},
            )
            continue
        if spec.get("type") == AttributeType.DATE:
            with contextlib.suppress(ValueError):  # clean_attribute words the error
                text = _parse_date(text).isoformat()  # 2026/3/31 and 2026年3月31日 too
        try:
            values[key] = clean_attribute(spec, text)
        except ValidationError as exc:
            row.error(column, "; ".join(exc.messages))
    return values


def _attribute_display(ci_class, key: str, value) -> str:
    specs = {spec["key"]: spec for spec in (ci_class.attribute_schema if ci_class else []) or []}
    return display_attribute(specs.get(key, {"key": key}), value)


# --- Apply ---------------------------------------------------------------------------------


class _AllOrNothingFailed(Exception):
    pass


def import_apply(*, actor, batch: ImportBatch, mode: str) -> dict:
    """Apply the batch in one transaction and return its report.

    ALL_OR_NOTHING: if any row has an error (now, or while being written) nothing is
    written. ALL_VALID: every valid row is written, each in a savepoint, so a row that
    fails while being written is reported and the others still go in. A batch applies
    at most once (a conditional UPDATE claims it).
    """
    if mode not in ImportMode.values:
        raise ImportRefused(_("Choose how to apply the import."))
    _check_importer(actor, batch)
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
            written, items = 0, {}
            for row in plan.rows:
                if row.action not in (ImportAction.CREATE, ImportAction.UPDATE):
                    continue
                try:
                    with transaction.atomic():
                        _write_row(row, reason, items)
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


def _write_row(row: RowPlan, reason: str, written: dict) -> None:
    """Create or update the row's item; `written` maps upper tags to items written so far."""
    values = dict(row.values)
    supplier = values.get("supplier")
    if isinstance(supplier, _NewSupplier):
        values["supplier"], _created = Supplier.objects.get_or_create(name=str(supplier))
    parent = values.get("parent")
    if isinstance(parent, _FileParent):
        values["parent"] = written.get(parent.upper())
        if values["parent"] is None:
            raise ValidationError(
                {"parent": _("The parent %(tag)s was not imported.") % {"tag": parent}}
            )
    if row.item is None:
        values.setdefault("status", CIStatus.IN_USE)
        ci = _ci_create(asset_tag=row.tag, reason=reason, **values)
    else:
        ci = _ci_update(ci=row.item, reason=reason, **values)
    written[row.tag.upper()] = ci


def import_batches_expire(*, actor, now=None) -> int:
    """Delete batches past their expiry (their parsed rows go with them); `actor`: the
    system actor (the beat task)."""
    workflow.require(scan_refusal(actor, None, "run"))
    deleted, _rows = ImportBatch.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
