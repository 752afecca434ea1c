import pytest
from django.urls import reverse

from problems import services
from problems.models import Problem

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def test_end_users_are_refused_the_problem_pages(client, end_user):
    _login(client, end_user)
    assert client.get(reverse("problems:list")).status_code == 403
    assert client.get(reverse("problems:known_errors")).status_code == 403


def test_problem_list_query_count_stays_flat(client, supervisor, django_assert_max_num_queries):
    _login(client, supervisor)
    services.problem_create(actor=supervisor, title="p0")
    with django_assert_max_num_queries(20) as few:
        assert client.get(reverse("problems:list") + "?status=").status_code == 200
    for n in range(10):
        services.problem_create(actor=supervisor, title=f"p{n + 1}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("problems:list") + "?status=")
    assert response.content.count(b"D0301-") >= 11


def test_detail_page_draws_the_fishbone_with_causes_escaped(client, supervisor):
    problem = services.problem_create(actor=supervisor, title="卡纸")
    services.fishbone_cause_add(
        problem=problem, actor=supervisor, category="people", text="<script>alert(1)</script>"
    )
    _login(client, supervisor)
    body = client.get(problem.get_absolute_url()).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="fishbone"' in body
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_supervisor_raises_a_problem_from_a_suggestion_with_its_orders_linked(
    client, supervisor, file_order, printer
):
    orders = [file_order(device=printer) for _ in range(3)]
    _login(client, supervisor)
    page = client.get(reverse("problems:suggestions")).content.decode()
    assert f"?device={printer.pk}" in page
    form = client.get(reverse("problems:create") + f"?device={printer.pk}")
    assert form.status_code == 200
    assert "PR-301" in form.content.decode()
    response = client.post(
        reverse("problems:create") + f"?device={printer.pk}",
        {
            "title": "三楼打印机卡纸",
            "device": "PR-301",
            "owner": supervisor.pk,
            "work_orders": [o.pk for o in orders],
        },
    )
    problem = Problem.objects.get()
    assert response.status_code == 302
    assert set(problem.work_orders.all()) == set(orders)
    assert problem.device == printer


def test_a_suggestion_covered_by_an_open_problem_links_its_orders_there(
    client, supervisor, file_order, printer
):
    from problems import services

    problem = services.problem_create(actor=supervisor, title="卡纸 <b>x</b>", device=printer)
    orders = [file_order(device=printer) for _ in range(3)]
    _login(client, supervisor)
    page = client.get(reverse("problems:suggestions")).content.decode()
    assert reverse("problems:link_suggestion", args=[problem.number]) in page
    assert f"?device={printer.pk}" not in page  # no second problem offered
    assert "卡纸 &lt;b&gt;x&lt;/b&gt;" in page
    form = client.get(reverse("problems:create") + f"?device={printer.pk}").content.decode()
    assert f"{problem.number}</a>" in form and "already open" in form

    response = client.post(
        reverse("problems:link_suggestion", args=[problem.number]),
        {"kind": "device", "key": printer.pk},
    )
    assert response.status_code == 302
    assert set(problem.work_orders.all()) == set(orders)
    assert Problem.objects.count() == 1
    assert "No recurring faults" in client.get(reverse("problems:suggestions")).content.decode()


def test_linking_a_suggestion_refuses_bad_input_and_engineers(
    client, settings, supervisor, engineer, file_order, printer
):
    from problems import services

    problem = services.problem_create(actor=supervisor, title="卡纸", device=printer)
    [file_order(device=printer) for _ in range(3)]
    url = reverse("problems:link_suggestion", args=[problem.number])
    _login(client, supervisor)
    response = client.post(url, {"kind": "owner", "key": "1"}, follow=True)
    assert "no longer valid" in response.content.decode()
    assert problem.work_orders.count() == 0
    client.logout()  # drops every cookie, the language one too
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    _login(client, engineer)
    response = client.post(url, {"kind": "device", "key": printer.pk}, follow=True)
    assert "Only a service supervisor" in response.content.decode()
    assert problem.work_orders.count() == 0


def test_engineer_records_the_root_cause_on_the_page(client, supervisor, engineer):
    problem = services.problem_create(actor=supervisor, title="x")
    services.problem_investigate(problem=problem, actor=engineer)
    _login(client, engineer)
    response = client.post(
        reverse("problems:act", args=[problem.number, "root_cause"]),
        {"root_cause-root_cause": "网线松动", "root_cause-lock_version": 2},
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.root_cause == "网线松动"


def test_pareto_page_draws_the_chart(client, supervisor, file_order, jam):
    file_order(category=jam)
    _login(client, supervisor)
    response = client.get(reverse("problems:pareto"))
    assert response.status_code == 200
    assert 'class="pareto"' in response.content.decode()


def test_known_errors_page_lists_the_workaround_for_the_desk(client, supervisor, engineer, agent):
    problem = services.problem_create(actor=supervisor, title="打印机卡纸")
    services.problem_investigate(problem=problem, actor=engineer)
    services.problem_record_root_cause(problem=problem, actor=engineer, root_cause="c")
    services.problem_publish_workaround(problem=problem, actor=supervisor, workaround="重新装纸")
    _login(client, agent)
    assert "重新装纸" in client.get(reverse("problems:known_errors")).content.decode()


def test_a_suggestion_links_only_to_the_problem_that_covers_it(
    client, supervisor, file_order, printer
):
    from problems import services

    covering = services.problem_create(actor=supervisor, title="卡纸", device=printer)
    other = services.problem_create(actor=supervisor, title="别的问题")
    [file_order(device=printer) for _ in range(3)]
    _login(client, supervisor)
    response = client.post(
        reverse("problems:link_suggestion", args=[other.number]),
        {"kind": "device", "key": printer.pk},
        follow=True,
    )
    assert "no longer valid" in response.content.decode()
    assert other.work_orders.count() == 0 and covering.work_orders.count() == 0
