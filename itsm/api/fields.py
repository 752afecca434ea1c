"""Small API field helpers every process app shares."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


def enum_field(choices, name: str):
    """A choice field documented under its own enum name in the OpenAPI document
    (e.g. `DocumentStatusEnum`: several models have a `status` with other values)."""

    @extend_schema_field({"type": "string", "enum": list(choices.values)}, component_name=name)
    class Field(serializers.ChoiceField):
        def __init__(self, **kwargs):
            super().__init__(choices=choices.choices, **kwargs)

    Field.__name__ = f"{name}Field"
    return Field
