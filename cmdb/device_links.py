"""What later processes show and check on a device's page, without the CMDB importing them.

The CMDB sits below incidents, changes and inspections (pyproject's layers contract), yet a
device's page lists its work orders, changes and inspection records, offers "report a fault
for this device", and a field edit names the work order it was made for (§6.3.6). Each of
those apps registers a provider here in its AppConfig.ready(), as knowledge.drafts does:

    device_links.register_panel("work_orders", provider, order=10)
    device_links.register_work_orders(resolve=..., record=...)
    device_links.register_fault_counts(provider)

A panel provider is `provider(user, ci) -> DevicePanel | None` (None: nothing this user may
see), reading with a fixed number of queries through the app's own restrict() rule.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

SHOWN = 10  # rows per panel; the panel links to its full list


@dataclass(frozen=True)
class DeviceRow:
    number: str
    title: str
    url: str
    status: str = ""
    colour: str = "secondary"
    at: datetime | None = None


@dataclass(frozen=True)
class DevicePanel:
    key: str
    title: str
    rows: list[DeviceRow]
    total: int
    empty: str
    more_url: str = ""
    # (label, url, bootstrap icon) buttons, e.g. "report a fault for this device".
    actions: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class WorkOrderRef:
    number: str
    url: str


_panels: dict[str, tuple[int, Callable]] = {}
_work_orders: dict[str, Callable] = {}


def register_panel(key: str, provider: Callable, *, order: int = 50) -> None:
    _panels[key] = (order, provider)


def panels_for(user, ci) -> list[DevicePanel]:
    """Every registered panel `user` may see for `ci`, in the registered order."""
    shown = []
    for _order, provider in sorted(_panels.values(), key=lambda entry: entry[0]):
        panel = provider(user, ci)
        if panel is not None:
            shown.append(panel)
    return shown


def register_work_orders(*, resolve: Callable, record: Callable) -> None:
    """`resolve(user, number) -> WorkOrderRef` (ValidationError naming what is wrong) and
    `record(actor, number, text)`, which writes the configuration change on that work order."""
    _work_orders.update(resolve=resolve, record=record)


def work_orders_known() -> bool:
    return bool(_work_orders)


def work_order_resolve(user, number: str) -> WorkOrderRef:
    return _work_orders["resolve"](user, number)


def work_order_record(actor, number: str, text: str) -> None:
    _work_orders["record"](actor, number, text)


_fault_counts: dict[str, Callable] = {}


def register_fault_counts(provider: Callable) -> None:
    """`provider(since, until) -> {item id: (faults, last fault at)}`: the faults reported
    for each device in [since, until) (incidents: the work orders naming it), in a fixed
    number of queries. Ageing devices (cmdb.ageing) count repeated faults with it."""
    _fault_counts["provider"] = provider


def fault_counts(*, since: datetime, until: datetime) -> dict[int, tuple[int, datetime]]:
    provider = _fault_counts.get("provider")
    return provider(since, until) if provider is not None else {}
