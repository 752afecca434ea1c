"""Writes to the CMDB, and the impact analysis other processes call.

Every write goes through here so that accessories follow their parent and each change
lands on the item's audit timeline (django-auditlog, with an optional reason such as
the work order or change number that caused it).
"""

from collections.abc import Iterable

from django.db import transaction

from itsm import workflow

from ..models import CIRelationship, ConfigurationItem
from ..permissions import ci_refusal, relationship_refusal
from .impact import (  # the analysis lives there
    Impact,
    ImpactEdge,
    ci_impact,
    cis_impact,
    impacted_ids,
    impacted_ids_from,
)

# --- Items ------------------------------------------------------------------------------


def ci_create(
    *, actor, reason: str = "", users: Iterable | None = None, **fields
) -> ConfigurationItem:
    """A validated new item (attributes checked against its class); logged on its timeline.

    An accessory created under a parent takes the parent's location, department and
    responsible user unless given. PermissionDenied unless `actor` may add items.
    """
    workflow.require(ci_refusal(actor, None, "create"))
    return _ci_create(reason=reason, users=users, **fields)


def ci_update(
    *, actor, ci: ConfigurationItem, reason: str = "", users: Iterable | None = None, **changes
) -> ConfigurationItem:
    """Apply `changes` to `ci`, validate, save; accessories follow a move (see ci_save).

    PermissionDenied unless `actor` may edit this item.
    """
    workflow.require(ci_refusal(actor, ci, "change"))
    return _ci_update(ci=ci, reason=reason, users=users, **changes)


def ci_save(*, actor, ci: ConfigurationItem, reason: str = "") -> ConfigurationItem:
    """Validate and save `ci` (new or changed), as `actor` may; accessories move with it."""
    workflow.require(ci_refusal(actor, ci, "change" if ci.pk else "create"))
    return _ci_save(ci=ci, reason=reason)


@transaction.atomic
def ci_delete(*, actor, ci: ConfigurationItem) -> None:
    """Delete `ci`; ProtectedError while accessories or records still point at it."""
    workflow.require(ci_refusal(actor, ci, "delete"))
    ci.delete()


# The unchecked writes, for cmdb services that have checked their own action already
# (a census confirmation, a spare loan, an import moves items as part of their step).


@transaction.atomic
def _ci_create(*, reason: str = "", users: Iterable | None = None, **fields) -> ConfigurationItem:
    ci = ConfigurationItem(**fields)
    if ci.parent_id:
        for name in ConfigurationItem.FOLLOWS_PARENT:
            if getattr(ci, f"{name}_id") is None:
                setattr(ci, f"{name}_id", getattr(ci.parent, f"{name}_id"))
    ci._change_reason = reason
    ci.full_clean()
    ci.save()
    if users:
        ci.users.set(users)
    return ci


@transaction.atomic
def _ci_update(
    *, ci: ConfigurationItem, reason: str = "", users: Iterable | None = None, **changes
) -> ConfigurationItem:
    for name, value in changes.items():
        setattr(ci, name, value)
    _ci_save(ci=ci, reason=reason)
    if users is not None:
        ci.users.set(users)
    return ci


@transaction.atomic
def _ci_save(*, ci: ConfigurationItem, reason: str = "") -> ConfigurationItem:
    """When the item's location, department or responsible user changed, every accessory
    below it (children, their children…) gets the same values, each saved on its own so
    the move shows on the accessory's timeline too."""
    before = None
    if ci.pk:
        before = (
            ConfigurationItem.objects.filter(pk=ci.pk)
            .values(*(f"{name}_id" for name in ConfigurationItem.FOLLOWS_PARENT))
            .first()
        )
    ci._change_reason = reason
    ci.full_clean()
    ci.save()
    if before is not None:
        moved = {
            f"{name}_id": getattr(ci, f"{name}_id")
            for name in ConfigurationItem.FOLLOWS_PARENT
            if before[f"{name}_id"] != getattr(ci, f"{name}_id")
        }
        if moved:
            _accessories_follow(parent=ci, values=moved, reason=reason)
    return ci


def _accessories_follow(*, parent: ConfigurationItem, values: dict, reason: str) -> None:
    frontier, seen = [parent.pk], {parent.pk}
    while frontier:
        children = list(ConfigurationItem.objects.filter(parent_id__in=frontier))
        frontier = []
        for child in children:
            if child.pk in seen:  # a corrupted cycle must not loop
                continue
            seen.add(child.pk)
            frontier.append(child.pk)
            changed = [k for k, v in values.items() if getattr(child, k) != v]
            if changed:
                for name in changed:
                    setattr(child, name, values[name])
                child._change_reason = reason
                child.save(update_fields=[name.removesuffix("_id") for name in changed])


# --- Relationships ----------------------------------------------------------------------


@transaction.atomic
def relationship_create(
    *, actor, source: ConfigurationItem, target: ConfigurationItem, type: str, note: str = ""
) -> CIRelationship:
    """A validated typed link "source <type> target" (unique per pair and type), between
    two items `actor` may see; PermissionDenied otherwise."""
    relationship = CIRelationship(source=source, target=target, type=type, note=note)
    workflow.require(relationship_refusal(actor, relationship, "create"))
    relationship.full_clean()
    relationship.save()
    return relationship


@transaction.atomic
def relationship_update(*, actor, relationship: CIRelationship, **changes) -> CIRelationship:
    """Change a link's ends, type or note; both old and new ends must be `actor`'s to see."""
    workflow.require(relationship_refusal(actor, relationship, "change"))
    unknown = set(changes) - {"source", "target", "type", "note"}
    if unknown:
        raise TypeError(f"relationship_update() cannot change {sorted(unknown)}")
    for name, value in changes.items():
        setattr(relationship, name, value)
    workflow.require(relationship_refusal(actor, relationship, "change"))  # the new ends
    relationship.full_clean()
    relationship.save()
    return relationship


@transaction.atomic
def relationship_delete(*, actor, relationship: CIRelationship) -> None:
    workflow.require(relationship_refusal(actor, relationship, "delete"))
    relationship.delete()


__all__ = [
    "Impact",
    "ImpactEdge",
    "ci_create",
    "ci_delete",
    "ci_impact",
    "ci_save",
    "cis_impact",
    "ci_update",
    "impacted_ids",
    "impacted_ids_from",
    "relationship_create",
    "relationship_delete",
    "relationship_update",
]
