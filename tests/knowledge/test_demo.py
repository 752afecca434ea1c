import pytest

from knowledge import demo, selectors
from knowledge.models import KnowledgeRecord

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_searchable(end_user):
    demo.seed(password="x")
    count = KnowledgeRecord.objects.count()
    assert count == len(demo.RECORDS) >= 40
    assert "already" in demo.seed(password="x")
    assert KnowledgeRecord.objects.count() == count
    assert not KnowledgeRecord.objects.filter(fault_type__isnull=True).exists()
    titles = [r.title for r in selectors.record_search(user=end_user, query="打印机卡纸")]
    assert titles[0] == "打印机卡纸处理方法"
    assert selectors.record_search(user=end_user, query="蓝屏")
    assert selectors.record_search(user=end_user, query="printer jam")
