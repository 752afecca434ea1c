import pytest
from django.urls import reverse

from itsm.audit import audit_timeline
from itsm.services import transition_record
from servicedesk.models import Person

pytestmark = pytest.mark.django_db


def test_changes_are_kept_with_actor_and_old_and_new_values(client, end_user):
    person = Person.objects.get(user=end_user)
    client.force_login(end_user)
    response = client.post(
        reverse("servicedesk:profile"),
        {"phone": "010-12345678", "mobile": "", "email": "new@example.gov.cn"},
    )
    assert response.status_code == 302
    timeline = audit_timeline(subject=person)
    update = next(e for e in timeline if e.kind == "update")
    assert update.actor == end_user
    assert any(new == "010-12345678" for _, _, new in update.changes)


def test_transitions_join_the_timeline_newest_first(end_user):
    person = Person.objects.get(user=end_user)
    transition_record(
        subject=person,
        transition="verify",
        source="new",
        target="verified",
        actor=end_user,
        note="ok",
    )
    timeline = audit_timeline(subject=person)
    assert timeline[0].kind == "transition"
    assert timeline[0].changes == [("status", "new", "verified")]
    assert timeline[-1].kind == "create"


def test_timeline_queries_do_not_grow_with_history(
    end_user, location, django_assert_max_num_queries
):
    from servicedesk.models import Building, Location

    person = Person.objects.get(user=end_user)
    building = Building.objects.get()

    def change(i):
        person.phone = f"010-{i:08d}"
        person.location = Location.objects.create(building=building, floor=str(i), room="x")
        person.save()
        transition_record(subject=person, transition="t", source="a", target="b", actor=end_user)

    change(1)
    with django_assert_max_num_queries(20) as short:
        audit_timeline(subject=person)
    for i in range(2, 30):
        change(i)
    with django_assert_max_num_queries(len(short.captured_queries)):
        timeline = audit_timeline(subject=person)
    # Each save rides on the transition written with it: one entry per event.
    row = ("位置", "机关办公楼 / 28 层 / x", "机关办公楼 / 29 层 / x")
    assert [entry.kind for entry in timeline if row in entry.changes] == ["transition"]


def test_audit_log_is_read_only_in_admin(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/auditlog/logentry/add/").status_code == 403
    assert client.get("/admin/itsm/transitionlog/add/").status_code == 403


def test_field_change_titles_are_translated(end_user):
    """auditlog has no Chinese catalogue; the timeline gives its entries titles of our own."""
    from django.utils import translation

    person = Person.objects.get(user=end_user)
    person.phone = "010-87654321"
    person.save()
    with translation.override("zh-hans"):
        titles = [e.title for e in audit_timeline(subject=person)]
    assert titles == ["字段变更", "创建"]


def test_people_in_field_changes_are_shown_by_name_not_login(make_person):
    from cmdb.models import CIClass
    from cmdb.services import ci_create
    from itsm.actors import system_user
    from servicedesk.choices import Role

    engineer = make_person(Role.ENGINEER, username="eng7", name="张伟")
    item = ci_create(
        actor=system_user(),
        ci_class=CIClass.objects.get(code="printer"),
        asset_tag="PR-777",
        name="打印机",
    )
    item.responsible = engineer
    item.save()
    changes = [c for e in audit_timeline(subject=item) for c in e.changes]
    assert any(new == "张伟" for _, _, new in changes)
    assert not any(new == "eng7" for _, _, new in changes)
