from problems.charts import fishbone_svg, pareto_series, pareto_svg


def test_fishbone_svg_shows_script_in_a_cause_as_text():
    svg = fishbone_svg(
        effect='<b onload="x">卡纸</b>',
        bones=[("人", ["<script>alert(1)</script>"]), ("机", []), ("料", ["a & b"])],
    )
    assert svg.startswith("<svg")
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "<b " not in svg and "&lt;b onload=&quot;x&quot;&gt;" in svg
    assert "a &amp; b" in svg


def test_fishbone_svg_draws_six_bones_with_their_labels():
    labels = ["人", "机", "料", "法", "环", "测"]
    svg = fishbone_svg(effect="卡纸", bones=[(label, ["原因"]) for label in labels])
    for label in labels:
        assert f">{label}</text>" in svg


def test_pareto_series_sorts_descending_with_cumulative_share():
    series = pareto_series([("b", 2), ("a", 6), ("c", 0), ("d", 2)])
    assert [row[0] for row in series] == ["a", "b", "d"]
    assert series[0][2] == 0.6
    assert series[-1][2] == 1.0


def test_pareto_svg_has_bars_cumulative_line_and_80_percent_reference():
    svg = pareto_svg([("卡纸", 8), ("<i>蓝屏</i>", 2)])
    assert svg.count('class="bar"') == 2
    assert 'class="cumulative"' in svg
    assert 'class="reference"' in svg and "80%" in svg
    assert "<i>" not in svg and "&lt;i&gt;" in svg


def test_pareto_svg_with_no_data_is_still_an_svg():
    assert pareto_svg([]).startswith("<svg")
