"""The vendor work order by mail, with the order as PDF (vendors are not portal users)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.translation import gettext as _

from .models import VendorOrder
from .pdf import vendor_order_pdf


def vendor_order_mail(*, order_pk: int) -> bool:
    order = VendorOrder.objects.select_related("vendor__supplier", "work_order", "engineer").get(
        pk=order_pk
    )
    if not order.vendor.email:
        return False
    message = EmailMessage(
        subject=_("[%(number)s] Vendor work order") % {"number": order.number},
        body=_("Please sign for the attached vendor work order %(number)s and return a copy.")
        % {"number": order.number},
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[order.vendor.email],
    )
    message.attach(f"{order.number}.pdf", vendor_order_pdf(order), "application/pdf")
    message.send()
    return True
