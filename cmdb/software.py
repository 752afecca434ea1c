"""Reads for software and licences: per item, licence compliance, unlicensed installs.

Only installations on items still counted (in use, in stock, in repair, spare) take a
seat; retired and lost items free theirs.
"""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from .choices import CIStatus

COUNTED_STATUSES = (CIStatus.IN_USE, CIStatus.IN_STOCK, CIStatus.IN_REPAIR, CIStatus.SPARE)


@dataclass
class ProductCompliance:
    """A product's seats owned (None: unlimited) against its counted installations."""

    product: object
    installed: int
    owned: int | None
    unlicensed: int

    @property
    def over_deployed(self) -> bool:
        return (
            self.product.requires_licence and self.owned is not None and self.installed > self.owned
        )

    @property
    def shortfall(self) -> int:
        return max(0, self.installed - self.owned) if self.over_deployed else 0


def _valid(today) -> Q:
    return Q(expires_on__isnull=True) | Q(expires_on__gte=today)


def _unlicensed(today, prefix: str = "") -> Q:
    """An installation of a product needing a licence, with no valid licence."""
    p = prefix
    return Q(**{f"{p}product__requires_licence": True}) & (
        Q(**{f"{p}licence__isnull": True}) | Q(**{f"{p}licence__expires_on__lt": today})
    )


def software_compliance(*, user, today=None, over_only: bool = False) -> list[ProductCompliance]:
    """Every product the user may see with its installed count, seats owned and
    unlicensed installs; three queries however many products and installations."""
    from .models import SoftwareInstallation, SoftwareLicence, SoftwareProduct

    today = today or timezone.localdate()
    products = list(SoftwareProduct.objects.restrict(user, "view").order_by("name"))
    installs = {
        row["product"]: row
        for row in SoftwareInstallation.objects.filter(ci__status__in=COUNTED_STATUSES)
        .values("product")
        .annotate(installed=Count("pk"), unlicensed=Count("pk", filter=_unlicensed(today)))
        .order_by()
    }
    seats = {
        row["product"]: row
        for row in SoftwareLicence.objects.filter(_valid(today))
        .values("product")
        .annotate(owned_seats=Sum("seats"), unlimited=Count("pk", filter=Q(seats__isnull=True)))
        .order_by()
    }
    rows = []
    for product in products:
        counted = installs.get(product.pk, {})
        owned = seats.get(product.pk)
        if not product.requires_licence or (owned and owned["unlimited"]):
            owned_seats = None
        else:
            owned_seats = (owned["owned_seats"] or 0) if owned else 0
        rows.append(
            ProductCompliance(
                product=product,
                installed=counted.get("installed", 0),
                owned=owned_seats,
                # A valid unlimited (site) licence covers every install, assigned or not.
                unlicensed=counted.get("unlicensed", 0) if owned_seats is not None else 0,
            )
        )
    if over_only:
        rows = [row for row in rows if row.over_deployed]
    return rows


def licence_list(*, user, today=None) -> QuerySet:
    """Licences the user may see, each with `used` (counted installations using it)."""
    from .models import SoftwareLicence

    return (
        SoftwareLicence.objects.restrict(user, "view")
        .select_related("product", "supplier")
        .annotate(
            used=Count("installations", filter=Q(installations__ci__status__in=COUNTED_STATUSES))
        )
        .order_by("product__name", "reference")
    )


def unlicensed_installations(*, user, today=None) -> QuerySet:
    """Installations of products needing a licence that have no valid licence, on items
    still counted."""
    from .models import SoftwareInstallation, SoftwareLicence

    today = today or timezone.localdate()
    unlimited = SoftwareLicence.objects.filter(_valid(today), seats__isnull=True)
    return (
        SoftwareInstallation.objects.restrict(user, "view")
        .filter(_unlicensed(today), ci__status__in=COUNTED_STATUSES)
        .exclude(product__in=unlimited.values("product"))
        .select_related(
            "product", "licence", "ci__ci_class", "ci__responsible__person", "ci__department"
        )
        .order_by("product__name", "ci__asset_tag")
    )


def ci_installations(*, user, ci) -> list:
    """The software on `ci` with the licence each uses ([] for who may not see software)."""
    from .models import SoftwareInstallation

    return list(
        SoftwareInstallation.objects.restrict(user, "view")
        .filter(ci=ci)
        .select_related("product", "licence")
        .order_by("product__name")
    )


def ci_software_titles(ci) -> list[str]:
    """The product names installed on `ci` (for the inspection's census comparison)."""
    from .models import SoftwareInstallation

    return list(
        SoftwareInstallation.objects.filter(ci=ci)
        .order_by("product__name")
        .values_list("product__name", flat=True)
    )


def licence_options(installations) -> dict[int, list]:
    """{product id: its valid licences} for the products of `installations` (one query)."""
    from .models import SoftwareLicence

    options: dict[int, list] = {}
    products = {i.product_id for i in installations}
    licences = SoftwareLicence.objects.filter(_valid(timezone.localdate()), product__in=products)
    for licence in licences.order_by("reference"):
        options.setdefault(licence.product_id, []).append(licence)
    return options
