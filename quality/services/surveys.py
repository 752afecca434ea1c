"""Survey rounds through the one pipeline, invitations (once per person) and answers
(once per person, stored without the person)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm import workflow
from servicedesk.choices import Role
from servicedesk.notifications import notify_many

from ..choices import QuestionKind, RoundStatus
from ..models import Answer, Invitation, SurveyResponse, SurveyRound
from ..permissions import invitation_refusal, round_refusal, survey_refusal


def _conflict():
    return _("This survey round was changed by someone else. Reload it and try again.")


_REFUSED = {
    "publish": lambda: _("A survey round that is “%(status)s” cannot be published."),
    "open": lambda: _("A survey round that is “%(status)s” cannot be opened."),
    "close": lambda: _("A survey round that is “%(status)s” cannot be closed."),
}


def _move(survey_round, *, actor, name: str, lock_version, **kwargs) -> SurveyRound:
    survey_round = workflow.lock(survey_round, expected=lock_version, conflict=_conflict())
    workflow.require(round_refusal(actor, survey_round, "change"))
    workflow.transition(
        survey_round,
        actor=actor,
        name=name,
        method=getattr(survey_round, name),
        refused=_REFUSED[name](),
        **kwargs,
    )
    return survey_round


@transaction.atomic
def round_create(*, actor, survey, title: str, opens_on, closes_on, departments=()) -> SurveyRound:
    """A draft round of `survey` for [opens_on, closes_on]; no departments = all end users."""
    workflow.require(survey_refusal(actor))
    title = (title or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("Give the round a title, e.g. “2026 Q3”.")
    if opens_on and closes_on and closes_on < opens_on:
        errors["closes_on"] = _("The round cannot close before it opens.")
    if not survey.questions.exists():
        errors["survey"] = _("This survey has no questions yet: add them in admin first.")
    if errors:
        raise ValidationError(errors)
    survey_round = SurveyRound.objects.create(
        survey=survey, title=title, opens_on=opens_on, closes_on=closes_on, created_by=actor
    )
    survey_round.departments.set(departments)
    return survey_round


@transaction.atomic
def round_publish(*, survey_round, actor, lock_version=None) -> SurveyRound:
    """Draft → published: the round is fixed and opens on its day (the scan, or "open now")."""
    return _move(
        survey_round, actor=actor, name="publish", lock_version=lock_version, at=timezone.now()
    )


@transaction.atomic
def round_open(*, survey_round, actor, lock_version=None) -> SurveyRound:
    """Published → open: the audience is invited (by notification and mail), once each."""
    survey_round = _move(
        survey_round, actor=actor, name="open", lock_version=lock_version, at=timezone.now()
    )
    _invite(survey_round)
    return survey_round


@transaction.atomic
def round_close(*, survey_round, actor, lock_version=None) -> SurveyRound:
    """Open → closed: no more answers; the results are final."""
    return _move(
        survey_round, actor=actor, name="close", lock_version=lock_version, at=timezone.now()
    )


def audience(survey_round):
    """The active end users the round is for: all of them, or those of its departments."""
    users = get_user_model().objects.filter(is_active=True, groups__name=Role.END_USER)
    department_ids = list(survey_round.departments.values_list("pk", flat=True))
    if department_ids:
        users = users.filter(person__department_id__in=department_ids)
    return users.distinct()


@transaction.atomic
def invitations_send(*, survey_round, actor) -> int:
    """Invite the round's audience again (people who joined since): idempotent, each
    person is invited and told once. Returns how many were told now."""
    survey_round = workflow.lock(survey_round, expected=None)
    workflow.require(round_refusal(actor, survey_round, "change"))
    if survey_round.status != RoundStatus.OPEN:
        raise ValidationError(_("Invitations go out while the round is open."))
    return _invite(survey_round)


def _invite(survey_round) -> int:
    # Called with the round's row locked (workflow.lock): one sender at a time, so the
    # invitations not yet told are exactly the ones this call tells.
    now = timezone.now()
    rows = audience(survey_round).values_list("pk", "person__department_id")
    Invitation.objects.bulk_create(
        [
            Invitation(round=survey_round, user_id=pk, department_id=department, invited_at=now)
            for pk, department in rows
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    pending = list(
        Invitation.objects.filter(round=survey_round, notified_at__isnull=True).select_related(
            "user"
        )
    )
    Invitation.objects.filter(pk__in=[i.pk for i in pending]).update(notified_at=now)
    subject = _("Satisfaction survey: %(title)s") % {"title": survey_round.title}
    body = _(
        "Please tell us how satisfied you are with the IT service. The survey takes a few "
        "minutes and is open until %(date)s. Your answers are anonymous."
    ) % {"date": survey_round.closes_on.isoformat()}
    return notify_many(
        ([invitation.user], subject, body, invitation.get_absolute_url()) for invitation in pending
    )


def _clean(question, value) -> tuple[dict, str]:
    """The answer fields for `value`, or an error message."""
    value = (value or "").strip()
    if not value:
        return {}, _("Please answer this question.") if question.required else ""
    if question.kind == QuestionKind.RATING:
        if not value.isdecimal() or not 1 <= int(value) <= 5:
            return {}, _("Choose from 1 to 5.")
        return {"rating": int(value)}, ""
    if question.kind == QuestionKind.CHOICE:
        if value not in question.option_list:
            return {}, _("Choose one of the options.")
        return {"choice": value}, ""
    return {"text": value[:5000]}, ""


@transaction.atomic
def response_submit(*, invitation, actor, answers: dict) -> SurveyResponse:
    """The invited person's answers (`answers`: question pk → text as posted). One
    response per person: the invitation is claimed with a conditional UPDATE. The
    response keeps the department, never the person. ValidationError keys: "q<pk>"."""
    invitation = Invitation.objects.select_related("round__survey").get(pk=invitation.pk)
    workflow.require(invitation_refusal(actor, invitation, "answer"))
    rows, errors = [], {}
    for question in invitation.round.survey.questions.all():
        fields, error = _clean(question, answers.get(question.pk, answers.get(str(question.pk))))
        if error:
            errors[f"q{question.pk}"] = error
        elif fields:
            rows.append(Answer(question=question, **fields))
    if errors:
        raise ValidationError(errors)
    claimed = Invitation.objects.filter(
        Q(answered_at__isnull=True), pk=invitation.pk, round__status=RoundStatus.OPEN
    ).update(answered_at=timezone.now())
    if not claimed:
        raise ValidationError(_("You have already answered this survey. Thank you!"))
    response = SurveyResponse.objects.create(
        round=invitation.round,
        department_id=invitation.department_id,
        submitted_on=timezone.localdate(),
    )
    for row in rows:
        row.response = response
    Answer.objects.bulk_create(rows)
    return response
