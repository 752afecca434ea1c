"""Writes to the organisation."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm.auth_backends import user_columns_changed

from .models import Person


def email_taken(email: str, *, except_user=None) -> bool:
    """Is `email` another account's address (case-insensitive)?"""
    others = get_user_model().objects.filter(email__iexact=email)
    if except_user is not None:
        others = others.exclude(pk=except_user.pk)
    return bool(email) and others.exists()


def _email_refuse_taken(email: str, *, user=None) -> None:
    if email_taken(email, except_user=user):
        raise ValidationError(
            {"email": _("This e-mail address belongs to another account. Ask the service desk.")}
        )


@transaction.atomic
def person_update_contact(*, person: Person, phone: str, mobile: str, email: str) -> Person:
    """Update how the desk reaches a person. A new e-mail address is not used until its
    owner opens the link sent to it (`email_verify`): until then mail from or to it is not
    theirs. Returns the person; `person.pending_email` says whether a link went out."""
    email = (email or "").strip()
    person.phone, person.mobile = phone, mobile
    person.full_clean()
    fields = ["phone", "mobile"]
    if email.lower() != person.user.email.lower():
        _email_refuse_taken(email, user=person.user)
        if email:
            person.pending_email = email
            fields.append("pending_email")
            transaction.on_commit(lambda: _email_send_verification(person))
        else:  # clearing one's address needs no proof
            person.user.email = ""
            person.user.save(update_fields=["email"])
            person.pending_email = ""
            person.email_verified_at = None
            fields += ["pending_email", "email_verified_at"]
    person.save(update_fields=fields)
    return person


EMAIL_VERIFY_SALT = "servicedesk.email-verify"
EMAIL_VERIFY_MAX_AGE = 60 * 60 * 48


def email_verification_token(person: Person) -> str:
    return signing.dumps({"p": person.pk, "e": person.pending_email}, salt=EMAIL_VERIFY_SALT)


def _email_send_verification(person: Person) -> None:
    from django.core.mail import EmailMessage
    from django.urls import reverse

    link = settings.ITSM.get("BASE_URL", "") + reverse(
        "servicedesk:email-verify", args=[email_verification_token(person)]
    )
    EmailMessage(
        subject=_("Confirm your e-mail address"),
        body=_(
            "Open this link within 48 hours to use this address in the IT service portal:\n"
            "%(link)s\n\nIf you did not ask for this, ignore this mail."
        )
        % {"link": link},
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[person.pending_email],
        headers={"Auto-Submitted": "auto-generated"},
    ).send(fail_silently=True)


@transaction.atomic
def email_verify(*, actor, token: str) -> Person:
    """The owner of the link's address proved they read it: it becomes their address."""
    try:
        data = signing.loads(token, salt=EMAIL_VERIFY_SALT, max_age=EMAIL_VERIFY_MAX_AGE)
    except signing.BadSignature as exc:
        raise ValidationError(
            _("This link is invalid or has expired. Save the address again.")
        ) from exc
    person = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=data["p"])
    if person.user_id != actor.pk:
        raise PermissionDenied(_("This link confirms another account's address."))
    if person.pending_email != data["e"]:
        raise ValidationError(_("This link is for an address you have since changed."))
    _email_refuse_taken(data["e"], user=person.user)
    person.user.email = data["e"]
    person.user.save(update_fields=["email"])
    person.pending_email = ""
    person.email_verified_at = timezone.now()
    person.save(update_fields=["pending_email", "email_verified_at"])
    return person


@transaction.atomic
def person_create(
    *,
    username: str,
    name: str,
    email: str = "",
    password: str | None = None,
    roles: tuple[str, ...] = (),
    **profile,
) -> Person:
    """A user with profile and roles. Without a password the account cannot log in yet."""
    from django.contrib.auth.models import Group

    user_model = get_user_model()
    _email_refuse_taken(email)
    user = user_model(username=username, email=email)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    if roles:
        user.groups.add(*Group.objects.filter(name__in=[str(r) for r in roles]))
    # Whoever creates the account (an admin, the desk, the mail intake for the sender's
    # own address) vouches for the address.
    profile.setdefault("email_verified_at", timezone.now() if email else None)
    person = Person(user=user, name=name, **profile)
    person.full_clean()
    person.save()
    return person


def notifications_mark_read(*, user, pk: int | None = None) -> int:
    """Mark one (or all) of the user's notifications read; returns how many changed."""
    from django.utils import timezone

    from .models import Notification

    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pk is not None:
        rows = rows.filter(pk=pk)
    user_columns_changed()  # the bell counts afresh if this request draws it
    return rows.update(read_at=timezone.now())


@transaction.atomic
def caller_create(*, actor, name: str, phone: str, department=None) -> Person:
    """An unknown caller the desk adds during the call: an end user with a profile (name,
    phone, department) and no password yet, so a work order can be recorded for them now.

    Refused when the number already belongs to someone: the desk picks that person instead
    of making a twin.
    """
    import re

    from django.db.models import Q

    from .choices import Role
    from .roles import user_has_role

    if not user_has_role(actor, Role.SERVICE_DESK, Role.SUPERVISOR, Role.ADMIN):
        raise PermissionDenied(_("Only the service desk adds callers."))
    name, phone = (name or "").strip(), (phone or "").strip()
    errors = {}
    if not name:
        errors["name"] = [_("Give the caller's name.")]
    if not phone:
        errors["phone"] = [_("Give a number to call back on.")]
    if errors:
        raise ValidationError(errors)
    twin = Person.objects.filter(Q(phone=phone) | Q(mobile=phone)).first()
    if twin is not None:
        raise ValidationError(
            {
                "phone": [
                    _("%(name)s already has this number: choose them from the search.")
                    % {"name": twin.name}
                ]
            }
        )
    base = "caller-" + (re.sub(r"\D", "", phone)[-11:] or "new")
    username, n = base, 1
    user_model = get_user_model()
    while user_model.objects.filter(username=username).exists():
        n += 1
        username = f"{base}-{n}"
    return person_create(
        username=username, name=name, roles=(Role.END_USER,), phone=phone, department=department
    )
