import pytest
from django.urls import reverse
from django.utils import timezone

from sigap.assessments import services
from sigap.assessments.models import Assessment, BestInterestsAssessment, BestInterestsDetermination, Identification
from sigap.audit.models import AuditEvent
from sigap.cases.models import Approval, CaseShare

from .helpers import FULL, identify, in_assessment, in_identification, record_bid


def assessment_post(**overrides):
    data = {k: v for k, v in FULL.items() if k != "mental_health_scores"}
    data.update({"kind": "initial", "score_sdq": "18", "score_hscl25": "1.80", "score_cpss5": "", "score_phqa": ""})
    data.update(overrides)
    return data


def bid_post(**overrides):
    data = {
        "panel_name_0": "Sri Wahyuni",
        "panel_role_0": "Pekerja sosial, UPTD PPA",
        "panel_name_1": "Agus Salim",
        "panel_role_1": "Psikolog, UPTD PPA",
        "panel_name_2": "Dewi Lestari",
        "panel_role_2": "Pekerja sosial, Dinas Sosial",
        "option_return_to_family": "on",
        "notes_return_to_family": "Ibu mampu melindungi.",
        "option_kinship_care": "on",
        "notes_kinship_care": "Nenek bersedia.",
        "child_views": "Anak ingin pulang ke ibunya.",
        "decision": "return_to_family",
        "reasons": "Ibu tidak terlibat dan bersedia didampingi.",
        "decided_on": timezone.localdate().isoformat(),
    }
    data.update(overrides)
    return data


def test_a_worker_creates_and_submits_an_assessment_through_the_pages(world, as_user):
    case = in_assessment(world)
    client = as_user("worker_sby")
    page = client.get(reverse("assessments:create", args=[case.pk]))
    assert page.status_code == 200
    assert 'id="assessment-save"' in page.content.decode()
    assert "Robert Goodman" in page.content.decode()  # the licence, not the items
    response = client.post(reverse("assessments:create", args=[case.pk]), assessment_post())
    assessment = Assessment.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:detail", args=[assessment.pk])
    assert assessment.mental_health_scores == {"sdq": 18, "hscl25": 1.8}
    page = client.get(reverse("assessments:submit", args=[assessment.pk]))
    assert 'id="assessment-submit"' in page.content.decode()
    response = client.post(reverse("assessments:submit", args=[assessment.pk]), {"comment": "Mohon ditinjau."})
    assert response.status_code == 302
    assert Approval.objects.get(case=case).status == "pending"
    section = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="section-assessment"' in section
    assert 'data-status="submitted"' in section


def test_an_invalid_score_keeps_what_was_typed(world, as_user):
    case = in_assessment(world)
    response = as_user("worker_sby").post(
        reverse("assessments:create", args=[case.pk]), assessment_post(score_sdq="99")
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert FULL["child_views"] in body
    assert "Skor maksimal 40" in body
    assert not Assessment.objects.exists()


def test_submitting_an_incomplete_assessment_shows_the_message(world, as_user):
    case = in_assessment(world)
    draft = services.create_assessment(world.worker_sby, case.pk, safety="Aman.")
    response = as_user("worker_sby").post(reverse("assessments:submit", args=[draft.pk]), {"comment": ""})
    assert response.status_code == 400
    assert "Lengkapi asesmen" in response.content.decode()
    assert not Approval.objects.exists()


def test_a_rejected_assessment_is_edited_back_to_a_draft(world, as_user):
    from sigap.cases import workflow

    case = in_assessment(world)
    a = services.create_assessment(world.worker_sby, case.pk, **FULL)
    services.submit_assessment(world.worker_sby, a.pk)
    workflow.decide_approval(world.supervisor_sby, Approval.objects.get().pk, approve=False, comment="Kurang rinci.")
    client = as_user("worker_sby")
    page = client.get(reverse("assessments:edit", args=[a.pk])).content.decode()
    assert "Kurang rinci." in page
    response = client.post(reverse("assessments:edit", args=[a.pk]), assessment_post(safety="Lebih rinci."))
    assert response.status_code == 302
    a.refresh_from_db()
    assert (a.status, a.safety) == ("draft", "Lebih rinci.")


def test_bia_bid_and_identification_are_recorded_through_the_pages(world, as_user):
    case = in_identification(world)
    client = as_user("worker_sby")
    response = client.post(
        reverse("assessments:bia", args=[case.pk]),
        {
            "assessed_on": timezone.localdate().isoformat(),
            "participants": "Pekerja sosial UPTD PPA",
            "summary": "Anak stabil di rumah aman.",
            "child_views": "Ingin sekolah.",
            "recommendation": "Lanjutkan pendampingan.",
        },
    )
    assert response.status_code == 302
    assert BestInterestsAssessment.objects.filter(case=case).count() == 1
    response = client.post(reverse("assessments:bid", args=[case.pk]), bid_post())
    assert response.status_code == 302
    assert BestInterestsDetermination.objects.get(case=case).panel[2]["name"] == "Dewi Lestari"
    response = client.post(
        reverse("assessments:identification", args=[case.pk]),
        {
            "status": "identified",
            "exploitation_forms": ["trafficking"],
            "acts": ["recruitment"],
            "purposes": ["child_labour"],
            "evidence_notes": "Keterangan anak konsisten.",
            "decision_org_type": "government",
            "decided_by": "Tim identifikasi UPTD PPA",
            "decided_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    assert Identification.objects.get(case=case).acts == ["recruitment"]
    section = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Teridentifikasi sebagai korban" in section
    assert "Kembali ke keluarga" in section


def test_a_bid_with_two_panel_members_is_refused_and_the_form_kept(world, as_user):
    case = in_identification(world)
    response = as_user("worker_sby").post(
        reverse("assessments:bid", args=[case.pk]), bid_post(panel_name_2="", panel_role_2="")
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "sekurang-kurangnya 3 orang" in body
    assert "Agus Salim" in body
    assert not BestInterestsDetermination.objects.exists()


def test_trafficking_without_a_purpose_is_refused_on_the_page(world, as_user):
    case = in_identification(world)
    response = as_user("worker_sby").post(
        reverse("assessments:identification", args=[case.pk]),
        {
            "status": "identified",
            "exploitation_forms": ["trafficking"],
            "acts": ["recruitment"],
            "evidence_notes": "Catatan.",
            "decision_org_type": "police",
            "decided_by": "Unit PPA",
            "decided_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 400
    assert "tujuan eksploitasi" in response.content.decode()
    assert not Identification.objects.exists()


def _all_pages(world, case):
    identify(world, case)
    record_bid(world, case)
    draft = services.create_assessment(world.worker_sby, case.pk, **FULL)
    return [
        reverse("assessments:create", args=[case.pk]),
        reverse("assessments:detail", args=[draft.pk]),
        reverse("assessments:edit", args=[draft.pk]),
        reverse("assessments:submit", args=[draft.pk]),
        reverse("assessments:bia", args=[case.pk]),
        reverse("assessments:bid", args=[case.pk]),
        reverse("assessments:identification", args=[case.pk]),
        reverse("assessments:identification_history", args=[case.pk]),
    ]


def writable(pages):
    return [url for i, url in enumerate(pages) if i not in (1, 7)]


def test_every_page_renders_for_the_worker(world, as_user):
    case = in_identification(world)
    client = as_user("worker_sby")
    for url in _all_pages(world, case):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["worker_malang", "worker_jakpus", "analyst", "reporter"])
def test_pages_are_not_found_outside_the_cases_scope(world, as_user, who):
    case = in_identification(world)
    client = as_user(who)
    pages = _all_pages(world, case)
    for url in pages:
        assert client.get(url).status_code == 404, url
    for url in writable(pages):
        assert client.post(url, {}).status_code == 404, url
    assert not AuditEvent.objects.filter(actor_id=getattr(world, who).pk, action__in=["view", "list"]).exists()


def test_a_partner_with_a_share_may_read_but_not_write(world, as_user):
    case = in_identification(world)
    CaseShare.objects.create(case=case, organisation=world.dinsos_sby, reason="referral")
    pages = _all_pages(world, case)
    client = as_user("worker_dinsos")
    readable = [pages[1], pages[4], pages[5], pages[6], pages[7]]
    for url in readable:
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'id="bid-submit"' not in response.content.decode()
        assert 'id="identification-submit"' not in response.content.decode()
    for url in (pages[0], pages[2], pages[3]):
        assert client.get(url).status_code == 403, url
    for url in writable(pages):
        assert client.post(url, {}).status_code == 403, url
    assert client.post(pages[1], {}).status_code == 405  # the detail page only reads
    assert client.post(pages[5], bid_post()).status_code == 403
    assert BestInterestsDetermination.objects.filter(case=case).count() == 1


def test_reading_the_pages_writes_audit_rows(world, as_user):
    case = in_identification(world)
    pages = _all_pages(world, case)
    client = as_user("supervisor_sby")
    before = AuditEvent.objects.filter(actor_id=world.supervisor_sby.pk).count()
    client.get(pages[1])  # assessment detail
    client.get(pages[5])  # BID list
    client.get(pages[6])  # identification
    client.get(reverse("cases:detail", args=[case.pk]))
    events = AuditEvent.objects.filter(actor_id=world.supervisor_sby.pk)
    assert events.count() > before
    assert events.filter(action="view", object_type="assessment").count() == 2
    assert events.filter(action="list", object_type="bestinterestsdetermination").count() == 2
    assert events.filter(action="view", object_type="identification").count() == 2


def test_the_section_offers_actions_only_to_those_who_can_work_on_the_case(world, as_user):
    case = in_assessment(world)
    worker_page = as_user("worker_sby").get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="assessment-new"' in worker_page
    assert "Belum ada keputusan identifikasi." in worker_page
    CaseShare.objects.create(case=case, organisation=world.dinsos_sby, reason="referral")
    partner_page = as_user("worker_dinsos").get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="assessment-new"' not in partner_page
    assert 'id="section-assessment"' in partner_page


def test_a_potential_victim_is_never_called_a_victim(world, as_user):
    case = in_identification(world)
    identify(world, case, status="potential", forms=["worst_forms_child_labour"], acts=[], purposes=[])
    body = as_user("worker_sby").get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Korban potensial" in body
    assert "Teridentifikasi sebagai korban" not in body.split('id="section-assessment"')[1].split("</section>")[0]
