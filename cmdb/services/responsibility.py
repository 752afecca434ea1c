"""Fixing breaches of the responsible-person rule (see cmdb.responsibility)."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from itsm import workflow

from ..models import ConfigurationItem
from ..permissions import responsible_refusal
from ..responsibility import checked_assets, expected_responsible, responsible_breaches
from . import _ci_update

RULE_REASON = "responsible rule"


@transaction.atomic
def responsible_assign(*, actor, ci: ConfigurationItem, user) -> ConfigurationItem:
    """Make `user` responsible for `ci` (its accessories follow), logged on its timeline.

    ValidationError for someone who has left, or, on a shared device, for anyone but the
    user the code-order rule names (change the device's users first).
    """
    workflow.require(responsible_refusal(actor, ci, "assign"))
    if user is None:
        raise ValidationError(_("Choose the responsible person."))
    if not user.is_active:
        raise ValidationError(_("This person has left the organisation."))
    ci = checked_assets(ConfigurationItem.objects.filter(pk=ci.pk)).first() or ci
    users = [link.user for link in ci.user_links.all()]
    if users:
        expected = expected_responsible(users)
        if expected is not None and expected.pk != user.pk:
            raise ValidationError(
                _("%(tag)s is a shared device: by code order its responsible person is %(name)s.")
                % {"tag": ci.asset_tag, "name": person_label(expected)}
            )
    return _ci_update(ci=ci, reason=RULE_REASON, responsible=user)


def person_label(user) -> str:
    person = getattr(user, "person", None)
    return f"{person.name} ({user.get_username()})" if person else user.get_username()


@dataclass
class RuleFix:
    ci: ConfigurationItem
    before: object
    after: object


def shared_responsible_apply(*, actor, dry_run: bool = True) -> list[RuleFix]:
    """Give every shared device breaking the rule the user the code order names.

    With `dry_run` nothing is written: the fixes are what applying would do now. Devices
    whose users have all left are not fixed here (they are listed for a manual assign).
    Applying twice changes nothing the second time.
    """
    workflow.require(responsible_refusal(actor, None, "apply"))
    with transaction.atomic():
        fixes = [
            RuleFix(ci=b.ci, before=b.ci.responsible, after=b.expected)
            for b in responsible_breaches(user=actor)
            if b.shared and b.expected is not None
        ]
        if not dry_run:
            for fix in fixes:
                _ci_update(ci=fix.ci, reason=RULE_REASON, responsible=fix.after)
    return fixes
