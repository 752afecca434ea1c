"""月度维修总结: repairs sent out, turnaround against 15 working days, progress reports,
vendor nonconformances and blacklist changes, spare units lent, parts and their cost.

Every count comes from `repairs.figures.repair_figures` and drills down to
`repairs.figures.repair_records` of the same name, so the list matches the figure.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_noop as N_

from repairs.clock import THIRD_PARTY_WORKING_DAYS
from repairs.figures import repair_figures, repair_records, third_party_turnaround

from .. import drill
from ..definitions import Chart, Column, Drill, Figure, Section, Series, Table, Target
from ..periods import Period
from ._process import count, days, money, parse_days, ratio

PLAN = N_("Operations service plan §6.2.1, §6.3.3")

_REPAIR_COLUMNS = [
    ("number", N_("Number")),
    ("device", N_("Device")),
    ("get_kind_display", N_("Repair type")),
    ("vendor", N_("Vendor")),
    ("sent_at", N_("Sent at")),
    ("returned_at", N_("Returned at")),
]


def _repair_url(obj):
    return reverse("repairs:repair_detail", args=[obj.pk])


def _register(name, columns=_REPAIR_COLUMNS, url=_repair_url):
    drill.register(
        f"repairs.{name}",
        records=lambda params, name=name: repair_records(name, **parse_days(params)),
        columns=columns,
        url=url,
    )


for _name in (
    "sent_out",
    "sent_in_warranty",
    "sent_third_party",
    "returned",
    "third_party_returned",
    "returned_in_time",
    "returned_late",
    "still_out",
    "spare_units_lent",
):
    _register(_name)
_register(
    "progress_reports",
    columns=[
        ("repair__number", N_("Repair")),
        ("reported_on", N_("Reported on")),
        ("text", N_("Progress")),
        ("reported_by", N_("Reported by")),
    ],
    url=lambda obj: reverse("repairs:repair_detail", args=[obj.repair_id]),
)
_register(
    "nonconformances",
    columns=[
        ("number", N_("Number")),
        ("vendor", N_("Vendor")),
        ("work_order_number", N_("Work order")),
        ("occurred_at", N_("Time")),
        ("reason", N_("Reason")),
    ],
    url=lambda obj: reverse("repairs:nonconformance_list"),
)
for _name in ("blacklisted", "unblacklisted"):
    _register(
        _name,
        columns=[
            ("number", N_("Number")),
            ("vendor", N_("Vendor")),
            ("listed_on", N_("Listed on")),
            ("removed_on", N_("Removed on")),
            ("reason", N_("Reason")),
        ],
        url=lambda obj: reverse("repairs:blacklist"),
    )
_register(
    "parts_replaced",
    columns=[
        ("number", N_("Number")),
        ("part", N_("Part")),
        ("repair__number", N_("Repair")),
        ("repair__device__department", N_("Department")),
        ("replaced_at", N_("Replaced at")),
        ("cost", N_("Cost")),
    ],
    url=lambda obj: obj.get_absolute_url(),
)


def build(period: Period, *, options: dict) -> Section:
    f = repair_figures(starts_on=period.start, ends_on=period.end)
    params = days(period)
    figures = [
        count(
            "repairs.sent_out",
            N_("Repairs sent out"),
            f.sent_out,
            N_("Repair send-outs whose device left the building in the period (sent at)."),
            "repairs.sent_out",
            period,
        ),
        count(
            "repairs.sent_in_warranty",
            N_("Sent out in warranty"),
            f.sent_in_warranty,
            N_("Send-outs of the period to the manufacturer under warranty."),
            "repairs.sent_in_warranty",
            period,
        ),
        count(
            "repairs.sent_third_party",
            N_("Sent out to third-party repairers"),
            f.sent_third_party,
            N_("Send-outs of the period to a third-party repairer (out of warranty)."),
            "repairs.sent_third_party",
            period,
        ),
        count(
            "repairs.returned",
            N_("Repairs returned"),
            f.returned,
            N_("Send-outs whose device came back in the period (returned at), any type."),
            "repairs.returned",
            period,
        ),
        Figure(
            key="repairs.turnaround_in_time",
            label=N_("Third-party repairs back within %(days)s working days"),
            label_args={"days": THIRD_PARTY_WORKING_DAYS},
            value=ratio(f.third_party_within_15_days, f.third_party_returned),
            unit="percent",
            definition=N_(
                "Third-party repairs returned in the period whose working days from the "
                "sending day (not counted) to the return day (counted) were at most 15, in "
                "the business calendar (weekends and public holidays out, make-up working "
                "days in). Repairs still out are not in the base; they are listed as still out."
            ),
            target=Target(">=", 1.0, source=PLAN),
            count=f.third_party_within_15_days,
            base=f.third_party_returned,
            drill=Drill("repairs.returned_in_time", params),
            base_drill=Drill("repairs.third_party_returned", params),
        ),
        count(
            "repairs.returned_late",
            N_("Third-party repairs back late"),
            f.returned_late,
            N_("Third-party repairs returned in the period after more than 15 working days."),
            "repairs.returned_late",
            period,
        ),
        Figure(
            key="repairs.average_working_days",
            label=N_("Average working days out"),
            value=f.average_working_days,
            unit="days",
            definition=N_(
                "Mean of the working days out of every repair returned in the period "
                "(sending day not counted, return day counted)."
            ),
        ),
        count(
            "repairs.still_out",
            N_("Repairs still out at the end of the period"),
            f.still_out,
            N_(
                "Send-outs sent by the end of the period and not returned when the report "
                "was generated."
            ),  # fmt: skip
            "repairs.still_out",
            period,
        ),
        Figure(
            key="repairs.progress_reports",
            label=N_("In-warranty progress reports made"),
            value=ratio(f.progress_reports, f.progress_reports_due),
            unit="percent",
            definition=N_(
                "Written progress reports recorded in the period, against the reports owed: "
                "one every 3 working days after sending for each in-warranty repair while it "
                "was out (plan §6.3.3). More reports than owed shows above 100 %."
            ),
            target=Target(">=", 1.0, source=PLAN),
            count=f.progress_reports,
            base=f.progress_reports_due,
            drill=Drill("repairs.progress_reports", params),
        ),
        count(
            "repairs.nonconformances",
            N_("Vendor nonconformances"),
            f.nonconformances,
            N_(
                "Failed verifications of vendor work recorded in the period (time, reason, "
                "work order)."
            ),  # fmt: skip
            "repairs.nonconformances",
            period,
        ),
        count(
            "repairs.blacklisted",
            N_("Vendors blacklisted"),
            f.blacklisted,
            N_("Blacklist entries whose listing date is in the period."),
            "repairs.blacklisted",
            period,
        ),
        count(
            "repairs.unblacklisted",
            N_("Vendors removed from the blacklist"),
            f.unblacklisted,
            N_("Blacklist entries whose removal date is in the period."),
            "repairs.unblacklisted",
            period,
        ),
        count(
            "repairs.spare_units_lent",
            N_("Spare units lent"),
            f.spare_units_lent,
            N_("Send-outs of the period for which a spare unit was lent to the user."),
            "repairs.spare_units_lent",
            period,
        ),
        count(
            "repairs.parts_replaced",
            N_("Parts replaced"),
            f.parts_replaced,
            N_("Out-of-warranty replacement parts fitted in the period (replaced at)."),
            "repairs.parts_replaced",
            period,
        ),
        Figure(
            key="repairs.parts_cost",
            label=N_("Cost of parts"),
            value=money(f.parts_cost),
            unit="money",
            definition=N_("Sum of the cost of the parts fitted in the period (yuan)."),
            drill=Drill("repairs.parts_replaced", params),
        ),
    ]
    turnaround = third_party_turnaround(starts_on=period.start, ends_on=period.end)
    by_pk = {pk: (working, ok) for pk, working, ok in turnaround}
    late_rows = []
    for repair in repair_records("third_party_returned", starts_on=period.start,
                                 ends_on=period.end):  # fmt: skip
        working, ok = by_pk[repair.pk]
        late_rows.append(
            [
                repair.number,
                str(repair.device),
                repair.vendor.name if repair.vendor_id else "",
                repair.sent_at.date().isoformat() if repair.sent_at else "",
                repair.returned_at.date().isoformat() if repair.returned_at else "",
                working,
                N_("In time") if ok else N_("Late"),
            ]
        )
    tables = [
        Table(
            key="repairs.turnaround",
            title=N_("Third-party repairs returned: working days out"),
            columns=[
                Column("number", N_("Number")),
                Column("device", N_("Device")),
                Column("vendor", N_("Vendor")),
                Column("sent", N_("Sent on")),
                Column("returned", N_("Returned on")),
                Column("working_days", N_("Working days"), "days"),
                Column("in_time", N_("Within 15 working days")),
            ],
            rows=late_rows,
            definition=N_("Within: at most 15 working days, sending day not counted."),
        ),
        Table(
            key="repairs.nonconformances_by_vendor",
            title=N_("Nonconformances by vendor"),
            columns=[
                Column("vendor", N_("Vendor")),
                Column("count", N_("Nonconformances"), "count"),
            ],
            rows=[
                [name, n]
                for name, n in sorted(
                    f.nonconformances_by_vendor.items(), key=lambda item: -item[1]
                )
            ],  # fmt: skip
            definition=N_("More than 2 in a month leads to a blacklist application (§3.3.4.5)."),
        ),
    ]
    charts = [
        Chart(
            key="repairs.sent_by_type",
            title=N_("Repairs sent out by type"),
            kind="pie",
            categories=[N_("In warranty"), N_("Third-party")],
            series=[Series(N_("Repairs sent out"), [f.sent_in_warranty, f.sent_third_party])],
        )
    ]
    if f.nonconformances_by_vendor:
        charts.append(
            Chart(
                key="repairs.nonconformances_by_vendor",
                title=N_("Nonconformances by vendor"),
                kind="bar",
                categories=[row[0] for row in tables[1].rows],
                series=[Series(N_("Nonconformances"), [row[1] for row in tables[1].rows])],
                table="repairs.nonconformances_by_vendor",
            )
        )
    return Section(
        key="repairs",
        title=N_("Vendor repairs"),
        figures=figures,
        tables=tables,
        charts=charts,
        notes=[
            N_(
                "Working days follow the business calendar as it stands when the report is "
                "generated."
            ),  # fmt: skip
        ],
    )
