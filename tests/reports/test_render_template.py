"""templates/reports/_section.html and the report_tags filters."""

import re

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

from reports.definitions import Figure, Section
from reports.templatetags import report_tags
from tests.reports.factories import sample_section


def _render(section, **context):
    with translation.override(context.pop("language", "zh-hans")):
        return render_to_string("reports/_section.html", {"section": section, **context})


@pytest.mark.django_db
def test_section_renders_without_queries(django_assert_num_queries):
    section = sample_section(rows=50, text="建议增加备机。")
    with django_assert_num_queries(0):
        html = _render(section, drill_base="/reports/drill/")
    assert html.count("INC-2026-") == 50


def test_figures_show_value_target_result_in_words_and_drill_links():
    html = _render(sample_section(), drill_base="/reports/drill/")
    row = re.search(r'<tr id="figure-service.response_rate">(.*?)</tr>', html, re.S).group(1)
    assert "响应率" in row and "97.3 %" in row and "≥ 100.0 %" in row
    assert (
        "text-danger" in row and "未达标" in row and "bi-x-circle-fill" in row
    )  # not colour alone
    assert (
        'href="/reports/drill/service.response_missed/?start=2026-09-01&amp;end=2026-09-30"' in row
    )
    assert 'href="/reports/drill/service.received/?start=2026-09-01"' in row and "146 / 150" in row
    assert "<details" in row and "business time" in row  # the definition on the page
    met = re.search(r'<tr id="figure-service.satisfaction">(.*?)</tr>', html, re.S).group(1)
    assert "text-success" in met and "达标" in met and "未达标" not in met
    assert "Contract §6.2.1" in row


def test_no_drill_links_without_a_drill_base():
    html = _render(sample_section())
    assert "/reports/drill/" not in html and "<a " not in html


def test_tables_are_responsive_and_referenced_by_their_charts():
    html = _render(sample_section(), language="en")
    assert 'id="table-service.breaches"' in html and 'id="table-service.fault_types"' in html
    assert 'aria-describedby="table-service.fault_types"' in html  # the Pareto's data
    assert html.count('class="table-responsive"') == html.count("<table")
    assert html.count("<svg") == 8  # each chart laid out wide and narrow
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_user_text_is_escaped_with_line_breaks():
    html = _render(sample_section(text="第一行\n<script>alert(1)</script> & more"))
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html
    assert "第一行<br>" in html
    # The hostile table cell too.
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_empty_table_says_no_records():
    section = sample_section()
    section.tables[0].rows = []
    assert "无记录。" in _render(section)


def test_report_text_translates_then_interpolates():
    with translation.override("zh-hans"):
        assert report_tags.report_text("Response rate") == "响应率"
        assert report_tags.report_text("Target: %(target)s", {"target": "≥ 95 %"}) == "目标：≥ 95 %"
        assert report_tags.report_text("财务处") == "财务处"  # data stays as it is
        assert report_tags.report_text("") == ""


def test_values_by_unit():
    with translation.override("en"):
        cases = {
            (0.9731, "percent"): "97.3 %",
            (3.46, "hours"): "3.5 h",
            (12345.5, "money"): "¥12,345.50",
            (4.625, "rating"): "4.62",
            (1520, "count"): "1,520",
            (None, "percent"): "—",
            ("n/a", "text"): "n/a",
        }
        for (value, unit), expected in cases.items():
            assert report_tags.report_value(value, unit) == expected


def test_figure_met_classes():
    section = Section("s", "t", figures=sample_section().figures)
    missed, met, _between, plain = section.figures[:4]
    assert "text-danger" in report_tags.figure_met(missed)
    assert report_tags.figure_met(met) == "text-success"
    assert report_tags.figure_met(plain) == ""
    assert report_tags.figure_met(Figure("x", "x", None)) == ""


def test_report_chart_tag_renders_svg():
    chart = sample_section().charts[0]
    html = Template("{% load report_tags %}{% report_chart chart %}").render(
        Context({"chart": chart})
    )
    assert html.count("<svg") == 2 and html.count('role="img"') == 2
    assert 'class="d-none d-md-block"><svg' in html and 'class="d-md-none"><svg' in html
    assert 'viewBox="0 0 360 300"' in html
