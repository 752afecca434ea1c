"""The supervisor's suggestions: stored exactly as written, never as markup."""

import json

import pytest

from reports.definitions import Section
from reports.periods import Period
from reports.sections import suggestions


def test_the_text_is_kept_as_written_including_markup_and_chinese():
    text = "1. 建议增加备机。\n<b>加粗</b> & <script>alert(1)</script>"
    section = suggestions.build(Period.month(2026, 10), options={"suggestions": text + "\r\n"})
    assert section.text == text
    assert Section.from_json(json.loads(json.dumps(section.to_json()))).text == text
    assert section.notes == []


def test_no_text_says_so_and_bad_input_is_refused():
    assert suggestions.build(Period.year(2026), options={}).notes
    with pytest.raises(TypeError):
        suggestions.build(Period.year(2026), options={"suggestions": ["x"]})
    with pytest.raises(ValueError):
        suggestions.build(Period.year(2026), options={"suggestions": "x" * 20_001})
