"""Every write to a release (发布).

Each service checks the acting user's right on this release → locks the row and checks
the version the user saw → fires the transition → saves → writes the transition log →
queues notifications, all in one transaction, so a refusal leaves nothing half-done.

The rules the services guarantee:
- tested: the latest build has at least one test record, and every test case's newest
  record in that build passed (a later pass of the same case, compared case-insensitively,
  supersedes an earlier failure); tests of an earlier build do not count;
- authorised: every slot of the release approver set approved (an emergency release: the
  first approval); the requester and the release manager cannot sign; one signature per
  person; any rejection rejects the release;
- deployed: only an authorised release, inside (or after the start of) its planned window
  unless it is an emergency, with every bundled change approved; the refusal says what is
  missing. Deployment writes each affected item's history and the change log.
- affected users are told once, a lead time before the window (release_notify_upcoming);
  moving the window re-arms the notice.

Split by concern, everything importable from here: `editing` (create, edit, reschedule),
`testing` (build, test records, marking tested), `authorisation` (the approvers' decisions,
revising a rejected release), `deployment` (deploy, fail, roll back, close, cancel) and
`notices` (telling the affected users ahead of the window); `_common` holds the wording and
the helpers they share.
"""

from ._common import (
    CONFLICT,
    REFUSED,
    release_url,
)
from .authorisation import (
    approval_refusal,
    approval_slot_for,
    current_approvals,
    release_authorise,
    release_decide,
    release_reject,
    release_revise,
)
from .deployment import (
    CHANGE_CLEARED,
    deploy_blockers,
    release_cancel,
    release_close,
    release_deploy,
    release_fail,
    release_roll_back,
)
from .editing import (
    CONTENT_FIELDS,
    EDITABLE_STATUSES,
    release_create,
    release_reschedule,
    release_update,
)
from .notices import (
    notice_ahead,
    release_notify_upcoming,
)
from .testing import (
    TestingSummary,
    release_build,
    release_mark_tested,
    release_test_record_add,
    tested_blockers,
    testing_summary,
)

__all__ = [
    "CHANGE_CLEARED",
    "CONFLICT",
    "CONTENT_FIELDS",
    "EDITABLE_STATUSES",
    "REFUSED",
    "TestingSummary",
    "approval_refusal",
    "approval_slot_for",
    "current_approvals",
    "deploy_blockers",
    "notice_ahead",
    "release_authorise",
    "release_build",
    "release_cancel",
    "release_close",
    "release_create",
    "release_decide",
    "release_deploy",
    "release_fail",
    "release_mark_tested",
    "release_notify_upcoming",
    "release_reject",
    "release_reschedule",
    "release_revise",
    "release_roll_back",
    "release_test_record_add",
    "release_update",
    "release_url",
    "tested_blockers",
    "testing_summary",
]
