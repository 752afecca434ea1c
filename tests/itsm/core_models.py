"""Two tiny models for testing the shared core (itsm.workflow, itsm.permissions) alone.

They live in their own app registry, so Django's project apps, migrations and checks never
see them; tests/itsm/conftest.py creates their tables for the tests that use them.
"""

from django.apps.registry import Apps
from django.db import models
from django_fsm import FSMField, transition

from itsm.permissions import RestrictedQuerySet
from itsm.workflow import LockVersioned

core_apps = Apps()


class Ticket(LockVersioned):
    """A record with a state machine: new → open → closed."""

    STATUSES = [("new", "新建"), ("open", "处理中"), ("closed", "已关闭")]

    title = models.CharField(max_length=50, default="")
    status = FSMField(default="new", choices=STATUSES)
    closed_note = models.CharField(max_length=50, default="")

    class Meta:
        app_label = "itsm_core_tests"
        apps = core_apps

    @transition(field=status, source="new", target="open")
    def open(self):
        pass

    @transition(field=status, source="open", target="closed")
    def close(self, *, reason=""):
        self.closed_note = reason


class NoteQuerySet(RestrictedQuerySet):
    def _restrict(self, user, action):
        if action == "view":  # the owner and the note's readers
            return self.filter(models.Q(owner_id=user.pk) | models.Q(public=True))
        if action == "change":  # the owner only
            return self.filter(owner_id=user.pk)
        return self.none()


class Note(models.Model):
    owner_id = models.IntegerField()
    public = models.BooleanField(default=False)

    objects = NoteQuerySet.as_manager()

    class Meta:
        app_label = "itsm_core_tests"
        apps = core_apps

    def __str__(self):
        return f"note {self.pk}"
