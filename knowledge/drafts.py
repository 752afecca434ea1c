"""Where a draft knowledge record can start from: a small hook for the apps above knowledge.

Knowledge sits below the processes that feed it (incidents, problems…) and imports none of
them. An app that can seed a draft (incidents: "draft a record from this resolved work
order") registers a provider in its AppConfig.ready():

    from knowledge import drafts
    drafts.register_source("work_order", work_order_knowledge_draft)

`provider(*, user, number) -> dict` returns the draft form's initial values (title,
fault_type id, symptom, solution, related_numbers, audience, source_work_order_number)
and raises Http404 when `user` may not see that record or it cannot seed a draft yet.
"""

from collections.abc import Callable

from django.http import Http404

_sources: dict[str, Callable[..., dict]] = {}


def register_source(kind: str, provider: Callable[..., dict]) -> None:
    _sources[kind] = provider


def draft_initial(kind: str, *, user, number: str) -> dict:
    """The initial values of a draft from record `number` of `kind` (Http404 if none)."""
    provider = _sources.get(kind)
    if provider is None:
        raise Http404
    return provider(user=user, number=number)
