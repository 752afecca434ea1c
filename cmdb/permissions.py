"""What each role may do in the CMDB; merged into the role groups by servicedesk.roles.

Which rows a role sees is decided per object by cmdb.selectors: end users only their own.
"""

from servicedesk.choices import Role

_READ = ["cmdb.view_*"]
_EDIT_ITEMS = [
    "cmdb.add_configurationitem",
    "cmdb.change_configurationitem",
    "cmdb.add_configurationitemuser",
    "cmdb.change_configurationitemuser",
    "cmdb.delete_configurationitemuser",
    "cmdb.add_cirelationship",
    "cmdb.change_cirelationship",
    "cmdb.delete_cirelationship",
]
# Engineers import assets, scan in a census, request and issue spare parts, lend spare
# units. Supervisors (cmdb.add_* / change_*) also run censuses, confirm their results,
# approve requisitions, restock and take baselines.
_ENGINEER_WORK = [
    "cmdb.add_importbatch",
    "cmdb.change_importbatch",
    "cmdb.add_censusitem",
    "cmdb.change_censusitem",
    "cmdb.add_requisition",
    "cmdb.change_requisition",
    "cmdb.add_spareunitloan",
    "cmdb.change_spareunitloan",
]

ROLE_PERMISSIONS = {
    Role.END_USER: ["cmdb.view_configurationitem"],
    Role.SERVICE_DESK: [*_READ, "cmdb.change_configurationitem", "cmdb.add_requisition"],
    Role.ENGINEER: [
        *_READ,
        *_EDIT_ITEMS,
        *_ENGINEER_WORK,
        "cmdb.add_supplier",
        "cmdb.change_supplier",
    ],
    Role.SUPERVISOR: [
        *_READ,
        *_EDIT_ITEMS,
        *_ENGINEER_WORK,
        "cmdb.add_*",
        "cmdb.change_*",
        "cmdb.approve_requisition",
    ],
    Role.APPROVER: [*_READ],
    Role.MANAGER: [*_READ],
}
