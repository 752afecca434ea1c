from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter


class StrictOrderingFilter(OrderingFilter):
    """`?ordering=` with a field the list cannot sort by is a 400 naming the allowed
    fields, not silently ignored (a client would believe the rows were sorted)."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            terms = [term.strip() for term in params.split(",") if term.strip()]
            valid = {
                name for name, _label in self.get_valid_fields(queryset, view, {"request": request})
            }
            bad = [term for term in terms if term.lstrip("-") not in valid]
            if bad:
                raise ValidationError(
                    {
                        self.ordering_param: _(
                            "Cannot sort by %(fields)s. Sortable fields: %(valid)s."
                        )
                        % {
                            "fields": ", ".join(bad),
                            "valid": ", ".join(sorted(valid)) or "—",
                        }
                    }
                )
        return super().get_ordering(request, queryset, view)
