"""Extra attributes of a configuration item, defined per class by admins (no database).

A class's schema is a list of `{"key", "label", "type", "required", "choices"?}`; an
item's `attributes` is a dict keyed by those keys. Values are stored as JSON: dates as
ISO strings, decimals as numbers.
"""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .choices import AttributeType

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,49}$")


def validate_schema(schema) -> None:
    """Raise ValidationError unless `schema` is a well-formed list of attribute definitions."""
    if not isinstance(schema, list):
        raise ValidationError(_("The attribute schema must be a list."))
    seen = set()
    for position, spec in enumerate(schema, start=1):
        if not isinstance(spec, dict):
            raise ValidationError(_("Attribute %(n)s must be an object.") % {"n": position})
        key = spec.get("key")
        if not isinstance(key, str) or not _KEY.match(key):
            raise ValidationError(
                _("Attribute %(n)s: the key must be lower-case letters, digits and _.")
                % {"n": position}
            )
        if key in seen:
            raise ValidationError(_("Attribute key %(key)s appears twice.") % {"key": key})
        seen.add(key)
        if spec.get("type", AttributeType.TEXT) not in AttributeType.values:
            raise ValidationError(
                _("Attribute %(key)s: unknown type %(type)s.")
                % {"key": key, "type": spec.get("type")}
            )
        if spec.get("type") == AttributeType.CHOICE and not (
            isinstance(spec.get("choices"), list) and spec["choices"]
        ):
            raise ValidationError(
                _("Attribute %(key)s: a list type needs its choices.") % {"key": key}
            )
        unknown = set(spec) - {"key", "label", "type", "required", "choices"}
        if unknown:
            raise ValidationError(
                _("Attribute %(key)s: unknown settings %(names)s.")
                % {"key": key, "names": ", ".join(sorted(unknown))}
            )


def clean_attributes(schema: list, values) -> dict:
    """`values` checked and converted against `schema`; errors keyed by attribute key.

    Keys the schema does not define are refused, so a typo never hides a value.
    Empty strings count as missing.
    """
    if values in (None, ""):
        values = {}
    if not isinstance(values, dict):
        raise ValidationError(_("Attributes must be an object of key → value."))
    specs = {spec["key"]: spec for spec in schema}
    errors: dict[str, list[str]] = {}
    cleaned = {}
    for key in values:
        if key not in specs:
            errors.setdefault(key, []).append(
                _("This class has no attribute %(key)s.") % {"key": key}
            )
    for key, spec in specs.items():
        raw = values.get(key)
        if raw is None or raw == "":
            if spec.get("required"):
                errors.setdefault(key, []).append(
                    _("%(label)s is required.") % {"label": spec.get("label") or key}
                )
            continue
        try:
            cleaned[key] = clean_attribute(spec, raw)
        except ValidationError as exc:
            errors.setdefault(key, []).extend(exc.messages)
    if errors:
        raise ValidationError(
            {"attributes": [f"{key}: {message}" for key, ms in errors.items() for message in ms]}
        )
    return cleaned


def clean_attribute(spec: dict, raw):
    """One value converted to the attribute's type (as stored), or ValidationError."""
    try:
        return _convert(spec, raw)
    except (ValueError, TypeError, InvalidOperation):
        raise ValidationError(
            _("%(label)s: %(value)s is not a valid %(type)s.")
            % {
                "label": spec.get("label") or spec["key"],
                "value": str(raw)[:50],
                "type": AttributeType(spec.get("type", "text")).label,
            }
        ) from None


def display_attribute(spec: dict, value) -> str:
    """A stored value as a person (and the import) reads it: booleans as 是/否 (Yes/No)."""
    if value is None or value == "":
        return ""
    if spec.get("type") == AttributeType.BOOLEAN and isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _convert(spec: dict, raw):
    kind = spec.get("type", AttributeType.TEXT)
    if kind == AttributeType.TEXT:
        if isinstance(raw, dict | list):
            raise TypeError
        return str(raw).strip()[:500]
    if kind == AttributeType.INTEGER:
        if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
            raise ValueError
        return int(str(raw).strip())
    if kind == AttributeType.DECIMAL:
        if isinstance(raw, bool):
            raise ValueError
        number = Decimal(str(raw).strip())
        if not number.is_finite():
            raise ValueError
        return float(number)
    if kind == AttributeType.BOOLEAN:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in {"1", "true", "yes", "y", "是", "有"}:
            return True
        if text in {"0", "false", "no", "n", "否", "无"}:
            return False
        raise ValueError
    if kind == AttributeType.DATE:
        return date.fromisoformat(str(raw).strip()).isoformat()
    if kind == AttributeType.CHOICE:
        if str(raw) not in [str(c) for c in spec["choices"]]:
            raise ValueError
        return str(raw)
    raise ValueError
