"""Mailing a delivered report with its PDF to the type's recipients.

One message per recipient: an invalid or refused address is recorded on its
ReportDelivery row (shown on the report's page and told to the person who delivered it)
while the others still get the report. Idempotent: an address already sent to is skipped,
so a retried task does not mail anyone twice.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from servicedesk.notifications import notify

from .choices import ReportStatus
from .models import Report, ReportDelivery
from .rendering import report_filename, report_pdf
from .services import report_setting_get

logger = logging.getLogger(__name__)


def _recipients(report: Report) -> list[tuple[object | None, str]]:
    setting = report_setting_get(report.type)
    seen, found = set(), []
    for user in setting.recipients.filter(is_active=True).order_by("pk"):
        key = (user.email or f"user:{user.pk}").lower()
        if key not in seen:
            seen.add(key)
            found.append((user, user.email))
    for address in setting.address_list:
        if address.lower() not in seen:
            seen.add(address.lower())
            found.append((None, address))
    return found


def report_mail_send(*, report_pk: int) -> dict[str, int]:
    """Send the delivered report to each recipient; returns counts of sent and failed."""
    report = Report.objects.select_related("delivered_by").get(pk=report_pk)
    if report.status != ReportStatus.DELIVERED:
        return {"sent": 0, "failed": 0}
    done = set(report.deliveries.filter(sent_at__isnull=False).values_list("address", flat=True))
    pending = [(user, address) for user, address in _recipients(report) if address not in done]
    if not pending:
        return {"sent": 0, "failed": 0}
    try:
        attachment = report_pdf(report)
    except Exception as exc:  # never a mail without (or with a blank) report
        logger.exception("report %s: PDF for delivery failed", report.number)
        attachment, pdf_error = None, f"{exc.__class__.__name__}: {exc}"
    sent, failed = 0, []
    with override(settings.LANGUAGE_CODE):
        subject = _("[%(number)s] %(type)s for %(period)s") % {
            "number": report.number,
            "type": report.type_title,
            "period": report.period.slug,
        }
        body = _("Please find attached the %(type)s for %(period)s (version %(version)s).") % {
            "type": report.type_title,
            "period": report.period.slug,
            "version": report.version,
        }
        for user, address in pending:
            error = ""
            if attachment is None:
                error = _("The PDF could not be rendered (%(error)s).") % {"error": pdf_error}
            elif not address:
                error = _("This user has no e-mail address.")
            else:
                try:
                    validate_email(address)
                except ValidationError:
                    error = _("Not a valid e-mail address.")
            if not error:
                message = EmailMessage(
                    subject=subject,
                    body=body,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[address],
                )
                message.attach(report_filename(report, "pdf"), attachment, "application/pdf")
                try:
                    message.send()
                except Exception as exc:  # one refused address must not stop the others
                    logger.warning("report %s to %s failed: %s", report.number, address, exc)
                    error = f"{exc.__class__.__name__}: {exc}"
            ReportDelivery.objects.update_or_create(
                report=report,
                address=address,
                recipient=user,
                sent_at=None,
                defaults={"error": error, "sent_at": None if error else timezone.now()},
            )
            if error:
                failed.append(f"{address or user}: {error}")
            else:
                sent += 1
    if failed and report.delivered_by_id:
        notify(
            recipients=[report.delivered_by],
            subject=_("[%(number)s] The report did not reach %(count)s recipient(s)")
            % {"number": report.number, "count": len(failed)},
            body="\n".join(failed),
            url=report.get_absolute_url(),
        )
    return {"sent": sent, "failed": len(failed)}
