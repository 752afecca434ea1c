"""Django's own messages that its bundled Simplified Chinese catalogue lacks.

Listed here only so that `makemessages` extracts them into our catalogue, which
LOCALE_PATHS puts ahead of Django's. Never imported.
"""

from django.utils.translation import ngettext_lazy

MESSAGES = [
    # django/contrib/auth/password_validation.py, MinimumLengthValidator (Django 5.2)
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        8,
    ),
]
