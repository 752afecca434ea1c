"""The change log (变更日志) both changes and releases write when they touch items.

Every configuration change stays traceable to who, when and what (plan §2.2.1.4): one
ChangeLog row per affected item (one row without an item when none is affected) and, when
the items really changed, an entry on each item's own history naming the form.
"""

from auditlog.models import LogEntry

from .models import ChangeLog


def change_log_write(
    *,
    number: str,
    items,
    action: str,
    description: str,
    actor,
    at,
    history: bool,
    reason: str,
    link: dict,
) -> int:
    """Write the log for `items`; `link` is `{"change": …}` or `{"release": …}`, and the
    item history's additional data carries it by number. Returns how many items."""
    common = {"change_number": number, "action": action, "description": description}
    rows = [
        ChangeLog(**link, **common, item=item, item_label=str(item)[:250], actor=actor, at=at)
        for item in items
    ]
    ChangeLog.objects.bulk_create(rows or [ChangeLog(**link, **common, actor=actor, at=at)])
    if history:
        kind = next(iter(link))
        for item in items:
            LogEntry.objects.log_create(
                item,
                force_log=True,
                action=LogEntry.Action.UPDATE,
                changes={},
                actor=actor if actor is not None and actor.is_authenticated else None,
                additional_data={"reason": reason, kind: number},
            )
    return len(items)
