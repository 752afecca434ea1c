"""A small .xlsx that unpacks into millions of rows is refused before it is read."""

import io
import zipfile

import pytest

from cmdb.tabular import FileRejected, read_sheet

CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)


def _xlsx(sheet_xml: bytes, shared: bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if shared is not None:
            archive.writestr("xl/sharedStrings.xml", shared)
    return buffer.getvalue()


def test_a_sheet_that_unpacks_past_the_limit_is_refused_unread():
    row = b'<row><c t="inlineStr"><is><t>PC-0001</t></is></c></row>'
    sheet = b"<worksheet><sheetData>" + row * 1_000_000 + b"</sheetData></worksheet>"
    content = _xlsx(sheet)
    assert len(content) < 1024 * 1024  # small on disk
    with pytest.raises(FileRejected, match="5000"):
        read_sheet("资产.xlsx", content, max_rows=5000)


def test_a_declared_dimension_past_the_limit_is_refused():
    sheet = b'<worksheet><dimension ref="A1:C3000000"/><sheetData></sheetData></worksheet>'
    with pytest.raises(FileRejected):
        read_sheet("资产.xlsx", _xlsx(sheet), max_rows=5000)


def test_too_many_shared_strings_are_refused():
    shared = b'<sst count="3000000" uniqueCount="3000000"></sst>'
    sheet = b"<worksheet><sheetData></sheetData></worksheet>"
    with pytest.raises(FileRejected):
        read_sheet("资产.xlsx", _xlsx(sheet, shared), max_rows=5000)
