"""Mail intake: a mail becomes a work order, a comment on one, or is set aside with a reason."""

import logging
import re
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from itsm.services import form_code_get
from servicedesk.choices import Role
from servicedesk.notifications import REPLY_REFERENCE, reply_reference
from servicedesk.services import person_create

from .. import permissions
from ..attachments import MAX_FILES, attachment_validate
from ..choices import Channel
from ..models import WorkOrder
from ..models.mail import RAW_KEEP_LIMIT, InboundMail, InboundMailStatus
from ..services import work_order_comment, work_order_create, work_order_url
from .config import UNKNOWN_SENDER_REJECT, intake_settings
from .loops import loop_reason
from .parsing import (
    MailPart,
    MalformedMail,
    ParsedMail,
    message_id_of,
    message_key,
    parse_mail,
    reply_text,
)

logger = logging.getLogger(__name__)

TITLE_MAX = WorkOrder._meta.get_field("title").max_length


def work_order_number_pattern() -> re.Pattern:
    """Our numbers as they appear in a subject (`[D0201-2026093001] …`), not a linked
    record's (`D0302-D0201-…`), which carries ours after its own code."""
    code = form_code_get(key=WorkOrder.FORM_KEY, default=WorkOrder.FORM_CODE_DEFAULT)
    return re.compile(rf"(?<![\w-]){re.escape(code)}-\d{{10,}}(?!\d)")


def referenced_work_order(subject: str) -> WorkOrder | None:
    for number in work_order_number_pattern().findall(subject or ""):
        work_order = WorkOrder.objects.filter(number=number).first()
        if work_order is not None:
            return work_order
    return None


class UnverifiedAddress(Exception):
    """The sender's address is on an account but not proven to be theirs, or on several."""


def _user_by_address(address: str):
    """The one account whose verified address this is; None for an unknown address.

    Anyone can type any address into their profile, so mail is filed only under an
    address its owner verified (or the desk or an admin entered): otherwise a colleague's
    address on one's own profile would hand over their mailed-in work orders.
    """
    matches = list(
        get_user_model()
        .objects.filter(email__iexact=address)
        .select_related("person")
        .order_by("pk")[:2]
    )
    if not matches:
        return None
    user = matches[0]
    person = getattr(user, "person", None)
    if len(matches) > 1 or person is None or person.email_verified_at is None:
        raise UnverifiedAddress(address)
    return user


def _unverified(mail, address: str, work_order=None) -> None:
    _set(
        mail,
        InboundMailStatus.REJECTED,
        f"{address} is not a verified address of exactly one account; held for review "
        "(verify the address on the person, then retry)",
        work_order,
    )


def _free_username(address: str) -> str:
    user_model = get_user_model()
    base = re.sub(r"[^\w.@+-]", "_", address)[:140]
    username, n = base, 1
    while user_model.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{base}-{n}"
    return username


def _requester_create(*, name: str, address: str):
    """An end-user account for a first-time sender; it cannot log in until a password is set."""
    person = person_create(
        username=_free_username(address),
        name=(name or address.split("@", 1)[0])[:50],
        email=address,
        roles=(Role.END_USER,),
    )
    logger.info("Mail intake created end user %s for %s", person.user.username, address)
    return person.user


def _files(parts: list[MailPart]) -> tuple[list, list[str]]:
    """Attachments we may keep, and a line for each one we may not (type, size, count)."""
    files, dropped = [], []
    for part in parts:
        upload = SimpleUploadedFile(part.filename, part.data, content_type=part.content_type)
        try:
            attachment_validate(upload)
        except ValidationError as exc:
            dropped.append(" ".join(exc.messages))
            continue
        if len(files) >= MAX_FILES:
            dropped.append(
                _("“%(name)s”: at most %(max)d files are kept per mail.")
                % {"name": part.filename, "max": MAX_FILES}
            )
            continue
        files.append(upload)
    return files, dropped


def _with_dropped(text: str, dropped: list[str]) -> str:
    if not dropped:
        return text
    note = _("Attachments not kept:") + "\n" + "\n".join(f"- {line}" for line in dropped)
    return f"{text}\n\n{note}".strip()


def _set(mail: InboundMail, status: str, reason: str = "", work_order=None) -> None:
    mail.status, mail.reason, mail.work_order = status, reason, work_order


def _thread_reply(mail: InboundMail, parsed: ParsedMail, work_order: WorkOrder) -> None:
    try:
        user = _user_by_address(parsed.from_address)
    except UnverifiedAddress:
        _unverified(mail, parsed.from_address, work_order)
        return
    if (
        user is None
        or not user.is_active
        or permissions.work_order_refusal(user, work_order, "comment")
    ):
        _set(
            mail,
            InboundMailStatus.IGNORED,
            f"reply to {work_order.number} from {parsed.from_address}, "
            "who is not its requester or staff allowed to comment on it",
            work_order,
        )
        return
    expected = reply_reference(url=work_order_url(work_order), user_pk=user.pk)
    found = REPLY_REFERENCE.findall(f"{parsed.subject}\n{parsed.text}")
    if not any(constant_time_compare(ref, expected) for ref in found):
        # From is whatever the sender typed: without the recipient's own reference the
        # reply could come from anyone, so a person looks at it first.
        _set(
            mail,
            InboundMailStatus.REJECTED,
            f"reply to {work_order.number} from {parsed.from_address} without that "
            "person's reply reference; held for review",
            work_order,
        )
        return
    body = reply_text(parsed.text)
    files, dropped = _files(parsed.attachments)
    if not body and not files:
        _set(
            mail,
            InboundMailStatus.IGNORED,
            f"reply to {work_order.number} with no new text or attachment",
            work_order,
        )
        return
    work_order_comment(
        work_order=work_order, actor=user, body=_with_dropped(body, dropped), files=files
    )
    reason = f"comment on {work_order.number}"
    if dropped:
        reason += "; attachments not kept: " + "; ".join(dropped)
    _set(mail, InboundMailStatus.PROCESSED, reason, work_order)


def _new_work_order(mail: InboundMail, parsed: ParsedMail) -> None:
    try:
        user = _user_by_address(parsed.from_address)
    except UnverifiedAddress:
        _unverified(mail, parsed.from_address)
        return
    if user is not None and not user.is_active:
        _set(mail, InboundMailStatus.REJECTED, f"the account of {parsed.from_address} is disabled")
        return
    limit = int(intake_settings()["SENDER_HOURLY_LIMIT"])
    recent = InboundMail.objects.filter(
        from_address__iexact=parsed.from_address,
        status=InboundMailStatus.PROCESSED,
        work_order__isnull=False,
        created_at__gte=timezone.now() - timedelta(hours=1),
    ).count()
    if recent >= limit:
        _set(
            mail,
            InboundMailStatus.REJECTED,
            f"{parsed.from_address} opened {recent} work orders by mail in the last hour "
            f"(limit {limit}); held for review",
        )
        return
    if user is None:
        if intake_settings()["UNKNOWN_SENDER"] == UNKNOWN_SENDER_REJECT:
            _set(
                mail,
                InboundMailStatus.REJECTED,
                f"unknown sender {parsed.from_address} (MAIL_INTAKE_UNKNOWN_SENDER=reject); "
                "create the person, then retry",
            )
            return
        user = _requester_create(name=parsed.from_name, address=parsed.from_address)
    files, dropped = _files(parsed.attachments)
    title = (parsed.subject or _("(no subject)"))[:TITLE_MAX]
    work_order = work_order_create(
        actor=user,
        requester=user,
        title=title,
        description=_with_dropped(parsed.text, dropped),
        channel=Channel.MAIL,
        files=files,
    )
    reason = f"new work order {work_order.number}"
    if dropped:
        reason += "; attachments not kept: " + "; ".join(dropped)
    _set(mail, InboundMailStatus.PROCESSED, reason, work_order)


def _process(mail: InboundMail, parsed: ParsedMail) -> None:
    reason = loop_reason(
        parsed.message,
        from_address=parsed.from_address,
        subject=parsed.subject,
        our_address=settings.DEFAULT_FROM_EMAIL,
    )
    if reason:
        _set(mail, InboundMailStatus.IGNORED, reason)
        return
    work_order = referenced_work_order(parsed.subject)
    if work_order is not None:
        _thread_reply(mail, parsed, work_order)
    else:
        _new_work_order(mail, parsed)


def _describe(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    if isinstance(exc, PermissionDenied):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _keep_raw(mail: InboundMail, raw: bytes) -> None:
    if len(raw) <= RAW_KEEP_LIMIT:
        mail.raw = raw
    else:
        mail.raw = None
        mail.reason += f" (raw mail of {len(raw)} bytes too large to keep)"


def _run(mail: InboundMail, parsed: ParsedMail | None, raw: bytes, error: str) -> None:
    """Act on the mail and record the outcome on `mail` (unsaved). Never raises: whatever
    goes wrong is rolled back to the savepoint and recorded as failed."""
    if parsed is None:
        _set(mail, InboundMailStatus.FAILED, error)
        _keep_raw(mail, raw)
        return
    try:
        with transaction.atomic():
            _process(mail, parsed)
    except Exception as exc:  # noqa: BLE001 (one bad mail must not stop the batch)
        logger.exception("Mail intake failed on %s", mail.message_id)
        _set(mail, InboundMailStatus.FAILED, _describe(exc))
    if mail.status in (InboundMailStatus.FAILED, InboundMailStatus.REJECTED):
        _keep_raw(mail, raw)
    else:
        mail.raw = None


def _parse(raw: bytes) -> tuple[ParsedMail | None, str]:
    try:
        return parse_mail(raw), ""
    except MalformedMail as exc:
        return None, f"malformed mail: {exc}"
    except Exception as exc:  # noqa: BLE001 (the email package raises many kinds)
        logger.exception("Mail intake could not parse a mail")
        return None, f"malformed mail: {type(exc).__name__}: {exc}"


def mail_record_oversize(*, headers: bytes, size: int, uid=None) -> InboundMail:
    """A mail too large to download: one row from its headers, for an admin to look at."""
    parsed, _error = _parse(headers)
    key = message_key(parsed.message_id if parsed else message_id_of(headers), headers)
    mail, _created = InboundMail.objects.get_or_create(
        message_id=key,
        defaults={
            "mailbox_uid": str(uid or "")[:64],
            "from_address": (parsed.from_address if parsed else "")[:254],
            "subject": (parsed.subject if parsed else "")[:255],
            "received_at": (parsed.date if parsed and parsed.date else None) or timezone.now(),
            "status": InboundMailStatus.REJECTED,
            "reason": f"mail of {size / 1048576:.1f} MB is larger than the intake accepts "
            f"({int(intake_settings()['MAX_MAIL_BYTES']) / 1048576:.0f} MB); not downloaded",
        },
    )
    return mail


def mail_ingest(*, raw: bytes, uid=None) -> InboundMail:
    """Turn one raw mail into a work order, a comment, or a row saying why not.

    Guarantees: never raises for a bad mail (it is recorded as failed, raw kept); the same
    Message-ID (or, without one, the same bytes) is acted on once, however often it is
    fed in, because its InboundMail row is inserted first in the same transaction and
    the column is unique. When this returns, the row is committed (unless the caller
    holds a transaction open).
    """
    raw = bytes(raw or b"")
    parsed, error = _parse(raw)
    key = message_key(parsed.message_id if parsed else message_id_of(raw), raw)
    existing = InboundMail.objects.filter(message_id=key).first()
    if existing is not None:
        return existing
    received_at = (parsed.date if parsed else None) or timezone.now()
    if timezone.is_naive(received_at):
        received_at = timezone.make_aware(received_at, timezone.get_current_timezone())
    try:
        with transaction.atomic():
            mail = InboundMail.objects.create(
                message_id=key,
                mailbox_uid=str(uid or "")[:64],
                from_address=(parsed.from_address if parsed else "")[:254],
                subject=(parsed.subject if parsed else "")[:255],
                received_at=received_at,
                status=InboundMailStatus.FAILED,
                reason="processing",
            )
            _run(mail, parsed, raw, error)
            mail.save()
    except IntegrityError:
        # Another worker inserted this Message-ID first; theirs is the one that counts.
        existing = InboundMail.objects.filter(message_id=key).first()
        if existing is None:
            raise
        return existing
    logger.info("Mail %s from %s: %s %s", key, mail.from_address, mail.status, mail.reason)
    return mail


@transaction.atomic
def inbound_mail_retry(*, inbound_mail: InboundMail) -> InboundMail:
    """Process a failed or rejected mail again from its kept raw bytes (after a fix)."""
    mail = InboundMail.objects.select_for_update().get(pk=inbound_mail.pk)
    if not mail.can_retry:
        raise ValidationError(
            _("Only failed or rejected mail whose original was kept can be processed again.")
        )
    raw = bytes(mail.raw)
    parsed, error = _parse(raw)
    if parsed is not None:
        mail.from_address = parsed.from_address[:254]
        mail.subject = parsed.subject[:255]
    _run(mail, parsed, raw, error)
    mail.save()
    return mail
