"""The importable fields, class attributes as columns, and guessing a file's mapping."""

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ...models import CIClass
from ._common import _norm


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
    ImportField("software", gettext_lazy("Installed software"), ("软件", "安装软件", "已安装软件", "已装软件", "软件清单", "software", "installedsoftware")),
    ImportField("parent", gettext_lazy("Parent item"), ("父项", "父项资产编号", "父资产", "父资产编号", "上级资产", "上级设备", "所属设备", "所属主机", "主设备", "parent", "parenttag", "parentitem", "parentassettag")),
)  # fmt: skip
FIELD_BY_KEY = {f.key: f for f in FIELDS}

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


# --- Mapping -----------------------------------------------------------------------------


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
