"""Demo software, licences and responsible-person cases (called by cmdb.demo.seed).

Idempotent: products, licences and installations are created once; the rule's demo
cases (shared printers, an owner who left) are set up only the first time, so an
administrator's fixes survive a re-run.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from servicedesk.models import Person

from .choices import InstallationSource, LicenceType, SoftwareCategory
from .models import (
    ConfigurationItem,
    ConfigurationItemUser,
    SoftwareInstallation,
    SoftwareLicence,
    SoftwareProduct,
)

# name, publisher, category, needs a licence, aliases
PRODUCTS = [
    ("Windows 10 专业版", "Microsoft", SoftwareCategory.OPERATING_SYSTEM, True, "Windows 10"),
    ("Microsoft Office 2019 专业增强版", "Microsoft", SoftwareCategory.OFFICE, True, "Office 2019"),
    ("WPS Office 2019", "金山办公", SoftwareCategory.OFFICE, True, "WPS"),
    ("Adobe Acrobat DC", "Adobe", SoftwareCategory.APPLICATION, True, ""),
    ("7-Zip", "Igor Pavlov", SoftwareCategory.TOOL, False, "7zip"),
]
# product, reference, type, seats, contract, media, manual, expires in days (None: never)
LICENCES = [
    ("Windows 10 专业版", "OEM-LNV-2024", LicenceType.OEM, 300, "HT-2024-001", "", "", None),
    (
        "Microsoft Office 2019 专业增强版",
        "VL-2024-0817",
        LicenceType.VOLUME,
        40,
        "HT-2024-005",
        "信息中心 210 室资料柜 A 层",
        "信息中心 210 室资料柜 A 层",
        None,
    ),
    (
        "WPS Office 2019",
        "WPS-SITE-2025",
        LicenceType.SITE,
        None,
        "HT-2025-002",
        "内网软件库",
        "",
        400,
    ),
    ("Adobe Acrobat DC", "ADB-2025-01", LicenceType.SUBSCRIPTION, 5, "HT-2025-003", "", "", 200),
]
OFFICE_PCS = 50  # Office 2019 is on the first 50 PCs: 40 seats, so 10 over-deployed


def seed_software(now=None) -> str:
    now = now or timezone.now()
    today = timezone.localdate(now)
    products = {}
    for name, publisher, category, needs, aliases in PRODUCTS:
        products[name], _ = SoftwareProduct.objects.get_or_create(
            name=name,
            defaults={
                "publisher": publisher,
                "category": category,
                "requires_licence": needs,
                "aliases": aliases,
            },
        )
    licences = {}
    for name, reference, kind, seats, contract, media, manual, days in LICENCES:
        licences[name], _ = SoftwareLicence.objects.get_or_create(
            product=products[name],
            reference=reference,
            defaults={
                "licence_type": kind,
                "seats": seats,
                "contract_number": contract,
                "media_location": media,
                "manual_location": manual,
                "expires_on": today + timedelta(days=days) if days else None,
                "purchased_on": today - timedelta(days=300),
            },
        )
    if SoftwareInstallation.objects.exists():
        return "software already loaded"
    pcs = list(
        ConfigurationItem.objects.filter(asset_tag__startswith="PC-")
        .exclude(responsible__isnull=True)
        .order_by("asset_tag")
        .values_list("pk", flat=True)
    )
    rows = []

    def install(ci_id, product, licence=None, n=0):
        seen = now - timedelta(days=n % 30)
        rows.append(
            SoftwareInstallation(
                ci_id=ci_id,
                product=products[product],
                licence=licence,
                source=InstallationSource.INSPECTION if n % 4 else InstallationSource.IMPORT,
                reference="" if n % 4 else "import demo",
                first_seen=seen - timedelta(days=180),
                last_seen=seen,
            )
        )

    office = licences["Microsoft Office 2019 专业增强版"]
    for n, pk in enumerate(pcs):
        install(pk, "Windows 10 专业版", licences["Windows 10 专业版"], n)
        install(pk, "7-Zip", None, n)
        if n < OFFICE_PCS:
            install(pk, "Microsoft Office 2019 专业增强版", office if n < office.seats else None, n)
        else:
            install(pk, "WPS Office 2019", licences["WPS Office 2019"], n)
        if n % 60 == 0:
            install(pk, "Adobe Acrobat DC", licences["Adobe Acrobat DC"], n)
    SoftwareInstallation.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return f"{len(rows)} software installations"


def seed_responsible_rule() -> str:
    """Give the estate's infrastructure and spares a responsible person, and set up a few
    breaches: shared printers (one by the rule, one not, one with none) and a device whose
    responsible person has left."""
    printers = list(
        ConfigurationItem.objects.filter(
            asset_tag__in=["PR-001", "PR-002", "PR-003", "PR-004"]
        ).order_by("asset_tag")
    )
    if len(printers) < 4 or ConfigurationItemUser.objects.filter(item=printers[0]).exists():
        return "responsible rule cases already set up"
    User = get_user_model()
    keeper = User.objects.filter(username="approver2").first()
    if keeper is not None:
        unheld = list(
            ConfigurationItem.objects.filter(
                Q(asset_tag__startswith="NW-")
                | Q(asset_tag__startswith="SV-")
                | Q(asset_tag__startswith="UPS-")
                | Q(asset_tag__startswith="PC-"),
                responsible__isnull=True,
                parent__isnull=True,
            ).values_list("pk", flat=True)
        )
        # Accessories follow their parent, as cmdb.services would have it.
        ConfigurationItem.objects.filter(
            Q(pk__in=unheld) | Q(parent_id__in=unheld), responsible__isnull=True
        ).update(responsible=keeper)
    people = list(
        Person.objects.filter(user__username__startswith="staff", user__is_active=True)
        .select_related("user")
        .order_by("user__username")[:9]
    )
    if len(people) < 9:
        return "not enough people for the responsible rule cases"
    for n, person in enumerate(people, 1):
        if not person.employee_number:
            person.employee_number = f"{1000 + n * 7}"
            person.save(update_fields=["employee_number"])
    # Code order inside each trio: the first person has the smallest employee number.
    for printer, trio in zip(printers[:3], (people[0:3], people[3:6], people[6:9]), strict=True):
        ConfigurationItemUser.objects.bulk_create(
            [ConfigurationItemUser(item=printer, user=p.user) for p in trio],
            ignore_conflicts=True,
        )
    ConfigurationItem.objects.filter(pk=printers[0].pk).update(responsible=people[0].user)
    ConfigurationItem.objects.filter(pk=printers[1].pk).update(responsible=people[5].user)
    ConfigurationItem.objects.filter(pk=printers[2].pk).update(responsible=None)
    former, created = User.objects.get_or_create(
        username="former01", defaults={"is_active": False, "email": "former01@example.gov.cn"}
    )
    if created:
        former.set_unusable_password()
        former.save()
        Person.objects.get_or_create(
            user=former, defaults={"name": "离职人员", "employee_number": "0999"}
        )
    ConfigurationItem.objects.filter(pk=printers[3].pk).update(responsible=former)
    return "responsible rule cases set up"
