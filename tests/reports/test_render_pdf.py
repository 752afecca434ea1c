"""The report PDF: Chinese and English text, page numbers, the embedded CJK font, tables
split across pages under a repeated header, the preliminary marker, escaping, speed."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from reports.definitions import Chart, Section, Series
from reports.pdf import _Widths, _wrap, render_pdf
from tests.reports.factories import HOSTILE, fault_types, sample_document, sample_section

needs_tools = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdffonts") and shutil.which("pdfinfo")),
    reason="needs poppler-utils",
)
needs_font = pytest.mark.skipif(
    not Path(settings.ITSM["PDF_FONT_PATH"]).is_file(), reason="CJK font not installed"
)
pytestmark = [needs_tools, needs_font]


def _pdf(tmp_path, document, language="zh-hans") -> Path:
    path = tmp_path / f"report-{language}.pdf"
    path.write_bytes(render_pdf(document, language=language))
    return path


def _pages(path: Path) -> list[str]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    count = int(
        next(line.split()[-1] for line in info.stdout.splitlines() if line.startswith("Pages:"))
    )
    return [
        subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in range(1, count + 1)
    ]


def test_chinese_pdf_has_title_figures_and_page_numbers(tmp_path):
    document = sample_document(title="Inspection report")  # a msgid the catalogue translates
    pages = _pages(_pdf(tmp_path, document))
    text = "\n".join(pages)
    assert "巡检报告" in pages[0]
    assert document.client_name in pages[0]
    assert "D0105" in pages[0] and "2026-09-01" in pages[0]
    # Figures as the page shows them: value, target, result in words, count of base.
    for expected in (
        "97.3 %",
        "≥ 100.0 %",
        "未达标",
        "146 / 150",
        "96.8 %",
        "达标",
        "3.5 小时",
        "¥12,345.50",
    ):
        assert expected in text, expected
    assert "目录" in pages[1]
    for number, page in enumerate(pages, 1):
        # pdftotext drops the narrow spaces between Chinese characters at random.
        assert f"第{number}页共{len(pages)}页" in page.replace(" ", "")


def test_cover_has_a_signoff_line_per_role(tmp_path):
    cover = _pages(_pdf(tmp_path, sample_document()))[0]
    assert "签字确认" in cover
    assert "报告人" in cover and "张工" in cover and "2026-10-02" in cover
    assert "服务主管" in cover  # no name yet: a blank line to sign on paper


def test_pdf_embeds_the_cjk_truetype_font(tmp_path):
    path = _pdf(tmp_path, sample_document())
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    truetype = [line.split() for line in fonts.stdout.splitlines() if "TrueType" in line]
    assert truetype, fonts.stdout
    for columns in truetype:
        # name type [type2] encoding emb sub uni object id
        emb = columns[-5]
        assert emb == "yes", fonts.stdout


def test_long_table_splits_across_pages_with_header_repeated(tmp_path):
    document = sample_document(sections=[sample_section(rows=300)])
    pages = _pages(_pdf(tmp_path, document))
    with_rows = [page for page in pages if "INC-2026-00" in page]
    assert len(with_rows) >= 5  # 300 rows do not fit on one page
    for page in with_rows:
        assert "工单编号" in page  # the header row heads every page of the table
    text = "\n".join(pages)
    assert "INC-2026-00000" in text and "INC-2026-00299" in text
    numbers = [
        line.split()[0]
        for page in with_rows
        for line in page.splitlines()
        if line.strip().startswith("INC-")
    ]
    assert len(numbers) == 300 and len(set(numbers)) == 300  # no row lost or doubled


def test_english_rendering(tmp_path):
    document = sample_document(title="Inspection report")
    pages = _pages(_pdf(tmp_path, document, "en"))
    text = "\n".join(pages)
    assert "Inspection report" in pages[0]
    assert "Contents" in pages[1]
    assert "Missed" in text and "146 of 150" in text and "3.5 h" in text
    assert f"Page 1 of {len(pages)}" in pages[0]
    assert "Appendix: definitions" in text
    assert "巡检报告" not in text


def test_preliminary_marker_on_every_page(tmp_path):
    pages = _pages(_pdf(tmp_path, sample_document(preliminary=True)))
    assert "报告期尚未结束时生成" in pages[0]
    assert all("预览" in page for page in pages)
    final = _pages(_pdf(tmp_path, sample_document(preliminary=False)))
    assert not any("预览" in page for page in final)


def test_user_text_with_markup_renders_literally(tmp_path):
    document = sample_document(
        sections=[sample_section(text="建议：增加备机 & <b>更换</b>\n" + HOSTILE)]
    )
    document.client_name = "A & B <i>局</i>"
    text = "\n".join(_pages(_pdf(tmp_path, document, "en")))
    assert "A & B <i>局</i>" in text
    assert "<script>alert('x')</script>" in text  # from the table and from the remarks
    assert "增加备机 & <b>更换</b>" in text


def test_appendix_lists_every_figure_definition(tmp_path):
    pages = _pages(_pdf(tmp_path, sample_document(), "en"))
    appendix = "\n".join(
        pages[[i for i, p in enumerate(pages) if "Appendix: definitions" in p][-1] :]
    )
    assert "Satisfied answers divided by answers." in appendix
    assert "No definition given." in appendix  # figures without one say so
    assert "Contract §6.2.1" in appendix  # where the target came from


def test_a_big_section_renders_whole(tmp_path):
    """10,000 table rows and 10 charts of 40 categories render (the time is measured by
    `manage.py reports_bench`, not here: speed goals live in the benchmark)."""
    section = sample_section(rows=10_000)
    kinds = ["bar", "line", "pie", "pareto"]
    section.charts = [
        Chart(f"c{i}", "Fault types", kinds[i % 4], fault_types(40), [Series("Orders", [(j * 13 + i) % 37 + 1 for j in range(40)])])
        for i in range(10)
    ]  # fmt: skip
    document = sample_document(sections=[section])
    data = render_pdf(document, language="zh-hans")
    (tmp_path / "big.pdf").write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-l", "2", str(tmp_path / "big.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert "第1页共" in text.replace(" ", "")


def test_wrap_breaks_chinese_anywhere_and_english_between_words():
    from itsm.pdf import cjk_font

    measure = _Widths(cjk_font(), 8)
    lines = _wrap("打印机卡纸无法打印，请尽快处理打印机卡纸无法打印", 60, measure)
    assert len(lines) > 1 and all(measure(line) <= 60 for line in lines)
    assert "".join(lines) == "打印机卡纸无法打印，请尽快处理打印机卡纸无法打印"
    words = _wrap("Outlook cannot send mail to the printer", 70, measure)
    assert all(measure(line) <= 70 for line in words)
    assert " ".join(words).split() == "Outlook cannot send mail to the printer".split()
    long = _wrap("x" * 200, 50, measure)
    assert all(measure(line) <= 50 for line in long) and "".join(long) == "x" * 200


def test_odd_content_renders(tmp_path):
    """Empty tables, a chart without data, text values, a cell longer than a page, a
    section with nothing in it and no sign-offs: a PDF that says so, never an error."""
    section = sample_section(rows=2)
    section.tables[1].rows = []
    section.tables[0].rows[1][1] = "很长的描述" * 2000  # taller than a page when wrapped
    section.figures[3].value = "n/a"
    section.charts[0].series[0].values = [None] * 12
    document = sample_document(sections=[section, Section("empty", "Nothing here")])
    document.signoffs = []
    pages = _pages(_pdf(tmp_path, document, "en"))
    text = "\n".join(pages)
    assert "No records." in text and "No data" in text and "n/a" in text
    assert "Nothing here" in text and "Sign-off" not in pages[0]
