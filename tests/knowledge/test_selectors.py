from datetime import timedelta

import pytest
from django.utils import timezone

from knowledge import selectors, services
from knowledge.choices import Audience, Status

pytestmark = pytest.mark.django_db


def _numbers(records):
    return [r.number for r in records]


def test_chinese_query_without_spaces_finds_the_record(make_record, end_user):
    record = make_record("打印机卡纸处理方法")
    make_record("Windows 蓝屏排查", fault_type=None, solution="检查驱动")
    assert _numbers(selectors.record_search(user=end_user, query="打印机卡纸")) == [record.number]


def test_two_character_query_finds_the_record(make_record, end_user):
    record = make_record("打印机卡纸处理方法")
    assert _numbers(selectors.record_search(user=end_user, query="卡纸")) == [record.number]


def test_one_character_query_finds_the_title(make_record, end_user):
    record = make_record("打印机卡纸处理方法")
    assert _numbers(selectors.record_search(user=end_user, query="纸")) == [record.number]


def test_english_query_finds_english_text(make_record, end_user):
    record = make_record(
        "Printer paper jam in tray 2", solution="Clean the paper sensor.", fault_type=None
    )
    make_record("Outlook cannot send mail", solution="Reset the password.", fault_type=None)
    assert _numbers(selectors.record_search(user=end_user, query="printer jam")) == [record.number]
    assert _numbers(selectors.record_search(user=end_user, query="JAMS")) == [record.number]


def test_title_match_ranks_above_solution_match(make_record, end_user, fault):
    in_solution = make_record(
        "纸张问题汇总", solution="如果卡纸，请打开前盖。", fault_type=fault("打印机", "无法打印")
    )
    in_title = make_record(
        "卡纸怎么办", solution="打开前盖取出纸张。", fault_type=fault("打印机", "无法打印")
    )
    results = selectors.record_search(user=end_user, query="卡纸")
    assert _numbers(results) == [in_title.number, in_solution.number]
    assert results[0].score > results[1].score


def test_a_record_holding_half_the_query_or_less_stays_out(make_record, end_user, fault):
    both = make_record("打印机卡纸", fault_type=fault("打印机", "无法打印"))
    make_record("打印机缺墨", fault_type=fault("打印机", "缺墨或碳粉"), solution="更换硒鼓")
    assert _numbers(selectors.record_search(user=end_user, query="打印机卡纸")) == [both.number]
    # 打印机冒烟 is 打印 印机 机冒 冒烟: both records hold 打印机 only, two of four. The old
    # "any term" fallback returned both; a printer that smokes is neither a paper jam nor
    # out of toner, so nothing is the right answer.
    assert selectors.record_search(user=end_user, query="打印机冒烟") == []


def test_end_user_never_sees_drafts_or_internal_records(make_record, end_user, agent):
    public = make_record("打印机卡纸处理方法")
    internal = make_record("打印机卡纸搓纸轮更换", audience=Audience.INTERNAL)
    draft = make_record("打印机卡纸草稿", publish=False)

    assert _numbers(selectors.record_search(user=end_user, query="卡纸")) == [public.number]
    assert set(_numbers(selectors.record_search(user=agent, query="卡纸"))) == {
        public.number,
        internal.number,
    }
    visible = set(_numbers(selectors.record_visible(user=end_user)))
    assert visible == {public.number}
    assert draft.number in _numbers(selectors.record_list(user=agent, status=Status.DRAFT))
    from django.http import Http404

    for hidden in (internal, draft):
        with pytest.raises(Http404):
            selectors.record_get(user=end_user, number=hidden.number)


def test_similar_records_share_most_of_the_title(make_record, agent, fault):
    record = make_record("打印机卡纸处理方法")
    twin = make_record("打印机卡纸怎么处理")
    make_record("网络不通排查", fault_type=fault("网络设备", "网络不通"), solution="检查网线")
    assert _numbers(selectors.record_similar(record=record, user=agent)) == [twin.number]


def test_successor_of_a_merged_record(make_record, supervisor, end_user):
    survivor = make_record()
    duplicate = make_record("打印机卡纸怎么办")
    services.record_merge(duplicate=duplicate, survivor=survivor, actor=supervisor)
    assert selectors.record_successor(user=end_user, number=duplicate.number) == survivor


def test_deflection_rate(make_record, end_user, agent, make_person):
    start = timezone.now() - timedelta(hours=1)
    end = timezone.now() + timedelta(hours=1)
    assert selectors.deflected_count(start, end) == 0
    assert selectors.deflection_rate(deflected=0, filed=0) is None
    record = make_record()
    services.record_feedback(record=record, actor=end_user, helpful=True, from_report=True)
    services.record_feedback(record=record, actor=agent, helpful=True)  # not from the fault form
    other = make_person()
    services.record_feedback(record=record, actor=other, helpful=False, from_report=True)

    assert selectors.deflected_count(start, end) == 1
    assert selectors.deflection_rate(deflected=1, filed=1) == 0.5
