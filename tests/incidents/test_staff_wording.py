"""Staff pages speak to staff: the knowledge suggestions on a work order or a phone call
are not the end user's "before you report" prompt."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

END_USER_PROMPT = "报障前，不妨先看看"  # the site speaks Chinese by default


@pytest.fixture
def record(engineer, supervisor):
    from knowledge import services as knowledge

    draft = knowledge.record_create(
        actor=engineer, title="打印机卡纸处理", symptom="打印机卡纸", solution="取出卡纸"
    )
    knowledge.record_review(record=draft, actor=supervisor)
    return knowledge.record_publish(record=draft, actor=supervisor)


def test_staff_see_staff_wording_and_end_users_the_prompt(client, record, agent, end_user):
    url = reverse("knowledge:suggest")
    client.force_login(agent)
    page = client.get(url, {"q": "打印机卡纸"}).content.decode()
    assert record.number in page and "与此故障相关的知识记录" in page
    assert END_USER_PROMPT not in page
    call = client.get(url, {"q": "打印机卡纸", "from": "intake"}).content.decode()
    assert "以下知识可能在通话中即可解决问题" in call
    client.force_login(end_user)
    page = client.get(url, {"q": "打印机卡纸", "from": "report"}).content.decode()
    assert END_USER_PROMPT in page
