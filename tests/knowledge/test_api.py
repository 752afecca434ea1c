import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from knowledge.choices import Audience, Status
from knowledge.models import KnowledgeRecord

pytestmark = pytest.mark.django_db

URL = "/api/knowledge-records/"


def _post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_search_is_ranked_and_respects_visibility(client, make_record, end_user, agent, fault):
    title = make_record("打印机卡纸处理方法")
    body = make_record(
        "纸张问题", solution="如果卡纸请打开前盖", fault_type=fault("打印机", "无法打印")
    )
    internal = make_record("打印机卡纸搓纸轮", audience=Audience.INTERNAL)
    make_record("打印机卡纸草稿", publish=False)

    client.force_login(end_user)
    rows = client.get(URL, {"q": "卡纸"}).json()["results"]
    assert [r["number"] for r in rows] == [title.number, body.number]
    assert rows[0]["score"] > rows[1]["score"]
    assert rows[0]["problem_type"] == "硬件" and rows[0]["system_type"] == "打印机"
    assert client.get(f"{URL}{internal.number}/").status_code == 404
    listed = {r["number"] for r in client.get(URL).json()["results"]}
    assert listed == {title.number, body.number}

    client.force_login(agent)
    listed = {r["number"] for r in client.get(URL, {"q": "卡纸"}).json()["results"]}
    assert internal.number in listed
    drafts = client.get(URL, {"status": "draft"}).json()["results"]
    assert [r["status"] for r in drafts] == ["draft"]


def test_engineer_writes_a_draft_end_user_cannot(client, engineer, end_user, fault):
    data = {
        "title": "网络不通排查",
        "solution": "检查网线",
        "fault_type": fault("网络设备", "网络不通").pk,
    }
    client.force_login(end_user)
    assert _post(client, URL, data).status_code == 403
    client.force_login(engineer)
    response = _post(client, URL, data)
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "draft"


def test_publish_needs_the_curator(client, make_record, engineer, supervisor):
    record = make_record(publish=False)
    url = f"{URL}{record.number}"
    client.force_login(engineer)
    assert _post(client, f"{url}/review/", {"lock_version": 1}).status_code == 403
    client.force_login(supervisor)
    reviewed = _post(client, f"{url}/review/", {"lock_version": 1})
    assert reviewed.status_code == 200
    seen = reviewed.json()["lock_version"]
    response = _post(client, f"{url}/publish/", {"note": "ok", "lock_version": seen})
    assert response.status_code == 200 and response.json()["status"] == "published"
    seen = response.json()["lock_version"]
    assert _post(client, f"{url}/publish/", {"lock_version": seen}).status_code == 409
    assert _post(client, f"{url}/retire/", {"lock_version": seen}).json()["status"] == "retired"


def test_a_transition_without_lock_version_is_a_400_saying_what_to_send(
    client, make_record, supervisor
):
    record = make_record(publish=False)
    client.force_login(supervisor)
    response = _post(client, f"{URL}{record.number}/review/")
    assert response.status_code == 400
    assert "as you last read it" in response.json()["lock_version"][0]


def test_patching_a_published_record_is_refused(client, make_record, engineer):
    record = make_record()
    client.force_login(engineer)
    response = client.patch(
        f"{URL}{record.number}/",
        {"solution": "新", "lock_version": record.lock_version},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "new version" in str(response.json())
    response = _post(
        client, f"{URL}{record.number}/new-version/", {"lock_version": record.lock_version}
    )
    assert response.status_code == 201
    draft = response.json()
    assert draft["version"] == 2 and draft["previous_version"] == record.number
    response = client.patch(
        f"{URL}{draft['number']}/",
        {"solution": "新", "lock_version": draft["lock_version"]},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["solution"] == "新"
    stale = client.patch(
        f"{URL}{draft['number']}/",
        {"solution": "再改", "lock_version": draft["lock_version"]},
        content_type="application/json",
    )
    assert stale.status_code == 409


def test_feedback_once(client, make_record, end_user):
    record = make_record()
    client.force_login(end_user)
    url = f"{URL}{record.number}/feedback/"
    response = _post(client, url, {"helpful": True, "from_report": True})
    assert response.status_code == 201 and response.json()["helpful_count"] == 1
    assert _post(client, url, {"helpful": False}).status_code == 400


def test_merge(client, make_record, supervisor):
    survivor = make_record(related_numbers="D0201-2026093001")
    duplicate = make_record("打印机卡纸怎么办", related_numbers="D0201-2026093002")
    client.force_login(supervisor)
    response = _post(
        client,
        f"{URL}{survivor.number}/merge/",
        {"duplicate": duplicate.number, "lock_version": survivor.lock_version},
    )
    assert response.status_code == 200
    assert response.json()["related_numbers"] == ["D0201-2026093001", "D0201-2026093002"]
    assert KnowledgeRecord.objects.get(pk=duplicate.pk).status == Status.RETIRED


def test_list_query_count_is_flat(client, make_record, agent):
    client.force_login(agent)
    for i in range(3):
        make_record(f"打印机卡纸 {i}")
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    for i in range(20):
        make_record(f"打印机卡纸 更多 {i}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).status_code == 200
    assert len(many) == len(few)


def test_script_in_fields_comes_back_as_plain_data(client, engineer):
    client.force_login(engineer)
    response = _post(client, URL, {"title": "<script>x</script>", "solution": "<b>y</b>"})
    assert response.json()["title"] == "<script>x</script>"  # JSON: data, not markup
