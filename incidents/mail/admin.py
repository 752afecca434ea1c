"""Admin for the mail intake: what came in, what became of it, and retry for what failed.

Registered when incidents/admin.py imports this module (Django autodiscovers only
`<app>/admin.py`).
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..models.mail import InboundMail, InboundMailStatus
from .intake import inbound_mail_retry


@admin.register(InboundMail)
class InboundMailAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "status",
        "from_address",
        "subject",
        "work_order_link",
        "short_reason",
    ]
    list_filter = ["status", "created_at"]
    search_fields = ["message_id", "from_address", "subject", "work_order__number"]
    date_hierarchy = "created_at"
    list_select_related = ["work_order"]
    show_full_result_count = False
    fields = [
        "message_id",
        "mailbox_uid",
        "from_address",
        "subject",
        "received_at",
        "created_at",
        "status",
        "reason",
        "work_order_link",
        "raw_size",
    ]
    readonly_fields = fields
    actions = ["retry"]

    def get_queryset(self, request):
        # The raw bytes (up to megabytes a row) stay in the database unless asked for.
        return super().get_queryset(request).defer("raw")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("work order"), ordering="work_order__number")
    def work_order_link(self, obj):
        if obj.work_order_id is None:
            return "—"
        url = reverse("admin:incidents_workorder_change", args=[obj.work_order_id])
        return format_html('<a href="{}">{}</a>', url, obj.work_order.number)

    @admin.display(description=_("reason"))
    def short_reason(self, obj):
        return Truncator(obj.reason).chars(80)

    @admin.display(description=_("raw mail kept"))
    def raw_size(self, obj):
        raw = InboundMail.objects.filter(pk=obj.pk).values_list("raw", flat=True).first()
        return _("%(size)d bytes") % {"size": len(raw)} if raw else "—"

    @admin.action(description=_("Process the selected failed or rejected mail again"))
    def retry(self, request, queryset):
        done, refused = 0, []
        for mail in queryset.only("pk", "message_id"):
            try:
                result = inbound_mail_retry(inbound_mail=mail)
            except ValidationError as exc:
                refused.append(f"{mail.message_id}: {' '.join(exc.messages)}")
                continue
            if result.status in (InboundMailStatus.FAILED, InboundMailStatus.REJECTED):
                refused.append(f"{mail.message_id}: {result.reason}")
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(n)d mail processed again.", "%(n)d mails processed again.", done)
                % {"n": done},
                messages.SUCCESS,
            )
        for line in refused:
            self.message_user(request, line, messages.WARNING)
