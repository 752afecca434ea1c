"""Issue 16 item 10: a device's CMDB page lists its inspection records."""

from inspections import services

from .conftest import all_pass


def test_device_page_lists_its_inspection_records_marked_by_result(
    client, approved_plan, engineer, devices, end_user
):
    route = approved_plan.rounds.get()
    ci = devices[0]
    record = services.record_save(round=route, ci=ci, actor=engineer, lines=all_pass(ci))
    client.force_login(engineer)
    page = client.get(ci.get_absolute_url()).content.decode()
    assert 'id="device-inspections"' in page
    assert record.number in page and "12月巡检" in page

    other = client.get(devices[1].get_absolute_url()).content.decode()
    assert record.number not in other

    client.force_login(end_user)  # end users read no inspections: no panel at all
    ci.responsible = end_user
    ci.save()
    assert 'id="device-inspections"' not in client.get(ci.get_absolute_url()).content.decode()
