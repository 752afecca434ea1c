from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from itsm.cache import CachedTableModel, CachedTableQuerySet, cached_table

from ..choices import CategoryLevel


class Category(CachedTableModel):
    """The customer's fault taxonomy (§3.3.4.6): problem type → system type → fault type.

    Shared by work orders, problems and knowledge records so that the reports and the
    knowledge suggestions speak the same categories.
    """

    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=20, choices=CategoryLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    system_fault = models.BooleanField(
        _("system or network fault"),
        default=False,
        help_text=_(
            "Work orders in this category (or under it) go into the system running fault log "
            "(系统运行故障记录表)."
        ),
    )

    objects = CachedTableQuerySet.as_manager()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["level", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="category_name_unique_in_parent"
            ),
        ]

    def __str__(self):
        return self.name

    CACHE_KEY = "servicedesk:active-categories"

    @classmethod
    def active(cls) -> list["Category"]:
        """The active categories with their parents, in picker order; every fault form
        shows and checks them, so they come from the cache (forgotten on every edit)."""
        return cached_table(
            cls.CACHE_KEY,
            lambda: list(
                cls.objects.filter(is_active=True)
                .select_related("parent__parent")
                .order_by("sort_order", "name")
            ),
        )

    # Which level a category's parent must be (问题类型 › 系统类型 › 故障类型).
    PARENT_LEVEL = {
        CategoryLevel.PROBLEM_TYPE: None,
        CategoryLevel.SYSTEM_TYPE: CategoryLevel.PROBLEM_TYPE,
        CategoryLevel.FAULT_TYPE: CategoryLevel.SYSTEM_TYPE,
    }

    def clean(self):
        from django.core.exceptions import ValidationError

        wanted = self.PARENT_LEVEL.get(self.level)
        if wanted is None and self.parent_id:
            raise ValidationError({"parent": _("A problem type has no parent.")})
        if wanted is not None and (self.parent is None or self.parent.level != wanted):
            raise ValidationError(
                {
                    "parent": _("A %(level)s belongs under a %(parent)s.")
                    % {
                        "level": CategoryLevel(self.level).label,
                        "parent": CategoryLevel(wanted).label,
                    }
                }
            )
        if (
            self.parent_id is None
            and Category.objects.filter(parent__isnull=True, name=self.name)
            .exclude(pk=self.pk)
            .exists()
        ):
            raise ValidationError({"name": _("A problem type with this name exists already.")})

    def path(self) -> str:
        """'硬件 / 打印机 / 卡纸' — walks at most two parents (select_related them)."""
        names = [self.name]
        node = self
        while node.parent_id:
            node = node.parent
            names.append(node.name)
        return " / ".join(reversed(names))


class Team(models.Model):
    """A group of engineers that shares a queue (on site, remote, a district branch…)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), related_name="teams", blank=True
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self):
        return self.name
