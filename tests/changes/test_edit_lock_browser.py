"""In a browser: two people edit the same change; the second save gets the reload message."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_second_of_two_editors_gets_the_reload_message_with_their_text_kept(
    browser_context, phone_context, browser_login, engineer, supervisor, make_change, tmp_path
):
    change = make_change(summary="更换定影组件")
    url = reverse("changes:edit", args=[change.number])
    mine = browser_login(browser_context, engineer).new_page()
    theirs = browser_login(phone_context, supervisor).new_page()
    mine.goto(url)
    theirs.goto(url)
    theirs.fill("#id_summary", "主管改过的摘要")
    theirs.click("form.col-12 button.btn-primary")
    theirs.wait_for_url(f"**{change.get_absolute_url()}")
    mine.fill("#id_summary", "工程师的摘要")
    mine.click("form.col-12 button.btn-primary")
    alert = mine.locator(".alert-danger")
    alert.wait_for()
    mine.screenshot(path=tmp_path / "change_edit_conflict_zh.png", full_page=True)
    assert alert.inner_text() == "该变更已被他人修改，请刷新后重试。"
    assert mine.input_value("#id_summary") == "工程师的摘要"
    change.refresh_from_db()
    assert change.summary == "主管改过的摘要"
