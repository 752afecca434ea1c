"""CSV of one table and the xlsx workbook of a whole report."""

import csv
import io

import openpyxl
from django.utils import translation

from reports.definitions import Column, Table
from reports.exports import _sheet_name, document_xlsx, table_csv
from tests.reports.factories import HOSTILE, sample_document, sample_section


def test_table_csv_translates_headers_and_neutralises_formulas():
    table = sample_section().tables[0]
    table.rows.append(["+cmd|' /C calc'!A0", "@SUM(1)", "-2+3", 1.0, None])
    with translation.override("zh-hans"):
        text = table_csv(table)
    assert text.startswith("\ufeff")  # Excel reads the Chinese
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == [
        "工单编号",
        "标题",
        "处室",
        "耗时（小时）",
        "占比 (%)",
    ]  # "Share" is translated now
    assert rows[1][1] == HOSTILE  # CSV is data: no HTML escaping, but kept whole
    assert rows[2][1] == "'=1+1"
    assert rows[-1][:3] == ["'+cmd|' /C calc'!A0", "'@SUM(1)", "'-2+3"]
    assert rows[-1][4] == ""  # a missing value stays empty
    assert [r[4] for r in rows[1:4]] == ["0.0", "10.0", "20.0"]  # percentages, not ratios
    assert rows[1][3] == "1.5"  # numbers stay numbers


def test_table_csv_in_english():
    with translation.override("en"):
        header = table_csv(sample_section().tables[0]).splitlines()[0]
    assert header.lstrip("\ufeff").startswith("Work order number,Title")


def _workbook(document, language="zh-hans"):
    return openpyxl.load_workbook(io.BytesIO(document_xlsx(document, language=language)))


def test_xlsx_has_figures_and_one_sheet_per_table():
    workbook = _workbook(sample_document())
    assert workbook.sheetnames[0] == "统计数据"
    assert len(workbook.sheetnames) == 3
    figures = workbook["统计数据"]
    header = [c.value for c in figures[1]]
    assert header[:3] == ["章节", "指标", "数值"] and header[-1] == "定义"
    assert figures.freeze_panes == "A2" and figures["A1"].font.bold
    response = next(row for row in figures.iter_rows(min_row=2) if row[1].value == "响应率")
    value, shown, target, result, count, base, definition = (c for c in response[2:])
    assert value.value == 0.9733 and value.number_format == "0.0%"
    assert shown.value == "97.3 %" and target.value == "≥ 100.0 %" and result.value == "未达标"
    assert (count.value, base.value) == (146, 150)
    assert "business time" in definition.value


def test_xlsx_tables_keep_numbers_and_neutralise_formulas():
    workbook = _workbook(sample_document())
    sheet = workbook.worksheets[1]
    assert sheet.freeze_panes == "A2" and sheet["A1"].value == "工单编号" and sheet["A1"].font.bold
    assert sheet["B2"].value == HOSTILE
    formula = sheet["B3"]
    assert formula.value == "=1+1" and formula.data_type == "s"  # text, never computed
    assert sheet["D2"].value == 1.5 and sheet["E3"].value == 0.1
    assert sheet["E3"].number_format == "0.0%"


def test_sheet_names_are_valid_and_unique():
    long_title = "Breaches by level / department [all]: a title far longer than Excel allows"
    section = sample_section()
    section.tables = [
        Table("a", long_title, [Column("x", "X")], [["1"]]),
        Table("b", long_title, [Column("x", "X")], [["2"]]),
        Table("c", "Figures", [Column("x", "X")], [["3"]]),
    ]
    workbook = _workbook(sample_document(sections=[section]), "en")
    names = workbook.sheetnames
    assert len(names) == len({n.lower() for n in names}) == 4
    for name in names:
        assert len(name) <= 31 and not set(name) & set("[]:*?/\\")
    assert names[1] != names[2] and names[3] != "Figures"


def test_sheet_name_helper():
    taken: set[str] = set()
    assert _sheet_name("a/b", taken) == "a b"
    assert _sheet_name("A B", taken) == "A B (2)"
    assert _sheet_name("", taken) == "Sheet"
