import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sigap.audit.models import AuditEvent
from sigap.cases.models import Approval
from sigap.people.models import Organisation
from sigap.plans import services
from sigap.plans.models import CasePlan, CaseService, Goal, ServiceStatus

from .helpers import make_case, ready_plan, share


@pytest.fixture(autouse=True)
def only_the_plan_section(monkeypatch):
    """The case page with this app's section alone; other apps test their own sections."""
    from sigap.cases import sections

    monkeypatch.setattr(sections, "_sections", {k: v for k, v in sections._sections.items() if k == "plan"})


def test_a_worker_writes_a_plan_adds_goals_and_services_and_submits_it(as_user, world):
    case = make_case(world)
    client = as_user("worker_sby")
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="plan-create"' in page
    response = client.post(
        reverse("plans:create", args=[case.pk]),
        {"objectives": "Anak aman dan bersekolah.", "action_plan": "Kunjungan rumah mingguan.", "planned_end": ""},
    )
    plan = CasePlan.objects.get()
    assert response["Location"] == reverse("plans:detail", args=[plan.pk])
    # A goal added with htmx comes back as the goals fragment.
    fragment = client.post(
        reverse("plans:goal_add", args=[plan.pk]), {"description": "Anak kembali bersekolah."}, HTTP_HX_REQUEST="true"
    )
    assert fragment.status_code == 200
    assert "Anak kembali bersekolah." in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    # Without htmx the page redirects back to the plan.
    response = client.post(reverse("plans:goal_add", args=[plan.pk]), {"description": "Orang tua didampingi."})
    assert response.status_code == 302
    assert plan.goals.count() == 2
    form = client.get(reverse("plans:service_add", args=[case.pk])).content.decode()
    assert "<optgroup" in form and "Rehabilitasi sosial" in form
    assert re.search(rf'<option value="{world.uptd_sby.pk}" selected>', form)
    response = client.post(
        reverse("plans:service_add", args=[case.pk]),
        {
            "service_type": "case_management",
            "provider": world.uptd_sby.pk,
            "goal": plan.goals.first().pk,
            "requested_on": timezone.localdate().isoformat(),
            "notes": "",
            "next": reverse("plans:detail", args=[plan.pk]),
        },
    )
    assert response["Location"] == reverse("plans:detail", args=[plan.pk])
    assert CaseService.objects.get().plan == plan
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="plan-submit"' in page and 'id="plan-status"' in page
    response = client.post(reverse("plans:submit", args=[plan.pk]), {"plan-comment": "Mohon ditinjau."})
    assert response.status_code == 302
    assert Approval.objects.get().comment == "Mohon ditinjau."
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Diajukan" in page and 'id="plan-submit"' not in page


def test_an_empty_goal_is_refused_and_the_page_keeps_the_plan(as_user, world):
    case = make_case(world)
    plan = services.create_plan(world.worker_sby, case.pk, "Anak aman.")
    client = as_user("worker_sby")
    response = client.post(reverse("plans:goal_add", args=[plan.pk]), {"description": "  "}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "Tuliskan tujuan" in response.content.decode()
    assert not Goal.objects.exists()


def test_submitting_without_goals_shows_why_and_keeps_the_comment(as_user, world):
    case = make_case(world)
    plan = services.create_plan(world.worker_sby, case.pk, "Anak aman.")
    response = as_user("worker_sby").post(reverse("plans:submit", args=[plan.pk]), {"plan-comment": "Catatan saya."})
    html = response.content.decode()
    assert response.status_code == 400
    assert "belum memiliki tujuan" in html and "Catatan saya." in html
    assert not Approval.objects.exists()


def test_editing_the_plan_saves_and_a_bad_date_keeps_the_input(as_user, world):
    case = make_case(world)
    plan = services.create_plan(world.worker_sby, case.pk, "Anak aman.")
    client = as_user("worker_sby")
    url = reverse("plans:detail", args=[plan.pk])
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(
        url, {"objectives": "Tujuan baru yang saya ketik.", "action_plan": "", "planned_end": yesterday}
    )
    assert response.status_code == 400
    assert "Tujuan baru yang saya ketik." in response.content.decode()
    response = client.post(url, {"objectives": "Tujuan baru.", "action_plan": "Langkah.", "planned_end": ""})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.objectives, plan.action_plan) == ("Tujuan baru.", "Langkah.")


def test_completing_on_the_page_needs_an_outcome_and_keeps_what_was_typed(as_user, world):
    case = make_case(world)
    service = services.add_service(world.worker_sby, case.pk, "legal_aid", world.uptd_sby.pk)
    client = as_user("worker_sby")
    url = reverse("plans:service_complete", args=[service.pk])
    response = client.post(url, {"completed_on": "2001-02-03", "outcome": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Tuliskan hasil layanan" in html and "2001-02-03" in html
    response = client.post(url, {"completed_on": timezone.localdate().isoformat(), "outcome": "Selesai."})
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.status == ServiceStatus.COMPLETED


def test_the_case_page_shows_the_clock_due_date_of_a_rehabilitation(as_user, world):
    case = make_case(world)
    requested = timezone.localdate() - timedelta(days=1)
    service = services.add_service(
        world.worker_sby, case.pk, "social_rehabilitation", world.uptd_sby.pk, requested_on=requested
    )
    html = as_user("worker_sby").get(reverse("cases:detail", args=[case.pk])).content.decode()
    due = requested + timedelta(days=7)
    clock = re.search(rf'id="service-clock-{service.pk}"(.*?)</div>', html, re.DOTALL)
    assert clock and f"{due.day} " in clock.group(1) and str(due.year) in clock.group(1)
    for action in ("start", "complete", "cancel"):
        assert f'id="service-{action}-{service.pk}"' in html
    assert AuditEvent.objects.filter(action="list", object_type="caseservice", actor_username="worker_sby").exists()


def test_a_provider_worker_sees_the_section_with_only_their_services_actionable(as_user, world):
    case = make_case(world)
    plan = ready_plan(world, case)
    ours = plan.services.get()
    theirs = services.add_service(
        world.worker_sby, case.pk, "social_rehabilitation", world.dinsos_sby.pk, status=ServiceStatus.REFERRED
    )
    client = as_user("worker_dinsos")
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("plans:service_complete", args=[theirs.pk])).status_code == 404
    share(case, world.dinsos_sby)
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert f'id="service-complete-{theirs.pk}"' in html and f'id="service-decline-{theirs.pk}"' in html
    assert f'id="service-complete-{ours.pk}"' not in html
    assert f'id="service-cancel-{theirs.pk}"' not in html
    assert 'id="plan-submit"' not in html and 'id="plan-edit"' not in html and 'id="service-add"' not in html
    response = client.post(
        reverse("plans:service_complete", args=[theirs.pk]),
        {"completed_on": timezone.localdate().isoformat(), "outcome": "Rehabilitasi selesai."},
    )
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.status == ServiceStatus.COMPLETED
    assert client.post(reverse("plans:service_complete", args=[ours.pk]), {}).status_code == 403
    assert client.post(reverse("plans:service_cancel", args=[theirs.pk]), {"reason": "x"}).status_code == 403
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 200
    assert client.post(reverse("plans:detail", args=[plan.pk]), {"objectives": "Diubah."}).status_code == 403
    assert client.post(reverse("plans:goal_add", args=[plan.pk]), {"description": "x"}).status_code == 403
    assert client.post(reverse("plans:submit", args=[plan.pk]), {}).status_code == 403
    assert client.get(reverse("plans:service_add", args=[case.pk])).status_code == 403
    plan.refresh_from_db()
    assert plan.objectives == "Anak kembali aman dan bersekolah."


def test_a_worker_of_an_unrelated_organisation_gets_not_found(as_user, world):
    case = make_case(world)
    plan = ready_plan(world, case)
    service = plan.services.get()
    goal = plan.goals.get()
    client = as_user("worker_malang")
    for url in (
        reverse("plans:create", args=[case.pk]),
        reverse("plans:detail", args=[plan.pk]),
        reverse("plans:submit", args=[plan.pk]),
        reverse("plans:service_add", args=[case.pk]),
        reverse("plans:service_start", args=[service.pk]),
        reverse("plans:service_complete", args=[service.pk]),
        reverse("plans:service_cancel", args=[service.pk]),
        reverse("plans:service_decline", args=[service.pk]),
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"reason": "x", "outcome": "x", "objectives": "x"}).status_code == 404, url
    assert client.post(reverse("plans:goal_add", args=[plan.pk]), {"description": "x"}).status_code == 404
    assert client.post(reverse("plans:goal_update", args=[goal.pk]), {}).status_code == 404


def test_the_provider_list_offers_only_active_organisations(as_user, world):
    case = make_case(world)
    Organisation.objects.filter(pk=world.uptd_jakpus.pk).update(is_active=False)
    html = as_user("worker_sby").get(reverse("plans:service_add", args=[case.pk])).content.decode()
    assert "UPTD PPA Jakarta Pusat" not in html and "Dinas Sosial Kota Surabaya" in html


def test_the_catalogue_page_lists_services_by_group_with_their_clock(as_user, world):
    html = as_user("worker_sby").get(reverse("plans:catalogue")).content.decode()
    assert "Rehabilitasi sosial" in html and "UU 21/2007" in html and "7 hari" in html
    assert 'id="catalogue-social_reintegration"' in html
    assert as_user("worker_sby").get(reverse("plans:catalogue")).status_code == 200
