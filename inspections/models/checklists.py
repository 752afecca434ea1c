from django.db import models
from django.utils.translation import gettext_lazy as _


class ChecklistTemplate(models.Model):
    """The checklist for one CI class, in one version.

    A record points at the version it was filled against and copies each item's text into
    its result lines, so editing a checklist (admin saves a new version once records use
    it) never rewrites what an engineer ticked.
    """

    ci_class = models.ForeignKey(
        "cmdb.CIClass",
        verbose_name=_("class"),
        on_delete=models.PROTECT,
        related_name="inspection_checklists",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        ordering = ["ci_class__name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["ci_class", "version"], name="inspections_checklist_class_version"
            )
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"


class ChecklistItem(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("checklist template"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("item"), max_length=200)
    guidance = models.CharField(_("guidance"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["template", "order", "pk"]

    def __str__(self):
        return self.text
