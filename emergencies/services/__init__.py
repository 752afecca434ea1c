"""Every write to an emergency: declaring, approving (portal or oral), the team, the plan,
the process record, status updates, child work orders, outages, evaluation and closing.

Each service checks the acting user's right on the emergency through the one refusal
function, moves it through `itsm.workflow` inside one transaction (a refusal or a conflict
leaves nothing half-saved) and hands notifications over once the data is committed.
Resource requests, emergency changes and the D0405 report are in `resource_services`.
Split by stage: `declaring`, `response`, `closing`; everything is importable from here.
"""

from ._common import _entry, _name, _tell, confirmation_window  # noqa: F401
from .closing import *  # noqa: F403
from .declaring import *  # noqa: F403
from .facilities import *  # noqa: F403
from .response import *  # noqa: F403
