"""Logging filters for a readable console."""

import logging


class QuietForbidden(logging.Filter):
    """A refused request (403) is one line, not a traceback: refusing is the permission
    rule working, and the message already names the path. Server errors keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "django.request" and getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
