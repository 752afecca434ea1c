"""A knowledge record drafted from a resolved work order: incidents' provider for the
knowledge app's draft hook (knowledge.drafts), registered in IncidentsConfig.ready().

Knowledge sits below incidents and imports nothing of it; incidents hands it the values.
"""

from django.http import Http404

from knowledge.choices import Audience

from . import selectors
from .choices import Status


def work_order_knowledge_draft(*, user, number: str) -> dict:
    """Initial values of a draft record from a resolved or closed work order `user` can see.

    Raises Http404 when the work order is not visible, not resolved nor closed.
    """
    work_order = selectors.work_order_get(user=user, number=number)
    if work_order.status not in (Status.RESOLVED, Status.CLOSED):
        raise Http404
    related = [work_order.number]
    if work_order.merged_into_id:
        related.append(work_order.merged_into.number)
    if work_order.parent_id:
        related.append(work_order.parent.number)
    fault_type = work_order.category
    return {
        "title": work_order.title,
        "fault_type": fault_type.pk if fault_type and fault_type.level == "fault_type" else None,
        "symptom": work_order.description,
        "solution": work_order.resolution,
        "related_numbers": "\n".join(related),
        "audience": Audience.INTERNAL,
        "source_work_order_number": work_order.number,
    }
