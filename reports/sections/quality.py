"""Quality management (plan §2.4, §3.2 C): the latest satisfaction survey's results and the
weekly reviews' improvement actions (PDCA) opened, closed and open past their due date.

Survey figures come from `quality.selectors.round_results` of the newest round opened by
the period's end; their lists are the round's invitations and (anonymous) responses. The
action counts are `quality.selectors.action_records` of the same name, so every figure
equals the length of its list.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop as N_

from quality.selectors import (
    action_records,
    invitation_records,
    latest_round,
    response_records,
    round_results,
)

from .. import drill
from ..definitions import Column, Drill, Figure, Section, Table
from ._process import count, parse_days, ratio

drill.register(
    "quality.survey_invitations",
    records=lambda params: invitation_records(round_id=int(params["round_id"])),
    columns=[
        ("round__title", N_("Survey round")),
        ("department__name", N_("Department")),
        ("invited_at", N_("Invited at")),
    ],
)
drill.register(
    "quality.survey_responses",
    records=lambda params: response_records(
        round_id=int(params["round_id"]),
        department_id=params.get("department_id"),
    ),
    columns=[
        ("round__title", N_("Survey round")),
        ("department__name", N_("Department")),
        ("submitted_on", N_("Submitted on")),
    ],
)
for _name in ("opened", "closed", "open_overdue"):
    drill.register(
        f"quality.actions_{_name}",
        records=lambda params, name=_name: action_records(name, **parse_days(params)),
        columns=[
            ("review", N_("Week")),
            ("description", N_("Improvement action")),
            ("owner__person__name", N_("Owner")),
            ("due_on", N_("Due on")),
            ("get_status_display", N_("Status")),
            ("done_at", N_("Done at")),
        ],
        url=lambda obj: obj.get_absolute_url(),
    )


def _survey(period, figures: list, tables: list, notes: list) -> None:
    survey_round = latest_round(ends_on=period.end)
    if survey_round is None:
        notes.append(N_("No satisfaction survey round had opened by the end of the period."))
        return
    results = round_results(survey_round)
    params = {"round_id": survey_round.pk}
    invitations = Drill("quality.survey_invitations", params)
    responses = Drill("quality.survey_responses", params)
    names = {"round": survey_round.title}
    figures += [
        Figure(
            "quality.survey_invited",
            N_("Invited to the survey “%(round)s”"),
            results.invited,
            definition=N_(
                "End users invited to the newest survey round opened by the period's end."
            ),
            drill=invitations,
            label_args=names,
        ),
        Figure(
            "quality.survey_answered",
            N_("Answered the survey “%(round)s”"),
            results.answered,
            definition=N_("Invited end users who answered (one response each)."),
            drill=responses,
            label_args=names,
        ),
        Figure(
            "quality.survey_response_rate",
            N_("Survey response rate"),
            ratio(results.answered, results.invited),
            unit="percent",
            definition=N_("Answered ÷ invited."),
            count=results.answered,
            base=results.invited,
            drill=responses,
            base_drill=invitations,
        ),
        Figure(
            "quality.survey_mean",
            N_("Mean survey rating"),
            results.mean,
            unit="rating",
            definition=N_("Mean of all 1-to-5 answers of the round's responses."),
            count=results.answered,
            drill=responses,
        ),
    ]
    if survey_round.status != "closed":
        notes.append(N_("The survey round is still open: its results are preliminary."))
    tables.append(
        Table(
            "quality.survey_questions",
            N_("Survey results by question: %(round)s"),
            [
                Column("question", N_("Question")),
                Column("answers", N_("Answers"), "count"),
                Column("mean", N_("Mean rating"), "rating"),
            ],
            [
                [q.question.text, q.answered, q.mean]
                for q in results.questions
                if q.question.kind != "text"
            ],
            title_args=names,
        )
    )
    tables.append(
        Table(
            "quality.survey_departments",
            N_("Survey results by department: %(round)s"),
            [
                Column("department", N_("Department")),
                Column("invited", N_("Invited"), "count"),
                Column("answered", N_("Answered"), "count"),
                Column("rate", N_("Response rate"), "percent"),
                Column("mean", N_("Mean rating"), "rating"),
            ],
            [
                [d.name or N_("No department"), d.invited, d.answered, d.response_rate, d.mean]
                for d in results.departments
            ],
            row_drills=[
                Drill(
                    "quality.survey_responses",
                    {**params, "department_id": d.department_id or 0},
                )
                for d in results.departments
            ],
            title_args=names,
        )
    )


def build(period, *, options: dict) -> Section:
    figures, tables, notes = [], [], []
    _survey(period, figures, tables, notes)
    for name, label, definition in (
        (
            "opened",
            N_("Improvement actions agreed"),
            N_("Improvement actions the weekly rating reviews recorded in the period."),
        ),
        (
            "closed",
            N_("Improvement actions done"),
            N_("Improvement actions marked done in the period, whenever they were agreed."),
        ),
        (
            "open_overdue",
            N_("Improvement actions open past their due date"),
            N_(
                "Actions agreed by the period's end, not done by then, whose due date was "
                "on or before its last day."
            ),
        ),
    ):
        value = action_records(name, starts_on=period.start, ends_on=period.end).count()
        figures.append(
            count(
                f"quality.actions_{name}",
                label,
                value,
                definition,
                f"quality.actions_{name}",
                period,
            )
        )
    return Section(
        key="quality", title=N_("Quality management"), figures=figures, tables=tables, notes=notes
    )
