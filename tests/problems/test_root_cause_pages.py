"""Issue 16 item 14: the Pareto form's dates are accepted by the browser's date input, its
x-axis labels never overlap, the fishbone's causes are readable and stay apart, and
fishbone edits show in the problem's history."""

import math
import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from problems import charts, services
from problems.choices import FishboneCategory

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date_values(body: str) -> dict:
    return dict(re.findall(r'<input type="date" name="(\w+)" value="([^"]*)"', body))


def test_pareto_dates_are_iso_on_the_chinese_page_and_submit_as_they_are(client, supervisor):
    client.force_login(supervisor)
    client.cookies["django_language"] = "zh-hans"
    with translation.override("zh-hans"):
        body = client.get(reverse("problems:pareto")).content.decode()
        values = _date_values(body)
        assert set(values) == {"since", "until"}
        assert all(ISO.match(value) for value in values.values()), values
        # What the browser sends back is what it was given: the form takes it.
        again = client.get(reverse("problems:pareto"), {**values, "basis": "category"})
        assert again.context["form"].is_valid()
        assert _date_values(again.content.decode()) == values


def test_a_slashed_date_typed_by_hand_is_still_read():
    from problems.forms import ParetoForm

    with translation.override("zh-hans"):
        form = ParetoForm({"since": "2026/09/06", "until": "2026-09-30", "basis": "category"})
        assert form.is_valid() and form.cleaned_data["since"] == date(2026, 9, 6)


def _labels(svg: str):
    """(x, y, angle, text) of each x-axis label."""
    pattern = re.compile(
        r'<text class="axis-label" x="([\d.]+)" y="([\d.]+)"[^>]*rotate\(-(\d+) [^>]*>'
        r"<title>[^<]*</title>([^<]*)</text>"
    )
    return [(float(x), float(y), int(a), text) for x, y, a, text in pattern.findall(svg)]


@pytest.mark.parametrize("count", [5, 20, 40, 90])
def test_pareto_axis_labels_never_overlap(count):
    data = [(f"应用软件类别{n:02d}无法登录", count + 1 - n) for n in range(count)]
    svg = charts.pareto_svg(data)
    height = float(re.search(r'viewBox="0 0 [\d.]+ ([\d.]+)"', svg).group(1))
    labels = _labels(svg)
    assert len(labels) == count
    for (x1, _, angle, _), (x2, _, _, _) in zip(labels, labels[1:], strict=False):
        # Parallel labels: the distance across their baselines is the spacing × sin(angle).
        assert (x2 - x1) * math.sin(math.radians(angle)) >= charts.LABEL_FONT + 1
    for _, y, angle, text in labels:  # and each fits below the axis
        assert y + len(text) * charts.LABEL_FONT * math.sin(math.radians(angle)) <= height


def test_fishbone_causes_are_readable_and_stay_clear_of_the_next_bone():
    long_cause = "机房空调故障导致温度过高，服务器频繁自动重启并丢失数据"
    bones = [(label, [long_cause] * 4) for _, label in FishboneCategory.choices]
    svg = charts.fishbone_svg(effect="服务器频繁重启", bones=bones)
    font = int(re.search(r'class="fishbone"[^>]*font-size="(\d+)"', svg).group(1))
    assert font >= 14
    width = 960
    step = (width - 190 - 10 - 40) / 3
    shown = re.findall(r"<title>" + re.escape(long_cause) + r"</title>([^<]*)</text>", svg)
    assert shown and all(len(text) * font <= step - 4 for text in shown)
    assert "min-width" in svg  # scrolls on a phone instead of shrinking to specks


def test_fishbone_edits_show_in_the_problem_history(client, supervisor):
    problem = services.problem_create(actor=supervisor, title="打印机反复卡纸")
    cause = services.fishbone_cause_add(
        problem=problem, actor=supervisor, category="machine", text="搓纸轮老化"
    )
    services.fishbone_cause_add(
        problem=problem, actor=supervisor, category="method", text="<b>纸张受潮</b>"
    )
    services.fishbone_cause_remove(cause=cause, actor=supervisor)
    client.force_login(supervisor)
    body = client.get(problem.get_absolute_url()).content.decode()
    timeline = body[body.index("History") if "History" in body else 0 :]
    assert "+ Machine (机): 搓纸轮老化" in timeline
    assert "− Machine (机): 搓纸轮老化" in timeline
    assert "&lt;b&gt;纸张受潮&lt;/b&gt;" in timeline and "<b>纸张受潮" not in body
    assert "fishbone causes" in timeline
