import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from sigap.audit.models import AuditEvent
from sigap.cases.models import Case
from sigap.cases.services import NewChild, attach_to_case, open_case
from sigap.identity.models import Child
from sigap.intake.models import Outcome, Status
from sigap.intake.services import close_report, triage_report
from sigap.testing import make_report


def triaged_report(world, **kwargs):
    report = make_report(**kwargs)
    return triage_report(world.worker_sby, report.pk, "high", "Anak bekerja di malam hari tanpa pengawasan.")


def test_opening_a_case_creates_the_child_record_and_the_case(world):
    report = triaged_report(world)
    case = open_case(world.worker_sby, report.pk, new_child=NewChild(name="Budi Santoso", approx_age=12, sex="M"))
    report.refresh_from_db()
    assert case.organisation == world.uptd_sby
    assert case.worker == world.worker_sby
    assert case.risk_level == "high"
    assert case.number.startswith("KS-")
    assert case.child.name == "Budi Santoso"
    assert case.child.region_id == report.region_id
    assert list(case.reports.all()) == [report]
    assert report.outcome == Outcome.CASE_OPENED
    assert report.status == Status.IN_PROGRESS
    assert set(AuditEvent.objects.filter(object_type__in=["case", "child"]).values_list("action", flat=True)) == {
        "create"
    }


def test_a_case_can_be_opened_for_a_child_already_known(world):
    first = open_case(
        world.worker_sby, triaged_report(world).pk, new_child=NewChild(name="Ani", approx_age=10, sex="F")
    )
    second = open_case(world.worker_sby, triaged_report(world).pk, existing_child_id=first.child_id)
    assert second.child_id == first.child_id
    assert Child.objects.count() == 1


def test_a_child_outside_the_workers_scope_cannot_be_used(world):
    from sigap.testing import MALANG_VILLAGE

    malang_report = make_report(region=MALANG_VILLAGE)
    triage_report(world.worker_malang, malang_report.pk, "low", "Cek.")
    other = open_case(world.worker_malang, malang_report.pk, new_child=NewChild(name="Rahasia"))
    with pytest.raises(PermissionDenied):
        open_case(world.worker_sby, triaged_report(world).pk, existing_child_id=other.child_id)


def test_a_report_must_be_triaged_before_a_case_is_opened(world):
    report = make_report()
    with pytest.raises(ValidationError):
        open_case(world.worker_sby, report.pk, new_child=NewChild(name="Budi"))
    assert Case.objects.count() == 0


def test_a_community_reporter_cannot_open_a_case(world):
    report = triaged_report(world, actor=world.reporter)
    with pytest.raises(PermissionDenied):
        open_case(world.reporter, report.pk, new_child=NewChild(name="Budi"))


def test_a_report_can_be_attached_to_an_existing_case(world):
    case = open_case(world.worker_sby, triaged_report(world).pk, new_child=NewChild(name="Budi"))
    later = triaged_report(world)
    attach_to_case(world.worker2_sby, later.pk, case.pk, "Laporan kedua tentang anak yang sama.")
    later.refresh_from_db()
    assert later.outcome == Outcome.ATTACHED
    assert set(case.reports.all()) == {later, *case.reports.all()}
    assert case.reports.count() == 2


def test_a_report_is_closed_with_a_reason(world):
    report = triaged_report(world)
    close_report(world.worker_sby, report.pk, "not_cp_concern", "Bukan anak; pelapor keliru.")
    report.refresh_from_db()
    assert (report.outcome, report.close_reason, report.status) == (Outcome.CLOSED, "not_cp_concern", Status.CLOSED)
    assert AuditEvent.objects.filter(action="close", object_id=str(report.pk)).exists()


def test_closing_as_duplicate_needs_the_other_reports_code(world):
    with pytest.raises(ValidationError):
        close_report(world.worker_sby, triaged_report(world).pk, "duplicate", "")


def test_a_report_with_an_outcome_cannot_get_another(world):
    report = triaged_report(world)
    close_report(world.worker_sby, report.pk, "handled_elsewhere", "")
    with pytest.raises(ValidationError):
        open_case(world.worker_sby, report.pk, new_child=NewChild(name="Budi"))


def test_the_open_case_page_prefills_the_child_from_the_report_and_opens_the_case(as_user, world):
    report = triaged_report(world, children=(("Siti", 14, "F"),))
    client = as_user("worker_sby")
    page = client.get(reverse("cases:open", args=[report.pk])).content.decode()
    assert 'value="Siti"' in page
    response = client.post(
        reverse("cases:open", args=[report.pk]),
        {
            "name": "Siti Aminah",
            "nickname": "Siti",
            "sex": "F",
            "approx_age": "14",
            "region": report.region_id,
            "reported_child": report.children.get().pk,
        },
    )
    case = Case.objects.get()
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert report.children.get().child == case.child


def test_the_open_case_page_refuses_a_child_without_a_name_and_keeps_the_input(as_user, world):
    report = triaged_report(world)
    response = as_user("worker_sby").post(
        reverse("cases:open", args=[report.pk]), {"name": "", "nickname": "", "sex": "M", "approx_age": "12"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Isi nama atau nama panggilan anak" in html
    assert 'value="12"' in html


def test_the_child_search_finds_children_by_name_and_age_within_scope(as_user, world):
    case = open_case(world.worker_sby, triaged_report(world).pk, new_child=NewChild(name="Budi Hartono", approx_age=12))
    client = as_user("worker_sby")
    html = client.get(reverse("cases:child_search"), {"q": "budi", "usia": "13"}).content.decode()
    assert "Budi Hartono" in html
    assert f'data-child-id="{case.child_id}"' in html
    assert (
        "Budi Hartono"
        not in as_user("worker_malang").get(reverse("cases:child_search"), {"q": "budi"}).content.decode()
    )
    assert "Budi Hartono" not in client.get(reverse("cases:child_search"), {"q": "budi", "usia": "3"}).content.decode()


def test_the_case_page_shows_the_child_reports_owner_and_history(as_user, world):
    report = triaged_report(world)
    case = open_case(world.worker_sby, report.pk, new_child=NewChild(name="Budi", approx_age=12, sex="M"))
    html = as_user("supervisor_sby").get(reverse("cases:detail", args=[case.pk])).content.decode()
    for expected in (
        "Budi",
        report.tracking_code,
        "UPTD PPA Kota Surabaya",
        "worker_sby",
        "Tinggi",
        "Membuka kasus",
        "Menilai (triase)",
    ):
        assert expected in html, expected
