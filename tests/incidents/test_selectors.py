from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from incidents import selectors, services
from incidents.choices import HoldReason, Status
from incidents.models import WorkOrder
from servicedesk.choices import Role
from servicedesk.models import Team

pytestmark = pytest.mark.django_db


def _file(requester, **kwargs):
    kwargs.setdefault("title", "打印机卡纸")
    return services.work_order_create(actor=requester, requester=requester, **kwargs)


def test_end_user_lists_only_their_own(end_user, make_person):
    mine = _file(end_user)
    other = make_person(Role.END_USER)
    theirs = _file(other)
    assert list(selectors.work_order_list(user=end_user)) == [mine]
    with pytest.raises(Http404):
        selectors.work_order_get(user=end_user, number=theirs.number)


def test_engineer_lists_assigned_and_team_orders(engineer, agent, end_user):
    team = Team.objects.create(name="驻场组")
    team.members.add(engineer)
    assigned = _file(end_user)
    services.work_order_assign(work_order=assigned, actor=agent, assignee=engineer)
    team_order = _file(end_user)
    WorkOrder.objects.filter(pk=team_order.pk).update(team=team)
    _file(end_user)
    visible = set(selectors.work_order_list(user=engineer))
    assert visible == {assigned, team_order}
    assert list(selectors.work_order_list(user=engineer, queue="mine")) == [assigned]
    assert list(selectors.work_order_list(user=engineer, queue="team")) == [team_order]


def test_open_queue_is_sorted_by_fix_due_with_paused_last_and_all_newest_first(
    agent, engineer, end_user
):
    late, soon, paused = _file(end_user), _file(end_user), _file(end_user)
    services.work_order_reprioritise(work_order=soon, actor=agent, impact="high", urgency="high")
    services.work_order_assign(work_order=paused, actor=agent, assignee=engineer)
    services.work_order_start(work_order=paused, actor=engineer)
    services.work_order_hold(work_order=paused, actor=engineer, reason=HoldReason.PARTS)
    now = timezone.now()
    due = now + timedelta(minutes=10)
    WorkOrder.objects.filter(pk=soon.pk).update(resolve_due_at=due, queue_due_at=due)
    assert list(selectors.work_order_list(user=agent, queue="open")) == [soon, late, paused]
    assert list(selectors.work_order_list(user=agent, queue="due_soon")) == [soon]
    assert list(selectors.work_order_list(user=agent)) == [paused, soon, late]


def test_queues_and_their_counts_agree(agent, engineer, end_user):
    now = timezone.now()
    unassigned = _file(end_user)
    breached = _file(end_user)
    WorkOrder.objects.filter(pk=breached.pk).update(resolve_due_at=now - timedelta(minutes=5))
    waiting = _file(end_user)
    services.work_order_assign(work_order=waiting, actor=agent, assignee=engineer)
    services.work_order_start(work_order=waiting, actor=engineer)
    services.work_order_hold(work_order=waiting, actor=engineer, reason=HoldReason.VENDOR)
    resolved = _file(end_user)
    services.work_order_resolve(work_order=resolved, actor=agent, resolution="已解决")

    for user in (agent, engineer):  # capped counts per tab; one aggregate for engineers
        counts = selectors.queue_counts(user)
        for queue in selectors.QUEUES:
            expected = selectors.work_order_list(user=user, queue=queue).count()
            assert counts[queue] == expected, (user, queue)
    assert selectors.queue_counts(engineer)["waiting_vendor"] == 1
    counts = selectors.queue_counts(agent)
    assert unassigned in selectors.work_order_list(user=agent, queue="unassigned")
    assert list(selectors.work_order_list(user=agent, queue="breached")) == [breached]
    assert list(selectors.work_order_list(user=agent, queue="waiting_vendor")) == [waiting]
    assert counts["waiting_user"] == 0
    assert list(selectors.work_order_list(user=agent, queue="resolved_awaiting_callback")) == [
        resolved
    ]
    assert WorkOrder.objects.get(pk=resolved.pk).status == Status.RESOLVED


def test_queue_counts_take_a_fixed_number_of_queries(
    agent, end_user, django_assert_max_num_queries
):
    for _ in range(5):
        _file(end_user)
    # One capped count per tab for the desk (one aggregate for engineers), plus the teams.
    with django_assert_max_num_queries(len(selectors.QUEUES) + 2) as few:
        selectors.queue_counts(agent)
    for _ in range(20):
        _file(end_user)
    selectors.queue_counts_changed()
    with django_assert_max_num_queries(len(few.captured_queries)):
        selectors.queue_counts(agent)


def test_tabs_cap_their_counts(agent, end_user, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    for _ in range(4):
        _file(end_user)
    tabs = {tab["key"]: tab for tab in selectors.queue_tabs(agent)}
    assert tabs["open"]["shown"] == "2+" and tabs["open"]["count"] >= 3
    assert tabs["mine"]["shown"] == "0"


def test_filters_search_number_and_title(agent, end_user):
    match = _file(end_user, title="显示器闪烁")
    _file(end_user, title="网络断开")
    assert list(selectors.work_order_list(user=agent, filters={"q": "显示器"})) == [match]
    assert list(selectors.work_order_list(user=agent, filters={"q": match.number})) == [match]


def test_internal_events_are_hidden_from_the_requester(agent, end_user):
    order = _file(end_user)
    services.work_order_comment(work_order=order, actor=agent, body="内部备注", internal=True)
    services.work_order_comment(work_order=order, actor=agent, body="已联系")
    bodies = [e.body for e in selectors.work_order_timeline(user=end_user, work_order=order)]
    assert "已联系" in bodies and "内部备注" not in bodies
    staff = [e.body for e in selectors.work_order_timeline(user=agent, work_order=order)]
    assert "内部备注" in staff


def test_keyword_search_finds_chinese_words_inside_titles_and_numbers(agent, end_user):
    jam = _file(end_user, title="三楼打印机卡纸")
    screen = _file(end_user, title="显示器黑屏")
    assert list(selectors.work_order_list(user=agent, filters={"q": "卡纸"})) == [jam]
    assert list(selectors.work_order_list(user=agent, filters={"q": "打印机 卡纸"})) == [jam]
    assert list(selectors.work_order_list(user=agent, filters={"q": "纸卡"})) == []
    assert list(selectors.work_order_list(user=agent, filters={"q": screen.number})) == [screen]
    assert list(selectors.work_order_list(user=agent, filters={"q": screen.number[-10:]})) == [
        screen
    ]


@pytest.mark.parametrize("common_rows", [2, 1000])
def test_keyword_search_finds_the_same_orders_whichever_plan_it_takes(
    agent, end_user, monkeypatch, common_rows
):
    """Both databases walk the queue for words many orders share, else read the matches."""
    from incidents import search

    monkeypatch.setattr(search, "COMMON_TERM_ROWS", common_rows)
    monkeypatch.setattr(search, "FEW_MATCHES", common_rows)
    jams = {_file(end_user, title=f"{floor}楼打印机卡纸") for floor in "一二三"}
    paper = _file(end_user, title="打印纸用完")
    screen = _file(end_user, title="显示器闪烁")
    services.work_order_cancel(
        work_order=_file(end_user, title="打印机重复"), actor=agent, reason="duplicate"
    )

    def found(query, queue="open"):
        return set(selectors.work_order_list(user=agent, queue=queue, filters={"q": query}))

    assert found("打印") == {*jams, paper}
    assert found("打印机卡纸") == jams
    assert found("显示") == {screen}
    assert found("打印 显示") == set()
    assert found("传真") == set()
    assert len(found("打印", queue=None)) == 5  # the cancelled one too, outside the queue


def test_orders_having_every_word_are_read_only_while_they_are_few(end_user, monkeypatch):
    from incidents import search

    monkeypatch.setattr(search, "FEW_MATCHES", 3)
    jams = {_file(end_user, title=f"{floor}楼打印机卡纸").pk for floor in "一二"}
    _file(end_user, title="打印纸用完")
    _file(end_user, title="显示器卡住")

    assert set(search._few_with_all(["打印", "卡纸"])) == jams
    assert search._few_with_all(["打印", "显示"]) == []
    _file(end_user, title="四楼打印机卡纸")
    assert search._few_with_all(["打印", "卡纸"]) is None  # three: walk the queue instead


def test_a_corrected_title_is_found_by_its_new_words(agent, end_user):
    order = _file(end_user, title="电脑坏了")
    services.work_order_triage(work_order=order, actor=agent, title="主机无法开机")
    assert list(selectors.work_order_list(user=agent, filters={"q": "开机"})) == [order]
    assert list(selectors.work_order_list(user=agent, filters={"q": "坏了"})) == []


def test_department_permission_shows_colleagues_orders(end_user, make_person):
    from django.contrib.auth.models import Permission

    colleague = make_person(Role.END_USER)
    theirs = _file(colleague)
    assert theirs not in selectors.work_order_list(user=end_user)
    end_user.user_permissions.add(Permission.objects.get(codename="see_department_work_orders"))
    end_user = type(end_user).objects.get(pk=end_user.pk)  # drop the permission cache
    assert theirs in selectors.work_order_list(user=end_user)
