"""Compound and partial queries (knowledge.ranking): the pure parts, then the search itself."""

import pytest

from knowledge import ranking, selectors
from knowledge.models import KnowledgeTerm

# --- pure ----------------------------------------------------------------------------


def test_terms_needed_is_more_than_half_and_at_most_four():
    assert [ranking.terms_needed(n) for n in range(10)] == [0, 1, 2, 2, 3, 3, 4, 4, 4, 4]


def test_compound_query_needs_its_words_not_the_bigram_between_them():
    query = ranking.parse("打印机卡纸")
    assert query.terms == ["打印", "印机", "机卡", "卡纸"]
    assert query.needed == 3  # 打印 印机 卡纸 without 机卡
    assert query.phrases == [("打印机卡纸", 4)]


def test_question_words_split_the_query():
    query = ranking.parse("电脑开机很慢怎么办？")
    assert query.terms == ["电脑", "脑开", "开机", "机很", "很慢"]
    assert ranking.parse("打印机的卡纸").terms == ["打印", "印机", "卡纸"]
    # Nothing but a question word: searched as typed rather than not at all.
    assert ranking.parse("怎么办").terms == ["怎么", "么办"]


def test_english_words_are_terms_and_the_sequence_a_phrase():
    query = ranking.parse("Printer  paper-jam")
    assert query.terms == ["printer", "paper", "jam"]
    assert query.phrases == [("printer paper jam", 3)]


def test_phrase_bonus_prefers_the_title_and_ignores_the_solution():
    query = ranking.parse("打印机卡纸")
    assert ranking.phrase_bonus(query, {"title": "三楼打印机卡纸", "symptom": ""}) == 12
    assert ranking.phrase_bonus(query, {"title": "卡纸", "symptom": "打印机卡纸了"}) == 8
    assert ranking.phrase_bonus(query, {"title": "打印机经常卡纸", "symptom": ""}) == 0
    assert ranking.phrase_bonus(ranking.parse("卡纸"), {"title": "卡纸"}) == 0  # one term


# --- the search ----------------------------------------------------------------------


def _numbers(records):
    return [r.number for r in records]


@pytest.fixture
def printer_records(make_record, fault):
    """Four records about printer paper jams, said four ways, and two that are not."""
    return {
        "exact": make_record("打印机卡纸怎么办", fault_type=fault("打印机", "卡纸")),
        "apart": make_record("打印机经常卡纸", fault_type=fault("打印机", "无法打印")),
        "category": make_record("进纸后卡纸", fault_type=fault("打印机", "卡纸")),
        "solution": make_record(
            "纸张问题汇总", fault_type=fault("其他", "其他"), solution="打印机卡纸时打开前盖。"
        ),
        "scanner": make_record(
            "扫描仪卡纸", fault_type=fault("其他", "其他"), solution="清理进纸通道。"
        ),
        "toner": make_record(
            "打印机缺墨", fault_type=fault("打印机", "缺墨或碳粉"), solution="更换硒鼓。"
        ),
    }


@pytest.mark.django_db
def test_compound_query_finds_the_paper_jam_records_about_printers_first(printer_records, end_user):
    r = printer_records
    # The old failure: two of them never hold the straddling bigram 机卡, so a search
    # that required every bigram found only the exact title and the solution.
    for name in ("apart", "category"):
        assert not KnowledgeTerm.objects.filter(record=r[name], term="机卡").exists()

    results = selectors.record_search(user=end_user, query="打印机卡纸")
    assert _numbers(results) == [
        r[name].number for name in ("exact", "apart", "category", "solution")
    ]
    assert [hit.matched for hit in results] == [4, 3, 3, 4]
    scores = [hit.score for hit in results]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == 4
    # The suggestion box (five) shows them too; 卡纸 alone still finds every paper jam.
    assert _numbers(selectors.record_suggest(user=end_user, query="打印机卡纸")) == _numbers(
        results
    )
    assert r["scanner"].number in _numbers(selectors.record_search(user=end_user, query="卡纸"))


@pytest.mark.django_db
def test_a_sentence_with_question_words_finds_the_record(make_record, end_user, fault):
    slow = make_record(
        "开机后电脑速度很慢", fault_type=fault("Windows", "运行缓慢"), solution="清理启动项。"
    )
    make_record("电脑蓝屏", fault_type=fault("Windows", "蓝屏"), solution="更新驱动。")
    found = selectors.record_search(user=end_user, query="电脑开机很慢怎么办")
    assert _numbers(found) == [slow.number]


@pytest.mark.django_db
def test_english_multi_word_query_ranks_records_holding_more_terms(make_record, end_user):
    exact = make_record("Printer paper jam in tray 2", fault_type=None)
    spread = make_record(
        "Paper jams every morning", symptom="The printer on floor 3 stops.", fault_type=None
    )
    two = make_record("Paper jam in the copier", fault_type=None, solution="Open the door.")
    make_record("Printer toner low", fault_type=None, solution="Replace the toner.")
    make_record("Shredder is full", fault_type=None, solution="Empty the bin.")
    results = selectors.record_search(user=end_user, query="printer paper jam")
    assert _numbers(results) == [exact.number, spread.number, two.number]
    # Two words need both: "printer jam" is not every record about a printer.
    assert _numbers(selectors.record_search(user=end_user, query="printer jam")) == [
        exact.number,
        spread.number,
    ]


@pytest.mark.django_db
def test_staff_list_search_uses_the_same_ranking(printer_records, agent):
    r = printer_records
    found = _numbers(selectors.record_list(user=agent, query="打印机卡纸"))
    assert found == [r[name].number for name in ("exact", "apart", "category", "solution")]
