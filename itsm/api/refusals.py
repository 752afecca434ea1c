"""The services' refusals as API answers, shared by every process app's viewsets.

Services raise Django's PermissionDenied and ValidationError with messages meant for
people, plus the pipeline's Conflict ("changed since you read it") and IllegalTransition
(a ValidationError). The API answers 403, 400 and 409 with those same messages.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status

from itsm import workflow


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class ServiceRefusalsMixin:
    """Maps the pipeline's errors to 409 and the services' refusals to 403/400."""

    conflict_errors: tuple[type[Exception], ...] = (workflow.Conflict, workflow.IllegalTransition)

    def handle_exception(self, exc):
        # Conflicts first: IllegalTransition is also a ValidationError.
        if self.conflict_errors and isinstance(exc, self.conflict_errors):
            exc = Conflict(" ".join(getattr(exc, "messages", None) or [str(exc)]))
        elif isinstance(exc, DjangoPermissionDenied):
            exc = exceptions.PermissionDenied(str(exc) or None)
        elif isinstance(exc, DjangoValidationError):
            detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            exc = exceptions.ValidationError(detail)
        return super().handle_exception(exc)


def number_lookup(noun: str, example: str) -> OpenApiParameter:
    """The `{number}` path parameter every process API takes (a form number or an id)."""
    return OpenApiParameter(
        "number",
        OpenApiTypes.STR,
        OpenApiParameter.PATH,
        description=f"The {noun} number (`{example}`) or its numeric id.",
    )


def action_schema(*, lookup: OpenApiParameter, refused: dict, response):
    """A decorator factory documenting one action endpoint: its request, its answer and
    the refusals (400/403/404/409) the app describes in `refused`."""

    def act(request_serializer, summary, *, response=response, code=200):
        return extend_schema(
            summary=summary,
            parameters=[lookup],
            request=request_serializer,
            responses={code: response, **refused},
        )

    return act
