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

ROLE_PERMISSIONS = {
    Role.END_USER: ["cmdb.view_configurationitem"],
    Role.SERVICE_DESK: [*_READ, "cmdb.change_configurationitem"],
    Role.ENGINEER: [*_READ, *_EDIT_ITEMS, "cmdb.add_supplier", "cmdb.change_supplier"],
    Role.SUPERVISOR: [*_READ, *_EDIT_ITEMS, "cmdb.add_*", "cmdb.change_*"],
    Role.APPROVER: [*_READ],
    Role.MANAGER: [*_READ],
}
