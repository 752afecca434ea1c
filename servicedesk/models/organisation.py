from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from itsm.cache import CachedTableModel, CachedTableQuerySet

from ..choices import ApprovalBody

# Levels, departments, buildings and locations: what filing a fault reads for its
# requester, kept as one cached table (servicedesk.selectors.organisation_table).
ORGANISATION_CACHE_KEY = "servicedesk:organisation"

phone_validator = RegexValidator(
    r"^[0-9+\-() ]{3,30}$",
    _("Enter a phone number: digits, spaces and + - ( ) only."),
)


class ServiceLevel(CachedTableModel):
    """A service level of the contract (§6.2.1): VIP, Advanced, Standard.

    `rank` orders them: a work order takes the highest of its requester's and its
    device's level.
    """

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=50)
    rank = models.PositiveSmallIntegerField(
        _("rank"), unique=True, help_text=_("Higher ranks are served first.")
    )
    response_minutes = models.PositiveIntegerField(
        _("response target (business minutes)"),
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution target (business minutes)"),
    )
    description = models.TextField(_("description"), blank=True)
    is_default = models.BooleanField(
        _("default level"), default=False, help_text=_("Used for people with no level set.")
    )

    CACHE_KEY = ORGANISATION_CACHE_KEY
    objects = CachedTableQuerySet.as_manager()

    class Meta:
        verbose_name = _("service level")
        verbose_name_plural = _("service levels")
        ordering = ["-rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_service_level",
            ),
            models.CheckConstraint(
                condition=models.Q(resolution_minutes__gte=models.F("response_minutes")),
                name="service_level_resolution_after_response",
                violation_error_message=_(
                    "The resolution target cannot be shorter than the response target."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def default(cls):
        """The level for people with none (the one marked default, else the lowest rank),
        from the cached organisation table: every list of people asks for it."""
        from ..selectors import organisation_table

        levels = list(organisation_table()["levels"].values())
        marked = [level for level in levels if level.is_default]
        return (marked or sorted(levels, key=lambda level: (level.rank, level.pk)) or [None])[0]


class Department(CachedTableModel):
    """A department (处室) of the client; branches nest under a parent for a city-wide desk."""

    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=30, unique=True, allow_unicode=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    service_level = models.ForeignKey(
        ServiceLevel,
        verbose_name=_("service level"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Named departments may have a higher level than their people's default."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    CACHE_KEY = ORGANISATION_CACHE_KEY
    objects = CachedTableQuerySet.as_manager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="department_name_unique_in_parent"
            )
        ]

    def __str__(self):
        return self.name


class Building(CachedTableModel):
    name = models.CharField(_("name"), max_length=100, unique=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    CACHE_KEY = ORGANISATION_CACHE_KEY
    objects = CachedTableQuerySet.as_manager()

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Location(CachedTableModel):
    """A place in a building: floor and room, where people sit and devices stand."""

    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="locations"
    )
    floor = models.CharField(_("floor"), max_length=20)
    room = models.CharField(_("room"), max_length=50, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)

    CACHE_KEY = ORGANISATION_CACHE_KEY
    objects = CachedTableQuerySet.as_manager()

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["building__name", "floor", "room"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "floor", "room"], name="location_unique_room"
            )
        ]

    def __str__(self):
        parts = [self.building.name, _("floor %(floor)s") % {"floor": self.floor}]
        if self.room:
            parts.append(self.room)
        return " / ".join(str(p) for p in parts)


class Person(models.Model):
    """The profile of a portal user: who they are in the client's organisation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="person",
    )
    name = models.CharField(_("full name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    mobile = models.CharField(_("mobile"), max_length=30, blank=True, validators=[phone_validator])
    employee_number = models.CharField(_("employee number"), max_length=30, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    location = models.ForeignKey(
        Location,
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    service_level = models.ForeignKey(
        ServiceLevel,
        verbose_name=_("service level"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
        help_text=_("Leave empty for the department's level, or the default level."),
    )
    approval_body = models.CharField(
        _("approves for"),
        max_length=30,
        choices=ApprovalBody.choices,
        blank=True,
        help_text=_("Only for approvers: the client body they sign for."),
    )
    # Mail intake files mail only under a verified address: one the person proved they
    # read (a link sent to it), or one an administrator or the desk entered for them.
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)
    pending_email = models.EmailField(_("e-mail waiting for verification"), blank=True)
    # §4.3.2: the client hands over "the directory of service recipients and what to mind
    # with each"; the desk reads it on the work order and while taking the call.
    service_notes = models.TextField(
        _("service notes"),
        blank=True,
        help_text=_(
            "What the desk and engineers should mind when serving this person "
            "(shown on their work orders and in phone intake)."
        ),
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name"]
        indexes = [models.Index(fields=["phone"]), models.Index(fields=["mobile"])]

    def __str__(self):
        return self.name

    def effective_service_level(self):
        """Own level, else the department's, else the default (no query if preloaded)."""
        if self.service_level_id:
            return self.service_level
        if self.department_id and self.department.service_level_id:
            return self.department.service_level
        return ServiceLevel.default()
