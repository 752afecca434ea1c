"""Reading a cell: the value it names in a field, with the file's reference data."""

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import translation
from django.utils.translation import gettext as _

from servicedesk.models import Department, Location

from ...choices import CIStatus
from ...models import CIClass, Supplier
from ._common import _NewSupplier, _norm, _parse_date


class _Lookups:
    """Reference data for a whole file, loaded in a fixed number of queries."""

    def __init__(self, cells_by_field: dict[str, set[str]]):
        self.classes = {}
        for cls in CIClass.objects.all():
            self.classes[_norm(cls.code)] = cls
            self.classes.setdefault(_norm(cls.name), cls)
        self.suppliers = {_norm(s.name): s for s in Supplier.objects.all()}
        self.departments = {}
        for dept in Department.objects.all():
            self.departments[_norm(dept.code)] = dept
            self.departments.setdefault(_norm(dept.name), dept)
        self.locations = {}
        for loc in Location.objects.select_related("building"):
            self.locations.setdefault(location_key(loc), loc)
            if loc.description:
                self.locations.setdefault(_norm(loc.description), loc)
        # The customer's words, whatever language the UI is compiled in.
        self.statuses = {
            "在用": CIStatus.IN_USE, "使用中": CIStatus.IN_USE, "库存": CIStatus.IN_STOCK,
            "在库": CIStatus.IN_STOCK, "维修": CIStatus.IN_REPAIR, "维修中": CIStatus.IN_REPAIR,
            "备用": CIStatus.SPARE, "备机": CIStatus.SPARE, "报废": CIStatus.RETIRED,
            "已报废": CIStatus.RETIRED, "丢失": CIStatus.LOST, "遗失": CIStatus.LOST,
        }  # fmt: skip
        for status in CIStatus:
            self.statuses[_norm(status.value)] = status.value
            for language in ("zh-hans", "en"):
                with translation.override(language):
                    self.statuses.setdefault(_norm(str(status.label)), status.value)
        self._load_people(cells_by_field.get("responsible", set()))

    def _load_people(self, values: set[str]) -> None:
        usernames, names = set(), set()
        for value in values:
            name, username = _split_person(value)
            if username:
                usernames.add(username.lower())
            else:
                usernames.add(value.lower())
                names.add(value)
        users = get_user_model().objects.select_related("person")
        found = list(users.filter(Q(username__in=usernames) | Q(person__name__in=names)))
        # usernames are case-sensitive in Django; compare case-insensitively here
        if usernames:
            found += list(
                users.annotate(u=Upper("username")).filter(u__in=[u.upper() for u in usernames])
            )
        self.by_username = {u.username.lower(): u for u in found}
        self.by_name: dict[str, list] = {}
        for user in {u.pk: u for u in found}.values():
            person = getattr(user, "person", None)
            if person is not None:
                self.by_name.setdefault(person.name, []).append(user)


def _split_person(value: str) -> tuple[str, str]:
    """'王芳 (wangfang)' → ('王芳', 'wangfang'); anything else → (value, '')."""
    match = re.match(r"^(.*?)\s*[(（]\s*([^()（）\s]+)\s*[)）]$", value)
    return (match.group(1), match.group(2)) if match else (value, "")


_FLOOR = re.compile(r"^(?:f|floor)?(\d+)(?:层|楼层|f|楼)?$", re.IGNORECASE)
_FLOOR_WORDS = {"层", "楼层", "f", "floor"}


def location_key(location) -> str:
    return _location_text_key(f"{location.building.name} {location.floor} {location.room or ''}")


def _location_text_key(text: str) -> str:
    """'机关办公楼 / 3 层 / 301', '机关办公楼 3F 301', '机关办公楼 / floor 3 / 301' → one key.

    The first token is the building; after it, floor words go and '3层' / 'F3' become 3.
    """
    tokens = [t for t in re.split(r"[\s/,，、|>＞]+", str(text).strip().lower()) if t]
    out = tokens[:1]
    for token in tokens[1:]:
        if token in _FLOOR_WORDS:
            continue
        match = _FLOOR.match(token)
        out.append(match.group(1) if match else token)
    return "|".join(out)


def _resolve(key: str, text: str, lookups: _Lookups):
    """The Python value for `text` in field `key`, or ValueError(reason)."""
    if key in ("name", "contract_number", "serial_number", "system_serial"):
        return text
    if key == "warranty_end":
        try:
            return _parse_date(text)
        except ValueError:
            raise ValueError(
                _("%(value)s is not a date (use 2026-03-31).") % {"value": text}
            ) from None
    if key == "ip_address":
        try:
            validate_ipv46_address(text)
        except ValidationError:
            raise ValueError(_("%(value)s is not an IP address.") % {"value": text}) from None
        return text
    if key == "supplier":
        return lookups.suppliers.get(_norm(text)) or _NewSupplier(text[:200])
    if key == "ci_class":
        found = lookups.classes.get(_norm(text))
        if found is None:
            raise ValueError(_("No class %(value)s.") % {"value": text})
        return found
    if key == "department":
        found = lookups.departments.get(_norm(text))
        if found is None:
            raise ValueError(_("No department %(value)s.") % {"value": text})
        return found
    if key == "location":
        found = lookups.locations.get(_location_text_key(text)) or lookups.locations.get(
            _norm(text)
        )
        if found is None:
            raise ValueError(
                _("No location %(value)s (write building / floor / room).") % {"value": text}
            )
        return found
    if key == "status":
        found = lookups.statuses.get(_norm(text))
        if found is None:
            raise ValueError(_("No status %(value)s.") % {"value": text})
        return found
    if key == "responsible":
        name, username = _split_person(text)
        if username:
            user = lookups.by_username.get(username.lower())
        else:
            user = lookups.by_username.get(text.lower())
            if user is None:
                people = lookups.by_name.get(text, [])
                if len(people) > 1:
                    raise ValueError(
                        _("Several people are called %(value)s; give the username.")
                        % {"value": text}
                    )
                user = people[0] if people else None
        if user is None:
            raise ValueError(_("No user %(value)s.") % {"value": text})
        return user
    raise ValueError(_("Unknown field."))
