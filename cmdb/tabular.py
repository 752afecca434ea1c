"""Reading and writing asset spreadsheets (CSV and .xlsx), no database.

Reading turns an uploaded file into a header row and data rows of strings, or raises
FileRejected with a message a user can act on: never a traceback. Writing neutralises
formula injection: a cell that starts with = + - @ (or a tab / carriage return, which
some spreadsheet programs skip before looking for one) is written as text.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

MAX_FILE_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_ROWS = 5000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class FileRejected(Exception):
    """The file cannot be imported at all; the message says why."""


@dataclass
class Sheet:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (line number in the file, cells)


def read_sheet(name: str, content: bytes, *, max_rows: int = DEFAULT_MAX_ROWS) -> Sheet:
    """Headers and non-empty data rows of a CSV or .xlsx file (first sheet)."""
    if not content:
        raise FileRejected(_("The file is empty."))
    if len(content) > MAX_FILE_BYTES:
        raise FileRejected(
            _("The file is larger than %(mb)s MB; split it into smaller files.")
            % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
        )
    lower = name.lower()
    if content.startswith(b"PK\x03\x04") or lower.endswith((".xlsx", ".xlsm")):
        rows = _xlsx_rows(content, max_rows=max_rows)
    elif content.startswith(b"\xd0\xcf\x11\xe0") or lower.endswith(".xls"):
        raise FileRejected(
            _("Old Excel files (.xls) are not supported; save the sheet as .xlsx or CSV.")
        )
    elif lower.endswith((".csv", ".txt")) or not re.search(r"\.\w+$", lower):
        rows = _csv_rows(content)
    else:
        raise FileRejected(_("Only CSV and Excel (.xlsx) files can be imported."))
    return _sheet(rows, max_rows=max_rows)


def decode_text(content: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK, Chinese Excel's CSV)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRejected(_("The file is neither UTF-8 nor GBK text; save it as CSV (UTF-8)."))


def _csv_rows(content: bytes):
    text = decode_text(content)
    if "\x00" in text:
        raise FileRejected(_("This is not a CSV text file."))
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as exc:
        raise FileRejected(_("The CSV file is malformed: %(error)s") % {"error": exc}) from exc


MAX_COLUMNS = 100
# An .xlsx is a zip: 0.4 MB can unpack into millions of rows. Its parts are measured
# before openpyxl reads anything (it loads the shared strings whole when it opens).
MAX_UNZIPPED_BYTES = 40 * 1024 * 1024
_COUNT = re.compile(rb'uniqueCount="(\d+)"')
_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"')


def _xlsx_precheck(content: bytes, *, max_rows: int) -> None:
    import zipfile

    too_big = FileRejected(
        _(
            "The Excel file unpacks into far more data than %(max)s rows; at most %(max)s rows can be imported at once."
        )
        % {"max": max_rows}
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as exc:
        raise FileRejected(_("The Excel file cannot be read; is it a valid .xlsx file?")) from exc
    with archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
            raise too_big
        names = set(archive.namelist())
        if "xl/sharedStrings.xml" in names:
            with archive.open("xl/sharedStrings.xml") as part:
                match = _COUNT.search(part.read(4096))
            if match and int(match.group(1)) > (max_rows + 100) * MAX_COLUMNS:
                raise too_big
        sheets = sorted(n for n in names if n.startswith("xl/worksheets/sheet"))
        if sheets:
            with archive.open(sheets[0]) as part:
                match = _DIMENSION.search(part.read(4096))
            if match and match.group(1) and int(match.group(1)) > max_rows + 100:
                raise too_big


def _xlsx_rows(content: bytes, *, max_rows: int):
    """The first sheet's cells; stops reading past the row limit (a small .xlsx can unpack
    into millions of rows), and ignores columns past MAX_COLUMNS."""
    from openpyxl import load_workbook

    _xlsx_precheck(content, max_rows=max_rows)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 (a broken zip or XML raises many kinds)
        raise FileRejected(_("The Excel file cannot be read; is it a valid .xlsx file?")) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            rows.append([_cell_text(v) for v in row])
            if len(rows) > max_rows + 100:  # a few blank rows may still drop out
                raise FileRejected(
                    _(
                        "The file has more than %(max)s rows; at most %(max)s can be imported at once."
                    )
                    % {"max": max_rows}
                )
        return rows
    except FileRejected:
        raise
    except Exception as exc:  # noqa: BLE001
        raise FileRejected(_("The Excel file cannot be read; is it a valid .xlsx file?")) from exc
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sheet(rows, *, max_rows: int) -> Sheet:
    numbered = [
        (line, [str(c).strip() for c in row])
        for line, row in enumerate(rows, start=1)
        if any(str(c).strip() for c in row)
    ]
    if not numbered:
        raise FileRejected(_("The file has no rows."))
    header_line, headers = numbered[0]
    data = numbered[1:]
    if not data:
        raise FileRejected(_("The file has a header row but no data rows."))
    if len(data) > max_rows:
        raise FileRejected(
            _("The file has %(count)s rows; at most %(max)s can be imported at once.")
            % {"count": len(data), "max": max_rows}
        )
    while headers and not headers[-1]:
        headers.pop()
    # Read-only openpyxl pads every row of an unsized sheet to MAX_COLUMNS: the sheet is
    # as wide as its last filled cell, not as its padding.
    width = max(len(headers), *(_filled_width(cells) for _line, cells in data))
    headers = headers + [""] * (width - len(headers))
    headers = [h or _("Column %(n)s") % {"n": i} for i, h in enumerate(headers, start=1)]
    return Sheet(
        headers=headers,
        rows=[(line, (cells + [""] * width)[:width]) for line, cells in data],
    )


def _filled_width(cells: list[str]) -> int:
    for index in range(len(cells) - 1, -1, -1):
        if cells[index]:
            return index + 1
    return 0


# --- Writing ------------------------------------------------------------------------


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_safe(value) -> str:
    """A CSV cell a spreadsheet shows as text: dangerous starts get an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if is_formula_like(text) else text


def unescape_cell(text: str) -> str:
    """Undo csv_safe on re-import: drop the apostrophe put before a dangerous start."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


class _Echo:
    def write(self, value):
        return value


def csv_stream(headers, rows):
    """Lines of a UTF-8 CSV with BOM (so Excel reads Chinese), cells neutralised."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([csv_safe(h) for h in headers])
    for row in rows:
        yield writer.writerow([csv_safe(v) for v in row])


def xlsx_write(target, headers, rows, *, title: str = "Sheet1") -> None:
    """A write-only workbook (constant memory) into the binary file `target`.

    Every string goes in as a string cell: openpyxl would otherwise store "=…" as a
    formula. Dangerous ones also get Excel's quote prefix, so editing keeps them text.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Sheet1")
    bold = Font(bold=True)

    def cell(value, header=False):
        if isinstance(value, date | int | float) and not isinstance(value, bool):
            c = WriteOnlyCell(sheet, value=value)
            if isinstance(value, date):
                c.number_format = "yyyy-mm-dd"
            return c
        text = "" if value is None else str(value)
        c = WriteOnlyCell(sheet, value=text)
        c.data_type = "s"
        if is_formula_like(text):
            c.quotePrefix = True
        if header:
            c.font = bold
        return c

    sheet.append([cell(h, header=True) for h in headers])
    for row in rows:
        sheet.append([cell(v) for v in row])
    workbook.save(target)
