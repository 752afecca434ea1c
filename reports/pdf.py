"""A report version as PDF (reportlab platypus): cover with sign-off lines, contents,
one chapter per section (figures, charts, tables, notes, free text), an appendix with
every figure's definition, "第 x 页 共 y 页" on every page, the CJK TrueType font embedded.

User and data text goes into Paragraphs xml-escaped, or into table cells as plain strings
(which reportlab never parses as markup). Big tables (thousands of rows) are wrapped once
into lines by `_wrap` and cut into one small Table per page by `_PagedTable`: reportlab's
own Table re-measures every remaining row at each page break, which is quadratic (4.8 s
for one 10,000-row table) and would run again on each pass of multiBuild.
"""

from __future__ import annotations

import io
import unicodedata
from bisect import bisect_right
from itertools import accumulate
from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import registerFontFamily, stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from itsm.pdf import cjk_font

from . import formatting as fmt
from .charts import chart_drawing
from .definitions import Document, Figure, Section

MARGIN = 18 * mm
PAGE_W, PAGE_H = A4
FRAME_W = PAGE_W - 2 * MARGIN
CELL_SIZE = 8.0
CELL_LEADING = 10.0
CELL_PAD = 2.5
MAX_CELL_LINES = 30  # a cell taller than this is cut: a row must fit on one page
RED = colors.HexColor("#b02a37")
GREEN = colors.HexColor("#146c43")
HEADER_BG = colors.HexColor("#e9ecef")
RULE = colors.HexColor("#adb5bd")
NUMERIC = {"count", "percent", "hours", "minutes", "days", "money", "rating"}


def render_pdf(document: Document, *, language: str) -> bytes:
    """The PDF of `document` in `language` ("zh-hans", "en")."""
    with translation.override(language):
        return _Renderer(document).build()


def _p(text: str) -> str:
    """Plain text for Paragraph markup: escaped, line breaks kept."""
    return escape(str(text)).replace("\n", "<br/>")


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


class _Widths:
    """Character widths of one font at one size, memoised: wrapping thousands of cells
    measures each character once instead of re-measuring every growing line."""

    def __init__(self, font: str, size: float):
        self.font, self.size, self.known = font, size, {}

    def __call__(self, text: str) -> float:
        known, total = self.known, 0.0
        for char in text:
            width = known.get(char)
            if width is None:
                width = known[char] = stringWidth(char, self.font, self.size)
            total += width
        return total


def _wrap(text: str, width: float, measure: _Widths) -> list[str]:
    """Lines of `text` no wider than `width`: breaks between words and between any two
    Chinese characters; a word longer than the line is cut."""
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        if measure(paragraph) <= width:
            lines.append(paragraph)
            continue
        tokens, word = [], ""
        for char in paragraph:
            if char == " " or _is_wide(char):
                if word:
                    tokens.append(word)
                tokens.append(char)
                word = ""
            else:
                word += char
        if word:
            tokens.append(word)
        line, used = "", 0.0
        for token in tokens:
            size = measure(token)
            if used + size <= width:
                line, used = line + token, used + size
                continue
            if line.strip():
                lines.append(line.rstrip())
            if token == " ":  # noqa: S105 (a space, not a secret)
                line, used = "", 0.0
                continue
            while size > width and len(token) > 1:
                cut, part = 0, 0.0
                while cut < len(token) - 1 and part + measure(token[cut]) <= width:
                    part += measure(token[cut])
                    cut += 1
                lines.append(token[: max(cut, 1)])
                token = token[max(cut, 1) :]
                size = measure(token)
            line, used = token, size
        if line.strip() or not lines:
            lines.append(line.rstrip())
    if len(lines) > MAX_CELL_LINES:
        lines = lines[: MAX_CELL_LINES - 1] + [lines[MAX_CELL_LINES - 1] + " …"]
    return lines


def _column_widths(header: list[str], rows: list[list[str]], numeric: list[bool], measure: _Widths):
    """Widths that fill the frame: numbers and short columns get what they need (from the
    header and a sample of rows), text columns share the rest by their natural width."""
    sample = rows[:300]
    natural = []
    for c, title in enumerate(header):
        cells = [measure(r[c]) for r in sample if r[c]]
        # Long headers may wrap to two lines, so they count for half their width; a short
        # one (a number column's "Count") keeps its word whole.
        head = measure(title)
        natural.append(max([head if head <= 60 else head / 2, *cells, 16]) + 2 * CELL_PAD + 1)
    if sum(natural) <= FRAME_W:
        # Spare width goes to the text columns, where it saves wrapped lines.
        wide = [c for c in range(len(natural)) if not numeric[c]] or list(range(len(natural)))
        extra = (FRAME_W - sum(natural)) / len(wide)
        return [w + (extra if c in wide else 0) for c, w in enumerate(natural)]
    fixed = {c for c, w in enumerate(natural) if numeric[c] or w <= FRAME_W / len(natural) / 1.5}
    rest = FRAME_W - sum(natural[c] for c in fixed)
    flexible = [c for c in range(len(natural)) if c not in fixed]
    if not flexible or rest < 40 * len(flexible):
        share = FRAME_W / sum(natural)
        return [w * share for w in natural]
    total = sum(natural[c] for c in flexible)
    return [
        natural[c] if c in fixed else max(40, rest * natural[c] / total)
        for c in range(len(natural))
    ]


class _PagedTable(Flowable):
    """A table whose rows are wrapped once and measured once; each page draws the rows that
    fit under a repeated header row, as one text object (no Table per cell: reportlab
    here has no C accelerator, and per-cell drawString dominated the time)."""

    def __init__(self, header, rows, numeric, font, *, start=0, end=None, prepared=None):
        super().__init__()
        if prepared is None:
            measure = _Widths(font, CELL_SIZE)
            widths = _column_widths(header, rows, numeric, measure)
            inner = [w - 2 * CELL_PAD for w in widths]

            def lines(row):
                return [
                    [cell] if len(cell) * CELL_SIZE <= inner[c] else _wrap(cell, inner[c], measure)
                    for c, cell in enumerate(row)
                ]  # fmt: skip

            def height(cells):
                return max(len(cell) for cell in cells) * CELL_LEADING + 2 * CELL_PAD

            head = lines(header)
            body = [lines(r) for r in rows]
            heights = [height(r) for r in body]
            offsets = [0, *accumulate(heights)]
            prepared = (widths, head, height(head), body, heights, offsets, numeric, measure)
        self.prepared = prepared
        self.start, self.end = start, len(prepared[3]) if end is None else end

    def wrap(self, available_width, available_height):
        widths, _h, head_height, _b, _hs, offsets, _n, _f = self.prepared
        self.width = sum(widths)
        self.height = head_height + offsets[self.end] - offsets[self.start]
        return self.width, self.height

    def split(self, available_width, available_height):
        offsets = self.prepared[5]
        room = available_height - self.prepared[2] + offsets[self.start]
        end = min(bisect_right(offsets, room) - 1, self.end)
        if end <= self.start:
            return []  # not even one row fits here: the whole table moves on
        return [
            _PagedTable(None, None, None, None, start=self.start, end=end, prepared=self.prepared),
            _PagedTable(None, None, None, None, start=end, end=self.end, prepared=self.prepared),
        ]

    def draw(self):
        canvas = self.canv
        if getattr(canvas, "dry", False):
            return  # a layout pass: only the page breaks matter
        widths, head, head_height, body, heights, _offsets, numeric, measure = self.prepared
        edges = [0, *accumulate(widths)]
        canvas.saveState()
        canvas.setFillColor(HEADER_BG)
        canvas.rect(0, self.height - head_height, self.width, head_height, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        text = canvas.beginText(0, 0)
        text.setFont(measure.font, CELL_SIZE, CELL_LEADING)
        top, rules = self.height, [(0, self.height, self.width, self.height)]
        at_x = at_y = 0.0  # relative moves (Td) write a third of the numbers of Tm
        rows = [(head, head_height)] + [
            (cells, h)
            for cells, h in zip(
                body[self.start : self.end], heights[self.start : self.end], strict=True
            )
        ]
        for cells, h in rows:
            for c, lines in enumerate(cells):
                right = numeric[c]
                for k, line in enumerate(lines):
                    if not line:
                        continue
                    x = edges[c + 1] - CELL_PAD - measure(line) if right else edges[c] + CELL_PAD
                    y = top - CELL_PAD - CELL_SIZE * 0.88 - k * CELL_LEADING
                    text.moveCursor(x - at_x, at_y - y)
                    at_x, at_y = x, y
                    text.textOut(line)
            top -= h
            rules.append((0, top, self.width, top))
        canvas.drawText(text)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.25)
        canvas.lines(rules)
        canvas.restoreState()


class _Chart(Flowable):
    """A chart drawing that layout passes only measure."""

    def __init__(self, drawing):
        super().__init__()
        self.drawing = drawing

    def wrap(self, available_width, available_height):
        self.width, self.height = self.drawing.wrap(available_width, available_height)
        return self.width, self.height

    def draw(self):
        if not getattr(self.canv, "dry", False):
            self.drawing.drawOn(self.canv, 0, 0)


def _canvas_class(footer: str, watermark: str, header: str, *, dry: bool):
    """A canvas that holds every page until the end, so each page can say 'of y'. A dry
    canvas is for layout passes: big tables skip drawing and nothing is written."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            if dry:
                return
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total):
            font = cjk_font()
            page = self._pageNumber
            self.saveState()
            self.setFont(font, 8)
            self.setFillColor(colors.HexColor("#6c757d"))
            line = footer % {"page": page, "total": total}
            # Also in plain text: the diagonal watermark is not extracted by text tools.
            self.drawCentredString(
                PAGE_W / 2, MARGIN / 2, f"{watermark} · {line}" if watermark else line
            )
            if page > 1:
                self.drawString(MARGIN, PAGE_H - MARGIN / 2 - 4, header)
                self.setStrokeColor(RULE)
                self.setLineWidth(0.3)
                self.line(MARGIN, PAGE_H - MARGIN / 2 - 7, PAGE_W - MARGIN, PAGE_H - MARGIN / 2 - 7)
            if watermark:
                self.setFillColor(RED)
                self.setFillAlpha(0.12)
                self.setFont(font, 54)
                self.translate(PAGE_W / 2, PAGE_H / 2)
                self.rotate(40)
                self.drawCentredString(0, 0, watermark)
            self.restoreState()

    NumberedCanvas.dry = dry
    return NumberedCanvas


class _Doc(BaseDocTemplate):
    def afterFlowable(self, flowable):
        level = getattr(flowable, "toc_level", None)
        if level is None:
            return
        text = flowable.getPlainText()
        key = f"h{self.seq.nextf('heading')}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(text, key, level=level, closed=level > 0)
        self.notify("TOCEntry", (level, text, self.page, key))


class _Renderer:
    def __init__(self, document: Document):
        self.document = document
        self.font = font = cjk_font()
        # <b> in a Paragraph needs a bold face; the CJK font has one weight.
        registerFontFamily(font, normal=font, bold=font, italic=font, boldItalic=font)
        base = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=13, wordWrap="CJK")
        self.styles = {
            "body": base,
            "small": ParagraphStyle("small", base, fontSize=8, leading=10.5, textColor="#495057"),
            "cell": ParagraphStyle("cell", base, fontSize=CELL_SIZE, leading=CELL_LEADING),
            "h1": ParagraphStyle("h1", base, fontSize=15, leading=20, spaceBefore=4, spaceAfter=8),
            "h2": ParagraphStyle("h2", base, fontSize=11.5, leading=15, spaceBefore=10, spaceAfter=4),
            "title": ParagraphStyle("title", base, fontSize=22, leading=30, alignment=TA_CENTER),
            "cover": ParagraphStyle("cover", base, fontSize=13, leading=20, alignment=TA_CENTER),
            "banner": ParagraphStyle(
                "banner", base, fontSize=12, leading=17, alignment=TA_CENTER, textColor=RED,
                borderColor=RED, borderWidth=1, borderPadding=6,
            ),
        }  # fmt: skip
        self.title = fmt.text(document.title)
        self.prepared = {}

    def heading(self, text: str, level: int) -> Paragraph:
        paragraph = Paragraph(_p(text), self.styles["h1" if level == 0 else "h2"])
        paragraph.toc_level = level
        return paragraph

    def build(self) -> bytes:
        d = self.document
        buffer = io.BytesIO()
        doc = _Doc(
            buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
            bottomMargin=MARGIN, title=f"{self.title} {d.period_slug}", author=d.client_name,
            subject=d.form_number, creator="ITSM",
        )  # fmt: skip
        frame = Frame(
            MARGIN, MARGIN, FRAME_W, PAGE_H - 2 * MARGIN, id="body",
            leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
        )  # fmt: skip
        doc.addPageTemplates([PageTemplate("cover", [frame]), PageTemplate("body", [frame])])
        toc = TableOfContents(dotsMinLevel=0)
        toc.levelStyles = [
            ParagraphStyle("toc0", self.styles["body"], fontSize=11, leading=16, leftIndent=0),
            ParagraphStyle("toc1", self.styles["body"], fontSize=9.5, leading=13, leftIndent=14),
        ]
        footer = _("Page %(page)s of %(total)s")
        watermark = _("PRELIMINARY") if d.preliminary else ""
        header = f"{d.client_name} · {self.title} · {d.period_slug}"
        # Layout passes until the contents' page numbers settle, then one pass that draws
        # (the contents keep the entries of the last layout pass).
        # A fresh story for the last pass: platypus leaves marks on flowables it moved.
        doc.multiBuild(
            self.story(toc), canvasmaker=_canvas_class(footer, watermark, header, dry=True)
        )
        doc._doSave = 1  # multiBuild leaves it off
        doc.build(self.story(toc), canvasmaker=_canvas_class(footer, watermark, header, dry=False))
        return buffer.getvalue()

    def story(self, toc) -> list:
        story = self.cover() + [NextPageTemplate("body"), PageBreak()]
        story += [Paragraph(_p(_("Contents")), self.styles["h1"]), toc, PageBreak()]
        for number, section in enumerate(self.document.sections, 1):
            story += self.section(number, section)
        return story + self.appendix()

    def paged_table(self, key, table) -> _PagedTable:
        """The table's wrapped rows, prepared once for all passes."""
        if key in self.prepared:
            return _PagedTable(None, None, None, None, prepared=self.prepared[key])
        header = [fmt.text(c.label) for c in table.columns]
        rows = [
            [
                fmt.value(cell, col.unit) if cell is not None else ""
                for cell, col in zip(row, table.columns, strict=False)
            ]
            for row in table.rows
        ]
        numeric = [c.unit in NUMERIC for c in table.columns]
        flowable = _PagedTable(header, rows, numeric, self.font)
        self.prepared[key] = flowable.prepared
        return flowable

    def cover(self) -> list:
        d, s = self.document, self.styles
        out = [
            Spacer(1, 40 * mm),
            Paragraph(_p(d.client_name), s["cover"]),
            Spacer(1, 6 * mm),
            Paragraph(_p(self.title), s["title"]),
            Spacer(1, 14 * mm),
        ]
        if d.preliminary:
            out += [
                Paragraph(
                    _p(
                        _(
                            "PRELIMINARY: generated before the period closed; figures may still change."
                        )
                    ),
                    s["banner"],
                ),
                Spacer(1, 10 * mm),
            ]
        period = f"{d.period_slug} ({d.period_start} – {d.period_end})"
        rows = [
            (_("Form number"), d.form_number),
            (_("Reporting period"), period),
            (_("Version"), str(d.version)),
            (_("Status"), fmt.text(d.status)),
            (_("Generated at"), d.generated_at[:16].replace("T", " ")),
        ]
        info = Table(
            [[Paragraph(_p(k), s["body"]), Paragraph(_p(v), s["body"])] for k, v in rows],
            colWidths=[40 * mm, 90 * mm],
        )
        info.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE)]))
        out += [info, Spacer(1, 18 * mm)]
        if d.signoffs:
            head = [_("Role"), _("Signed by"), _("Handwritten signature"), _("Date")]
            data = [[Paragraph(_p(h), s["small"]) for h in head]]
            for signoff in d.signoffs:
                data.append(
                    [
                        Paragraph(_p(fmt.text(signoff.role)), s["body"]),
                        Paragraph(_p(signoff.name), s["body"]),
                        "",
                        Paragraph(_p(signoff.at[:10]), s["body"]),
                    ]
                )
            table = Table(
                data,
                colWidths=[45 * mm, 40 * mm, 50 * mm, 35 * mm],
                rowHeights=[16] + [30] * len(d.signoffs),
            )
            # Blank lines to sign on paper: a rule under the name, signature and date cells.
            table.setStyle(
                TableStyle(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                        ("LINEBELOW", (1, 1), (-1, -1), 0.6, colors.black),
                        ("LINEBELOW", (0, 0), (-1, 0), 0.25, RULE),
                    ]
                )
            )
            out += [KeepTogether([Paragraph(_p(_("Sign-off")), s["h2"]), table])]
        return out

    def section(self, number: int, section: Section) -> list:
        s = self.styles
        out = [self.heading(f"{number}. {fmt.text(section.title)}", 0)]
        if section.figures:
            out.append(self.figure_table(section.figures))
        for chart in section.charts:
            if (number, chart.key) not in self.prepared:
                self.prepared[number, chart.key] = chart_drawing(chart, width=FRAME_W, height=210)
            out += [Spacer(1, 4 * mm), _Chart(self.prepared[number, chart.key])]
        for index, table in enumerate(section.tables):
            out += [
                CondPageBreak(60 * mm),
                self.heading(fmt.text(table.title, table.title_args), 1),
            ]
            if table.definition:
                out.append(Paragraph(_p(fmt.text(table.definition)), s["small"]))
            if not table.rows:
                out.append(Paragraph(_p(_("No records.")), s["body"]))
                continue
            out += [Spacer(1, 2 * mm), self.paged_table((number, index), table)]
        if section.notes:
            out.append(Paragraph(_p(_("Notes")), s["h2"]))
            out += [Paragraph("• " + _p(fmt.text(note)), s["small"]) for note in section.notes]
        if section.text.strip():
            out += [Paragraph(_p(_("Remarks")), s["h2"]), Paragraph(_p(section.text), s["body"])]
        out.append(PageBreak())
        return out

    def figure_table(self, figures: list[Figure]) -> Table:
        s = self.styles
        head = [_("Figure"), _("Value"), _("Target"), _("Result"), _("Count / base")]
        data = [[Paragraph(_p(h), s["cell"]) for h in head]]
        style = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ]
        for figure in figures:
            met = figure.met
            colour = "#b02a37" if met is False else ("#146c43" if met else None)
            value = _p(fmt.value(figure.value, figure.unit))
            result = _p(fmt.met(met))  # the word, not the colour alone, says missed
            if colour:
                value = f'<font color="{colour}">{value}</font>'
                result = f'<font color="{colour}">{result}</font>'
            data.append(
                [
                    Paragraph(_p(fmt.text(figure.label, figure.label_args)), s["cell"]),
                    Paragraph(value, s["cell"]),
                    Paragraph(_p(fmt.target(figure.target, figure.unit)), s["cell"]),
                    Paragraph(result, s["cell"]),
                    Paragraph(_p(fmt.count_of_base(figure.count, figure.base)), s["cell"]),
                ]
            )
        widths = [FRAME_W * w for w in (0.38, 0.16, 0.18, 0.1, 0.18)]
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle(style))
        return table

    def appendix(self) -> list:
        s = self.styles
        out = [self.heading(_("Appendix: definitions"), 0)]
        for section in self.document.sections:
            out.append(self.heading(fmt.text(section.title), 1))
            for figure in section.figures:
                label = _p(fmt.text(figure.label, figure.label_args))
                definition = (
                    _p(fmt.text(figure.definition))
                    if figure.definition
                    else _p(_("No definition given."))
                )
                line = f"<b>{label}</b>: {definition}"
                if figure.target:
                    target = fmt.target(figure.target, figure.unit)
                    source = f" ({fmt.text(figure.target.source)})" if figure.target.source else ""
                    line += "<br/>" + _p(_("Target: %(target)s") % {"target": target + source})
                out.append(Paragraph(line, s["body"]))
                out.append(Spacer(1, 2))
            for table in section.tables:
                if table.definition:
                    title = _p(fmt.text(table.title, table.title_args))
                    out.append(
                        Paragraph(f"<b>{title}</b>: {_p(fmt.text(table.definition))}", s["body"])
                    )
        return out
