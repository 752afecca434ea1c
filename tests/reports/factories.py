"""Sample frozen report data (no database) for tests of the renderers, pages and API.

`sample_section()` has one figure of every unit, a missed and a met target, rates with a
base, a drill, a table with user text that looks like markup and formulas, and one chart
of each kind; `sample_document()` wraps sections into a Document.
"""

from __future__ import annotations

from reports.definitions import (
    Chart,
    Column,
    Document,
    Drill,
    Figure,
    Section,
    Series,
    Signoff,
    Table,
    Target,
)

HOSTILE = "<script>alert('x')</script> & <b>bold</b> <para>"

DEPARTMENTS = ["财务处", "办公室", "人事处", "信息中心", "后勤服务中心"]


def fault_types(count: int = 12) -> list[str]:
    names = ["打印机卡纸", "网络中断", "Outlook cannot send mail", "显示器无信号", "系统蓝屏"]
    return [f"{names[i % len(names)]} {i + 1}" for i in range(count)]


def sample_section(*, key: str = "service", rows: int = 5, text: str = "") -> Section:
    drill = Drill("service.response_missed", {"start": "2026-09-01", "end": "2026-09-30"})
    types = fault_types(12)
    return Section(
        key=key,
        title="Monthly service summary",
        figures=[
            Figure(
                key=f"{key}.response_rate",
                label="Response rate",
                value=0.9733,
                unit="percent",
                definition="Orders answered within the service level's response time, "
                "counted in business time, divided by orders received.",
                target=Target(">=", 1.0, source="Contract §6.2.1"),
                count=146,
                base=150,
                drill=drill,
                base_drill=Drill("service.received", {"start": "2026-09-01"}),
            ),
            Figure(
                key=f"{key}.satisfaction",
                label="Satisfaction",
                value=0.968,
                unit="percent",
                definition="Satisfied answers divided by answers.",
                target=Target(">", 0.95),
                count=121,
                base=125,
            ),
            Figure(
                key=f"{key}.fcr",
                label="First-contact resolution",
                value=0.42,
                unit="percent",
                target=Target("between", 0.3, upper=0.5),
                count=63,
                base=150,
            ),
            Figure(key=f"{key}.received", label="Orders received", value=1520, unit="count"),
            Figure(key=f"{key}.mean_restore", label="Mean restore time", value=3.46, unit="hours"),
            Figure(key=f"{key}.parts_cost", label="Parts cost", value=12345.5, unit="money"),
            Figure(key=f"{key}.rating", label="Mean rating", value=4.62, unit="rating"),
            Figure(
                key=f"{key}.level",
                label="Orders at level %(level)s",
                value=17,
                label_args={"level": "VIP"},
            ),
        ],
        tables=[
            Table(
                key=f"{key}.breaches",
                title="SLA breaches",
                columns=[
                    Column("number", "Work order number"),
                    Column("title", "Title"),
                    Column("department", "Department"),
                    Column("hours", "Hours", "hours"),
                    Column("share", "Share", "percent"),
                ],
                rows=[
                    [
                        f"INC-2026-{i:05d}",
                        HOSTILE if i == 0 else ("=1+1" if i == 1 else f"打印机卡纸，无法打印 {i}"),
                        DEPARTMENTS[i % len(DEPARTMENTS)],
                        1.5 + i,
                        (i % 10) / 10,
                    ]
                    for i in range(rows)
                ],
                definition="Every order whose resolution was late.",
            ),
            Table(
                key=f"{key}.fault_types",
                title="Fault types",
                columns=[Column("type", "Fault type"), Column("count", "Count", "count")],
                rows=[[name, (i * 7) % 23 + 1] for i, name in enumerate(types)],
            ),
        ],
        charts=[
            Chart(
                key=f"{key}.pareto",
                title="Fault types",
                kind="pareto",
                categories=types,
                series=[Series("Orders", [(i * 7) % 23 + 1 for i in range(12)])],
                table=f"{key}.fault_types",
            ),
            Chart(
                key=f"{key}.by_department",
                title="Orders by department",
                kind="bar",
                categories=DEPARTMENTS,
                series=[
                    Series("This month", [30, 12, 8, 22, 5]),
                    Series("Last month", [25, 15, 9, 18, 7]),
                ],
            ),
            Chart(
                key=f"{key}.trend",
                title="Response rate",
                kind="line",
                unit="percent",
                categories=[f"2026-{m:02d}" for m in range(1, 13)],
                series=[
                    Series(
                        "Response rate",
                        [0.95, 0.97, 0.99, 1.0, None, 0.98, 0.96, 0.97, 1.0, 0.99, 0.98, 0.97],
                    )
                ],
            ),
            Chart(
                key=f"{key}.channels",
                title="Orders by channel",
                kind="pie",
                categories=["Phone", "Portal", "Mail", "Walk-in"],
                series=[Series("Orders", [60, 50, 25, 15])],
            ),
        ],
        notes=["Hold time pauses the resolution clock, not the response clock."],
        text=text,
    )


def sample_document(
    *, sections=None, preliminary: bool = False, title: str = "Monthly service summary"
) -> Document:
    return Document(
        title=title,
        form_number="D0105",
        client_name="某市机关事务管理局",
        period_kind="month",
        period_slug="2026-09",
        period_start="2026-09-01",
        period_end="2026-09-30",
        version=2,
        status="Draft",
        preliminary=preliminary,
        generated_at="2026-10-01T02:00:00+08:00",
        sections=sections
        if sections is not None
        else [sample_section(text="建议增加备机。\n" + HOSTILE)],
        signoffs=[
            Signoff("Reporter", "张工", "2026-10-02T09:00:00+08:00"),
            Signoff("Service supervisor"),
        ],
    )
