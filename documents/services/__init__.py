"""Every write to the controlled documents (文档管理, operations plan §3.2).

Each service checks the acting user (documents.permissions: the role rule, and for a
decision the one decision_refusal the pages and the approvals inbox use too) → locks
the rows through itsm.workflow (document first, then the application) and compares the
lock_version the user saw → fires the transition → saves → writes the transition log
(on the application and on the document, so the document's timeline tells the whole
story) → notifies. All in one transaction: a refusal leaves nothing half-done.
"""

from .applications import (
    application_approve,
    application_reject,
    application_withdraw,
    change_apply,
    change_result_confirm,
    change_result_record,
    scrap_apply,
)
from .catalogue import (
    document_number_resolve,
    document_register,
    document_release,
    document_release_reject,
    document_release_resubmit,
    document_update,
)
from .common import (
    BORROW_MAX_DAYS,
    CATALOGUE_FIELDS,
    CHANGE_OPEN,
    CHECK_REMIND_DAYS,
    CONFLICT,
    application_kind,
    decision_stage,
)
from .handins import (
    HANDIN_REMIND_DAYS,
    handin_accept,
    handin_for,
    handin_return,
    handin_scan,
    handin_submit,
)
from .library import library_entry_save
from .loans import borrow_apply, borrow_lend, borrow_return, overdue_borrowings_scan
from .upkeep import backup_create, backup_verify, check_record, validity_check_scan

__all__ = [
    "BORROW_MAX_DAYS",
    "CATALOGUE_FIELDS",
    "CHANGE_OPEN",
    "CHECK_REMIND_DAYS",
    "CONFLICT",
    "HANDIN_REMIND_DAYS",
    "application_approve",
    "application_kind",
    "application_reject",
    "application_withdraw",
    "backup_create",
    "backup_verify",
    "borrow_apply",
    "borrow_lend",
    "borrow_return",
    "change_apply",
    "change_result_confirm",
    "change_result_record",
    "check_record",
    "decision_stage",
    "document_number_resolve",
    "document_register",
    "document_release",
    "document_release_reject",
    "document_release_resubmit",
    "document_update",
    "handin_accept",
    "handin_for",
    "handin_return",
    "handin_scan",
    "handin_submit",
    "library_entry_save",
    "overdue_borrowings_scan",
    "scrap_apply",
    "validity_check_scan",
]
