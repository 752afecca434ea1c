"""Item lists as CSV (streamed) and Excel, in the columns the import reads back.

After the fixed columns come the class attributes of the classes exported, headed so
that the import maps them back (cmdb.services.imports.attribute_columns).
"""

import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .attributes import display_attribute
from .tabular import csv_stream, xlsx_write

MAX_XLSX_ROWS = 200_000  # Excel's own limit is 1,048,576; beyond this, use CSV


def export_headers(columns=()) -> list[str]:
    return [
        _("Asset tag"),
        _("Asset name"),
        _("Class"),
        _("Status"),
        _("Contract purchase number"),
        _("Serial number"),
        _("Warranty end"),
        _("IP address"),
        _("System serial"),
        _("Supplier"),
        _("Responsible user"),
        _("Department"),
        _("Location"),
        _("Parent item"),
        _("Tamper seal"),
        _("Installed software"),
        *(column.header for column in columns),
    ]


def _person(user) -> str:
    if user is None:
        return ""
    person = getattr(user, "person", None)
    return f"{person.name} ({user.username})" if person else user.username


def export_row(ci, columns=()) -> list:
    return [
        ci.asset_tag,
        ci.name,
        ci.ci_class.name,
        ci.get_status_display(),
        ci.contract_number,
        ci.serial_number,
        ci.warranty_end,
        ci.ip_address or "",
        ci.system_serial,
        ci.supplier.name if ci.supplier_id else "",
        _person(ci.responsible) if ci.responsible_id else "",
        ci.department.name if ci.department_id else "",
        str(ci.location) if ci.location_id else "",
        ci.parent.asset_tag if ci.parent_id else "",
        ci.get_seal_status_display(),
        "; ".join(i.product.name for i in ci.installations.all()),
        *_attribute_cells(ci, columns),
    ]


def licence_cells(ci) -> list[str]:
    """The licence each installed product uses, and where its media and manual are kept
    (for the census's final asset list)."""
    licences, kept = [], []
    for installation in ci.installations.all():
        product, licence = installation.product, installation.licence
        if licence is not None:
            licences.append(
                f"{product.name}: {licence.reference} ({licence.get_licence_type_display()})"
            )
            places = [
                _("media at %(place)s") % {"place": licence.media_location}
                if licence.media_location
                else "",
                _("manual at %(place)s") % {"place": licence.manual_location}
                if licence.manual_location
                else "",
            ]
            if any(places):
                kept.append(f"{product.name}: " + ", ".join(p for p in places if p))
        elif product.requires_licence:
            licences.append(_("%(product)s: no licence") % {"product": product.name})
    return ["; ".join(licences), "; ".join(kept)]


def _attribute_cells(ci, columns) -> list:
    if not columns:
        return []
    values = ci.attributes or {}
    specs = {spec["key"]: spec for spec in ci.ci_class.attribute_schema or []}
    cells = []
    for column in columns:
        value = values.get(column.attribute)
        if isinstance(value, int | float) and not isinstance(value, bool):
            cells.append(value)  # a number cell in Excel
        else:
            cells.append(display_attribute(specs.get(column.attribute, {"key": ""}), value))
    return cells


def export_columns(items) -> list:
    """The attribute columns of the classes among `items` (one query)."""
    from .models import CIClass
    from .services.imports import attribute_columns

    class_ids = items.order_by().values_list("ci_class_id", flat=True).distinct()
    return attribute_columns(CIClass.objects.filter(pk__in=class_ids).order_by("name"))


def export_queryset(items):
    from django.db.models import Prefetch

    from .models import SoftwareInstallation

    return items.select_related(
        "ci_class", "supplier", "responsible__person", "department", "location__building", "parent"
    ).prefetch_related(
        Prefetch(
            "installations",
            queryset=SoftwareInstallation.objects.select_related("product", "licence").order_by(
                "product__name"
            ),
        )
    )


def _filename(extension: str) -> str:
    return f"assets-{timezone.localtime():%Y%m%d-%H%M}.{extension}"


def csv_response(items) -> StreamingHttpResponse:
    """A streamed UTF-8 CSV with BOM: rows are read 2,000 at a time, never all in memory."""
    language = translation.get_language()

    def lines():
        with translation.override(language):
            columns = export_columns(items)
            rows = (
                export_row(ci, columns) for ci in export_queryset(items).iterator(chunk_size=2000)
            )
            yield from csv_stream(export_headers(columns), rows)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


def xlsx_response(items) -> FileResponse:
    """An .xlsx written row by row (openpyxl write-only) into a spooled temporary file."""
    target = tempfile.SpooledTemporaryFile(max_size=20 * 1024 * 1024)  # noqa: SIM115 (FileResponse closes it)
    columns = export_columns(items)
    rows = (
        export_row(ci, columns)
        for ci in export_queryset(items)[:MAX_XLSX_ROWS].iterator(chunk_size=2000)
    )
    xlsx_write(target, export_headers(columns), rows, title=_("Assets"))
    target.seek(0)
    return FileResponse(
        target,
        as_attachment=True,
        filename=_filename("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
