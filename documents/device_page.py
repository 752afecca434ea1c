"""The library's entries for a device, on its CMDB page (cmdb.device_links): drivers,
patches, images and lists for the device's model and class, and a link to the library
search with that model, so the CMDB never imports documents."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from cmdb.device_links import SHOWN, DevicePanel, DeviceRow

from . import permissions, selectors


def library_url(*, model: str = "", ci_class: str = "") -> str:
    query = {name: value for name, value in (("model", model), ("ci_class", ci_class)) if value}
    url = reverse("documents:library_list")
    return f"{url}?{urlencode(query)}" if query else url


def library_panel(user, ci) -> DevicePanel | None:
    """Current library entries for `ci`'s model (its “brand and model” attribute) and
    class; None for who may not read the library. Two queries (entries, count)."""
    if not permissions.role_allows(user, "read"):
        return None
    model = str((ci.attributes or {}).get("brand_model") or "").strip()
    ci_class = ci.ci_class.code
    entries = selectors.library_list(user=user, model=model, ci_class=ci_class)
    shown = list(
        entries.select_related(None).prefetch_related(None).order_by("kind", "title")[:SHOWN]
    )
    total = len(shown) if len(shown) < SHOWN else entries.count()
    url = library_url(model=model, ci_class=ci_class)
    return DevicePanel(
        key="library",
        title=_("Drivers and software"),
        rows=[
            DeviceRow(
                number=entry.get_kind_display(),
                title=" · ".join(
                    part for part in (entry.title, entry.version, entry.operating_system) if part
                ),
                url=entry.get_absolute_url(),
            )
            for entry in shown
        ],
        total=total,
        empty=_("The library has nothing for this model yet."),
        more_url=url,
        actions=[(_("Drivers for this model"), url, "cpu")],
    )
