from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The portal's roles; each is a Django group of the same name (see roles.py)."""

    END_USER = "end_user", _("End user")
    SERVICE_DESK = "service_desk", _("Service desk")
    ENGINEER = "engineer", _("Engineer")
    SUPERVISOR = "supervisor", _("Service supervisor")
    APPROVER = "approver", _("Approver")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("Administrator")


class ApprovalBody(models.TextChoices):
    """Client-side bodies that approve plans, changes, documents and blacklists."""

    OPS_DEPARTMENT = "ops_department", _("Operations department")
    INFORMATION_CENTRE = "information_centre", _("Information centre")


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Day off")
    WORKDAY = "workday", _("Make-up working day")


class CalendarDaySource(models.TextChoices):
    PACKAGE = "package", _("Holidays package")
    MANUAL = "manual", _("Entered by admin")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class CategoryLevel(models.TextChoices):
    PROBLEM_TYPE = "problem_type", _("Problem type")
    SYSTEM_TYPE = "system_type", _("System type")
    FAULT_TYPE = "fault_type", _("Fault type")


class OnCallRole(models.TextChoices):
    """Who the rota names outside on-site hours (§6.2.1: 7×24 phone, on site if needed)."""

    PHONE = "phone", _("Phone (7×24)")
    ON_SITE = "on_site", _("On site")
