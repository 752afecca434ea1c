"""Root-cause charts as pure functions: a fishbone and a Pareto chart.

SVG strings for the pages (every text escaped here, so a cause typed as `<script>` shows
as text). No database.
"""

import math
from collections.abc import Sequence
from html import escape

PARETO_REFERENCE = 0.8


def _t(text) -> str:
    return escape(str(text), quote=True)


def _name(label: str, described_by: str) -> str:
    """The chart's accessible name and the id of the table beside it that holds its data
    (a screen reader cannot read a drawing; WCAG 1.1.1)."""
    attrs = f' aria-label="{_t(label)}"' if label else ""
    return attrs + (f' aria-describedby="{_t(described_by)}"' if described_by else "")


def _clip(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- fishbone ------------------------------------------------------------------------


def fishbone_svg(
    *,
    effect: str,
    bones: Sequence[tuple[str, Sequence[str]]],
    width: int = 960,
    line_height: int = 22,
    font_size: int = 15,
    label: str = "",
    described_by: str = "",
) -> str:
    """An Ishikawa diagram: `bones` are (category label, [cause texts]) in display order,
    the first half above the spine, the rest below; `effect` is the head.

    Each bone slants into the spine; its causes are listed beside it, clipped with the
    full text in a tooltip. The height grows with the longest list. `label` names the
    chart (else the effect does), `described_by` is the id of the list of causes beside it.
    """
    bones = list(bones)
    top, bottom = bones[: (len(bones) + 1) // 2], bones[(len(bones) + 1) // 2 :]
    most = max([len(causes) for _, causes in bones] or [0])
    half = max(130, 50 + most * line_height)
    height = 2 * half + 40
    spine_y = half + 20
    head_w = 190
    spine_end = width - head_w - 10
    columns = max(len(top), len(bottom), 1)
    step = (spine_end - 40) / columns
    # A cause's text runs right from its bone up to the next bone's slant: clip it there
    # (CJK characters are about a font size wide) instead of writing over the neighbour.
    cause_chars = max(4, int((step - 24) // font_size))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="fishbone" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" font-size="{font_size}" '
        # Never scaled below two thirds: on a phone the card scrolls sideways instead.
        f'font-family="sans-serif" style="min-width: {width * 2 // 3}px"'
        f"{_name(label or effect, described_by)}>",
        f"<title>{_t(label or effect)}</title>",
        f'<line x1="20" y1="{spine_y}" x2="{spine_end}" y2="{spine_y}" '
        f'stroke="#0d6efd" stroke-width="3"/>',
        f'<rect x="{spine_end}" y="{spine_y - 30}" width="{head_w}" height="60" rx="6" '
        f'fill="#e7f1ff" stroke="#0d6efd"/>',
        f'<text x="{spine_end + head_w / 2}" y="{spine_y + 4}" text-anchor="middle" '
        f'font-weight="bold"><title>{_t(effect)}</title>{_t(_clip(effect, (head_w - 16) // font_size))}</text>',
    ]
    for row, sign in ((top, -1), (bottom, 1)):
        for index, (label, causes) in enumerate(row):
            joint_x = 40 + step * (index + 1) - 10
            tip_x = joint_x - 60
            tip_y = spine_y + sign * (half - 10)
            parts.append(
                f'<line x1="{tip_x:.0f}" y1="{tip_y}" x2="{joint_x:.0f}" y2="{spine_y}" '
                f'stroke="#6c757d" stroke-width="2"/>'
            )
            label_y = tip_y - 6 if sign < 0 else tip_y + 16
            parts.append(
                f'<text x="{tip_x:.0f}" y="{label_y}" text-anchor="middle" '
                f'font-weight="bold" fill="#212529">{_t(label)}</text>'
            )
            for n, cause in enumerate(causes):
                # Lines stack along the bone, starting near the spine.
                offset = (n + 1) * line_height
                y = spine_y + sign * offset
                fraction = offset / (half - 10)
                x = joint_x - 60 * fraction
                parts.append(
                    f'<text x="{x + 4:.0f}" y="{y + (4 if sign > 0 else 0):.0f}" fill="#495057">'
                    f"<title>{_t(cause)}</title>{_t(_clip(cause, cause_chars))}</text>"
                )
    parts.append("</svg>")
    return "".join(parts)


# --- Pareto --------------------------------------------------------------------------


def pareto_series(data: Sequence[tuple[str, int]]) -> list[tuple[str, int, float]]:
    """(label, count, cumulative share 0..1), largest first; zero counts dropped."""
    rows = sorted(((str(k), int(v)) for k, v in data if v), key=lambda r: (-r[1], r[0]))
    total = sum(count for _, count in rows)
    series, running = [], 0
    for label, count in rows:
        running += count
        series.append((label, count, running / total))
    return series


# x-axis labels: font size, the most characters shown, the gap a label needs across its
# baseline (so neighbours never overlap) and the narrowest bar slot before the chart widens.
LABEL_FONT = 11
LABEL_CHARS = 12
LABEL_GAP = LABEL_FONT + 2
SLANT = 35  # degrees, while the slots are wide enough for slanted labels


def pareto_label_angle(slot: float) -> int:
    """Slanted labels while parallel neighbours stay LABEL_GAP apart, else upright."""
    return SLANT if slot * math.sin(math.radians(SLANT)) >= LABEL_GAP else 90


def pareto_svg(
    data: Sequence[tuple[str, int]],
    *,
    width: int = 720,
    height: int = 360,
    label: str = "",
    described_by: str = "",
) -> str:
    """Bars sorted descending, the cumulative-percentage line and the 80 % reference line;
    `label` names the chart, `described_by` is the id of the table of its data.

    Forty categories in 720 units left 15 a bar: slanted labels overlapped. The labels
    turn upright when the slots are narrow, and the chart widens (its container scrolls)
    rather than let a slot get narrower than a label's height.
    """
    series = pareto_series(data)
    left, right, top = 48, 48, 16
    width = max(width, left + right + LABEL_GAP * len(series))
    slot_w = (width - left - right) / max(len(series), 1)
    angle = pareto_label_angle(slot_w)
    longest = max((len(_clip(label, LABEL_CHARS)) for label, _, _ in series), default=1)
    # Room below the axis for the longest label (CJK characters are about a font size wide).
    reach = longest * LABEL_FONT * math.sin(math.radians(angle)) + LABEL_FONT
    bottom = max(72, int(reach) + 20)
    height = max(height, top + bottom + 200)
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pareto" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" font-size="11" font-family="sans-serif" '
        f'style="min-width: {width * 2 // 3}px"'
        f"{_name(label, described_by)}>",
        f"<title>{_t(label)}</title>" if label else "",
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        f'stroke="#212529"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#212529"/>',
        f'<line x1="{left + plot_w}" y1="{top}" x2="{left + plot_w}" y2="{top + plot_h}" '
        f'stroke="#212529"/>',
    ]
    if not series:
        parts.append(
            f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" fill="#6c757d">—</text>'
        )
        parts.append("</svg>")
        return "".join(parts)
    peak = series[0][1]
    slot = slot_w
    bar_w = slot * 0.7
    points = []
    for i, (label, count, share) in enumerate(series):
        x = left + i * slot + (slot - bar_w) / 2
        bar_h = plot_h * count / peak
        y = top + plot_h - bar_h
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{bar_h:.1f}" '
            f'fill="#0d6efd"><title>{_t(label)}: {count}</title></rect>'
        )
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle">{count}</text>'
        )
        label_x, label_y = x + bar_w / 2, top + plot_h + 12
        parts.append(
            f'<text class="axis-label" x="{label_x:.1f}" y="{label_y}" text-anchor="end" '
            f'font-size="{LABEL_FONT}" dominant-baseline="middle" '
            f'transform="rotate(-{angle} {label_x:.1f} {label_y})">'
            f"<title>{_t(label)}</title>{_t(_clip(label, LABEL_CHARS))}</text>"
        )
        points.append((left + i * slot + slot / 2, top + plot_h * (1 - share)))
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    parts.append(
        f'<polyline class="cumulative" points="{line}" fill="none" stroke="#dc3545" '
        f'stroke-width="2"/>'
    )
    for (x, y), (_, _, share) in zip(points, series, strict=True):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#dc3545"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{y - 6:.1f}" text-anchor="middle" fill="#dc3545">'
            f"{share * 100:.0f}%</text>"
        )
    ref_y = top + plot_h * (1 - PARETO_REFERENCE)
    parts.append(
        f'<line class="reference" x1="{left}" y1="{ref_y:.1f}" x2="{left + plot_w}" '
        f'y2="{ref_y:.1f}" stroke="#fd7e14" stroke-dasharray="6 4"/>'
    )
    parts.append(
        f'<text x="{left + plot_w + 4}" y="{ref_y + 4:.1f}" fill="#fd7e14">80%</text>'
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end">{peak}</text>'
        f'<text x="{left + plot_w + 4}" y="{top + 4}">100%</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
