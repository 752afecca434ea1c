"""The dry run: what applying a batch would do, row by row; writes nothing."""

import contextlib
import copy
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models.functions import Upper
from django.utils.translation import gettext as _

from ...attributes import clean_attribute, display_attribute
from ...choices import AttributeType, CIStatus, ImportAction
from ...models import ConfigurationItem, ImportBatch
from ...tabular import unescape_cell
from ._common import _FileParent, _NewSupplier, _parse_date
from .cells import _Lookups, _resolve
from .fields import ATTRIBUTE_PREFIX, FIELD_BY_KEY

_FK_FIELDS = {"supplier", "responsible", "department", "location", "ci_class", "parent"}


# --- Dry run -------------------------------------------------------------------------------


@dataclass
class RowPlan:
    line: int
    tag: str
    action: str = ImportAction.UNCHANGED
    changes: list = field(default_factory=list)  # [field label, old, new]
    errors: list = field(default_factory=list)  # [column, reason]
    values: dict = field(default_factory=dict)  # what to write (not serialised)
    software: list = field(default_factory=list)  # titles to record as installed
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


@dataclass
class _FileContext:
    existing: dict  # upper tag → item already in the CMDB
    first_line: dict  # upper tag → the line it first appears on in the file
    attribute_labels: dict  # attribute key → label
    installed: dict = field(default_factory=dict)  # item pk → title keys installed on it


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

    if "software" in mapping:
        context.installed = _installed_keys(context.existing.values())

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


def _installed_keys(items) -> dict[int, set[str]]:
    """{item pk: compared names and aliases of the products on it} (one query per 500)."""
    from ...models import SoftwareInstallation

    pks = sorted(ci.pk for ci in items)
    installed: dict[int, set[str]] = {}
    for start in range(0, len(pks), 500):
        rows = SoftwareInstallation.objects.filter(ci_id__in=pks[start : start + 500])
        for row in rows.select_related("product"):
            installed.setdefault(row.ci_id, set()).update(row.product.title_keys())
    return installed


def _plan_software(row: RowPlan, text: str, context: _FileContext) -> list[str]:
    """The titles of a software cell not yet recorded on the row's item ([] if none)."""
    from ...models import title_key
    from ..software import parse_titles

    titles = parse_titles(text)
    known = context.installed.get(row.item.pk, set()) if row.item else set()
    return titles if any(title_key(t) not in known for t in titles) else []


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
    software = _plan_software(row, raw.pop("software", ""), context)
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
        row.action = ImportAction.UPDATE if values or software else ImportAction.UNCHANGED
    if software:
        row.changes.append([str(FIELD_BY_KEY["software"].label), "", "; ".join(software)])
    row.values = values
    row.software = software
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
