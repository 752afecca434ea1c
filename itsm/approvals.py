"""The approvals inbox: every decision waiting for a person, from every process.

Each process registers one provider in its AppConfig.ready():

    from itsm import approvals
    approvals.register("changes", change_decisions_pending)

A provider is `provider(user) -> Iterable[PendingDecision]`: the decisions waiting for
*this* user right now, read from the process's own tables with a fixed number of
queries (no per-row queries), using the same refusal functions the decision page uses,
so the inbox lists exactly what the user could decide when they click through. Nothing
is copied into an inbox table: the list is a query, so it can never go stale.

`pending_for(user)` merges all providers, oldest first; the home page and
`/api/approvals/` show it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime

_providers: dict[str, Callable[..., Iterable[PendingDecision]]] = {}


@dataclass(frozen=True)
class PendingDecision:
    process: str  # the process it belongs to, e.g. "changes", "releases", "documents"
    kind: str  # what is to be decided, translated: "变更审批 / change approval"
    number: str  # the form number (D0401-…)
    title: str  # what it is about
    requested_by: str  # who asked (a person's name)
    since: datetime  # waiting since
    url: str  # where the user decides

    def as_dict(self) -> dict:
        return asdict(self)


def register(process: str, provider: Callable[..., Iterable[PendingDecision]]) -> None:
    """Register (or replace) the provider of `process`; idempotent across ready() calls."""
    _providers[process] = provider


def providers() -> dict[str, Callable[..., Iterable[PendingDecision]]]:
    return dict(_providers)


def pending_for(user) -> list[PendingDecision]:
    """Every decision waiting for `user`, oldest first."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []  # an inactive account (the system actor among them) decides nothing
    found: list[PendingDecision] = []
    for provider in _providers.values():
        found.extend(provider(user))
    return sorted(found, key=lambda decision: (decision.since, decision.number))
