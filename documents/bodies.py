"""Which client bodies decide each kind of document application (operations plan §3.2).

The plan names them per form:
- 《文件登记表》: a new document is released once the information centre approves it;
- 《文件更改申请单》: the ops department and the information centre approve the change,
  and both confirm its result before the catalogue shows the new version;
- 《报废申请单》: the ops department and the information centre approve;
- 《文件借阅申请单》: the ops department approves.

A deployment whose client organises this differently sets
``ITSM["DOCUMENT_APPROVAL_BODIES"]`` in its settings, with any of these keys (missing
keys keep the plan's bodies). The bodies are copied into one decision row per body
when an application is filed (or its result handed in), so changing the setting never
alters an application already under way.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from servicedesk.choices import ApprovalBody

OPS = ApprovalBody.OPS_DEPARTMENT
CENTRE = ApprovalBody.INFORMATION_CENTRE

# (kind, stage) keys: "change_result" is the confirmation of a carried-out change.
DEFAULT_APPROVAL_BODIES = {
    "registration": [CENTRE],
    "change": [OPS, CENTRE],
    "change_result": [OPS, CENTRE],
    "scrap": [OPS, CENTRE],
    "borrow": [OPS],
}


def _key(kind: str, stage: str) -> str:
    return f"{kind}_result" if stage == "confirmation" else kind


def required_bodies(kind: str, stage: str = "approval") -> list[str]:
    """The bodies that must decide `kind` at `stage`, in the order they are shown."""
    configured = getattr(settings, "ITSM", {}).get("DOCUMENT_APPROVAL_BODIES", {}) or {}
    key = _key(kind, stage)
    bodies = configured.get(key, DEFAULT_APPROVAL_BODIES[key])
    unknown = [body for body in bodies if body not in ApprovalBody.values]
    if not bodies or unknown:
        raise ImproperlyConfigured(
            f"ITSM['DOCUMENT_APPROVAL_BODIES'][{key!r}] must list one or more of "
            f"{ApprovalBody.values}, not {list(bodies)!r}."
        )
    return list(dict.fromkeys(bodies))


def body_label(body: str) -> str:
    return str(ApprovalBody(body).label) if body in ApprovalBody.values else body


def bodies_label(bodies) -> str:
    """ "Operations department and Information centre", in the active language."""
    from django.utils.translation import pgettext

    return pgettext("list of approval bodies", " and ").join(body_label(b) for b in bodies)


def body_of(user) -> str:
    """The body an approver signs for (their profile), or "" when none."""
    person = getattr(user, "person", None)
    return getattr(person, "approval_body", "") or ""
