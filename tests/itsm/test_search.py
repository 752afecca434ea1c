"""The tokeniser: plain functions, no database."""

from itsm.search import document_terms, highlight_spans, normalise, query_terms, text_terms


def test_chinese_is_cut_into_bigrams():
    assert query_terms("打印机卡纸") == ["打印", "印机", "机卡", "卡纸"]


def test_two_character_query_is_one_bigram():
    assert query_terms("卡纸") == ["卡纸"]


def test_one_character_query_searches_the_single_character():
    assert query_terms("卡") == ["卡"]


def test_spaces_and_punctuation_split_chinese_runs():
    assert query_terms("打印机，卡纸") == ["打印", "印机", "卡纸"]


def test_english_words_are_lower_cased_and_plurals_stripped():
    assert query_terms("Printers JAM") == ["printer", "jam"]


def test_mixed_chinese_and_english():
    assert query_terms("Windows蓝屏 0x0000007B") == ["window", "蓝屏", "0x0000007b"]


def test_full_width_letters_and_digits_fold_to_ascii():
    assert normalise("ＰＤＦ３楼") == "pdf3楼"
    assert query_terms("ＰＤＦ") == ["pdf"]


def test_stop_words_dropped_unless_nothing_else():
    assert query_terms("the printer") == ["printer"]
    assert query_terms("the") == ["the"]


def test_single_letters_ignored_digits_kept():
    assert query_terms("a 3") == ["3"]


def test_repeated_terms_counted_once_in_order():
    assert query_terms("卡纸 卡纸 jam jam") == ["卡纸", "jam"]


def test_empty_and_symbol_only_queries_have_no_terms():
    assert query_terms("") == []
    assert query_terms("!!! ？？") == []


def test_unigrams_only_when_asked():
    assert text_terms("卡纸") == {"卡纸"}
    assert text_terms("卡纸", unigrams=True) == {"卡纸", "卡", "纸"}


def test_document_terms_sum_field_weights_once_per_field():
    terms = document_terms([("打印机卡纸", 3), ("卡纸卡纸卡纸", 2), ("卡纸", 1)])
    assert terms["卡纸"] == 6  # 3 + 2 + 1, repetitions inside a field don't count
    assert terms["打印"] == 3
    assert terms["打"] == 3  # unigrams from the weighted fields
    assert "打" in terms and "卡" in terms


def test_document_terms_no_unigrams_from_body_fields():
    assert "换" not in document_terms([("更换硒鼓", 1)])


def test_long_words_are_truncated():
    (term,) = query_terms("x" * 100)
    assert len(term) == 32


def test_highlight_spans_merge_overlapping_bigrams():
    text = "打印机卡纸处理方法"
    assert highlight_spans(text, "打印机卡纸") == [(0, 5)]


def test_highlight_spans_english_case_insensitive():
    text = "Printer jam in tray 2"
    assert highlight_spans(text, "printer JAM") == [(0, 7), (8, 11)]


def test_highlight_spans_nothing_for_empty_query():
    assert highlight_spans("anything", "") == []
