import pytest
from django.db import connection


@pytest.fixture(scope="module")
def core_tables(django_db_setup, django_db_blocker):
    """The tables of tests/itsm/core_models.py, for one test module."""
    from .core_models import Note, Ticket

    with django_db_blocker.unblock(), connection.schema_editor() as editor:
        editor.create_model(Ticket)
        editor.create_model(Note)
    yield
    with django_db_blocker.unblock(), connection.schema_editor() as editor:
        editor.delete_model(Note)
        editor.delete_model(Ticket)
