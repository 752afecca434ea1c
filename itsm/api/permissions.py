from rest_framework.permissions import DjangoModelPermissions


class ModelPermissions(DjangoModelPermissions):
    """Django model permissions, reads included: the API grants exactly what the roles grant.

    DRF's default lets any authenticated user read; here reading needs the `view`
    permission too, so a role sees through the API no more than on the pages. Which rows
    a user sees is still narrowed per object by each app's selectors.
    """

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }


class ActOnVisible(ModelPermissions):
    """For action endpoints: seeing the model is enough at the API layer; the service
    then decides per object and per role (approvers hold no `add_…`, yet sign)."""

    perms_map = {**ModelPermissions.perms_map, "POST": ["%(app_label)s.view_%(model_name)s"]}
