from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from sigap.audit.models import AuditEvent
from sigap.legal import services
from sigap.legal.models import LpskRequest, PoliceReport, ProsecutionEvent, Restitution
from sigap.people.models import Organisation

from .helpers import make_case, share

TODAY = date.today


def police_report_data(**extra):
    return {
        "number": "LP/B/123/XI/2026/SPKT/Polrestabes Surabaya",
        "reported_on": timezone.localdate() - timedelta(days=3),
        "police_unit": "Unit PPA Satreskrim Polrestabes Surabaya",
        "status": "filed",
        "notes": "",
        **extra,
    }


def test_a_police_report_is_recorded_and_audited(world):
    case = make_case(world)
    report = services.save_police_report(world.worker_sby, case.pk, police_report_data())
    assert report.case == case and report.created_by == world.worker_sby
    event = AuditEvent.objects.get(action="create", object_type="policereport")
    assert event.object_id == str(report.pk)
    assert event.organisation_id == world.uptd_sby.pk
    assert event.changes["status"] == [None, "filed"]


def test_changing_a_police_report_audits_what_changed_but_not_free_text(world):
    case = make_case(world)
    report = services.save_police_report(world.worker_sby, case.pk, police_report_data())
    services.save_police_report(
        world.worker2_sby, case.pk, police_report_data(status="investigation", notes="Saksi diperiksa."), report.pk
    )
    event = AuditEvent.objects.get(action="update", object_type="policereport")
    assert event.changes == {"status": ["filed", "investigation"], "fields_changed": ["notes"]}
    assert event.actor_username == "worker2_sby"


def test_a_police_report_may_name_a_police_unit_organisation_but_no_other(world):
    case = make_case(world)
    uppa = Organisation.objects.create(name="Unit PPA Polrestabes Surabaya", type="uppa")
    report = services.save_police_report(world.worker_sby, case.pk, police_report_data(organisation=uppa.pk))
    assert report.organisation == uppa
    with pytest.raises(ValidationError):
        services.save_police_report(world.worker_sby, case.pk, police_report_data(organisation=world.dinsos_sby.pk))


def test_a_police_report_dated_in_the_future_is_refused(world):
    case = make_case(world)
    with pytest.raises(ValidationError) as exc:
        services.save_police_report(
            world.worker_sby, case.pk, police_report_data(reported_on=timezone.localdate() + timedelta(days=1))
        )
    assert "masa depan" in str(exc.value)
    assert not PoliceReport.objects.exists()


def test_people_outside_the_case_cannot_record_legal_steps(world):
    case = make_case(world)
    share(case, world.dinsos_sby)
    for outsider in (world.worker_malang, world.worker_dinsos, world.operator, world.analyst, world.sysadmin):
        with pytest.raises(PermissionDenied):
            services.save_police_report(outsider, case.pk, police_report_data())
    assert not PoliceReport.objects.exists()
    assert not AuditEvent.objects.filter(object_type="policereport").exists()


def test_a_record_of_another_case_cannot_be_changed_through_this_one(world):
    case = make_case(world)
    other = make_case(world)
    report = services.save_police_report(world.worker_sby, other.pk, police_report_data())
    with pytest.raises(PermissionDenied):
        services.save_police_report(world.worker_sby, case.pk, police_report_data(status="stopped"), report.pk)
    report.refresh_from_db()
    assert report.status == "filed"


def test_legal_records_are_visible_with_the_case_only(world):
    case = make_case(world)
    services.save_police_report(world.worker_sby, case.pk, police_report_data())
    assert PoliceReport.objects.visible_to(world.worker2_sby).count() == 1
    assert PoliceReport.objects.visible_to(world.worker_malang).count() == 0
    assert PoliceReport.objects.visible_to(world.analyst).count() == 0
    share(case, world.dinsos_sby)
    assert PoliceReport.objects.visible_to(world.worker_dinsos).count() == 1


def test_lpsk_needs_a_protection_type_and_a_decision_date_when_decided(world):
    case = make_case(world)
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="jenis perlindungan"):
        services.save_lpsk_request(world.worker_sby, case.pk, {"requested_on": today, "protection_types": []})
    request = services.save_lpsk_request(
        world.worker_sby, case.pk, {"requested_on": today, "protection_types": ["physical", "restitution"]}
    )
    with pytest.raises(ValidationError, match="tanggal keputusan"):
        services.save_lpsk_request(world.worker_sby, case.pk, {"status": "granted"}, request.pk)
    with pytest.raises(ValidationError, match="sebelum"):
        services.save_lpsk_request(
            world.worker_sby, case.pk, {"status": "granted", "decided_on": today - timedelta(days=1)}, request.pk
        )
    services.save_lpsk_request(world.worker_sby, case.pk, {"status": "granted", "decided_on": today}, request.pk)
    request.refresh_from_db()
    assert request.status == "granted"
    assert request.protection_labels() == ["Perlindungan fisik", "Fasilitasi restitusi"]
    assert AuditEvent.objects.filter(object_type="lpskrequest", action="update").count() == 1


def test_prosecution_stages_come_from_the_data_file_and_form_a_timeline(as_user, world):
    case = make_case(world)
    today = timezone.localdate()
    services.save_prosecution_event(
        world.worker_sby, case.pk, {"stage": "trial", "occurred_on": today, "reference_number": "12/Pid.Sus/2026"}
    )
    services.save_prosecution_event(
        world.worker_sby, case.pk, {"stage": "investigation", "occurred_on": today - timedelta(days=60)}
    )
    with pytest.raises(ValidationError):
        services.save_prosecution_event(world.worker_sby, case.pk, {"stage": "amnesty", "occurred_on": today})
    with pytest.raises(ValidationError, match="masa depan"):
        services.save_prosecution_event(
            world.worker_sby, case.pk, {"stage": "verdict", "occurred_on": today + timedelta(days=1)}
        )
    assert ProsecutionEvent.objects.count() == 2
    page = as_user("worker_sby").get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert page.index("Penyidikan") < page.index("Persidangan") < page.index("12/Pid.Sus/2026")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"status": "ordered", "ordered_amount": Decimal(-1)}, "ordered_amount"),
        ({"status": "partly_paid", "ordered_amount": Decimal(100), "paid_amount": Decimal(-5)}, "paid_amount"),
        ({"status": "paid", "ordered_amount": Decimal(100), "paid_amount": Decimal(150)}, "paid_amount"),
        ({"claimed_amount": Decimal(100), "claimed_on": "FUTURE"}, "claimed_on"),
        ({"status": "ordered", "ordered_amount": Decimal(100), "ordered_on": "FUTURE"}, "ordered_on"),
        ({"status": "paid", "ordered_amount": Decimal(9), "paid_amount": Decimal(9), "paid_on": "FUTURE"}, "paid_on"),
        ({"status": "ordered"}, "ordered_amount"),
    ],
)
def test_restitution_amounts_and_dates_are_validated(world, data, field):
    case = make_case(world)
    tomorrow = timezone.localdate() + timedelta(days=1)
    data = {k: (tomorrow if v == "FUTURE" else v) for k, v in data.items()}
    with pytest.raises(ValidationError) as exc:
        services.save_restitution(world.worker_sby, case.pk, {"status": "claimed", **data})
    assert field in exc.value.message_dict
    assert not Restitution.objects.exists()


def test_restitution_goes_from_claim_to_order_to_payment(world):
    case = make_case(world)
    today = timezone.localdate()
    restitution = services.save_restitution(
        world.worker_sby, case.pk, {"claimed_amount": Decimal(50_000_000), "claimed_on": today - timedelta(days=90)}
    )
    services.save_restitution(
        world.worker_sby,
        case.pk,
        {"status": "ordered", "ordered_amount": Decimal(30_000_000), "ordered_on": today - timedelta(days=10)},
        restitution.pk,
    )
    services.save_restitution(
        world.worker_sby,
        case.pk,
        {"status": "partly_paid", "paid_amount": Decimal(10_000_000), "paid_on": today},
        restitution.pk,
    )
    restitution.refresh_from_db()
    assert (restitution.status, restitution.paid_amount) == ("partly_paid", Decimal(10_000_000))
    updates = AuditEvent.objects.filter(object_type="restitution", action="update").order_by("id")
    assert [e.changes["status"] for e in updates] == [["claimed", "ordered"], ["ordered", "partly_paid"]]


def test_the_restitution_page_shows_the_error_and_keeps_what_was_typed(as_user, world):
    case = make_case(world)
    response = as_user("worker_sby").post(
        reverse("legal:restitution", args=[case.pk]),
        {"status": "paid", "ordered_amount": "1000000", "paid_amount": "2500000", "notes": "Dibayar via LPSK"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "tidak boleh melebihi" in page
    assert "2500000" in page and "Dibayar via LPSK" in page
    assert not Restitution.objects.exists()


def test_each_record_page_saves_and_returns_to_the_case(as_user, world):
    case = make_case(world)
    client = as_user("worker_sby")
    today = timezone.localdate().isoformat()
    posts = {
        "police_reports": police_report_data(reported_on=today),
        "lpsk": {"requested_on": today, "protection_types": ["procedural"], "status": "requested"},
        "prosecution": {"stage": "prosecution", "occurred_on": today, "reference_number": "PDM-1/2026"},
        "restitution": {"status": "claimed", "claimed_amount": "25000000", "claimed_on": today},
    }
    for kind, data in posts.items():
        url = reverse(f"legal:{kind}", args=[case.pk])
        assert client.get(url).status_code == 200
        response = client.post(url, data)
        assert response.status_code == 302, (kind, response.content.decode()[:3000])
        assert response.url.endswith("#section-legal")
    assert (PoliceReport.objects.count(), LpskRequest.objects.count()) == (1, 1)
    assert (ProsecutionEvent.objects.count(), Restitution.objects.count()) == (1, 1)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Rp 25.000.000" in page and "PDM-1/2026" in page
    listed = AuditEvent.objects.filter(action="list", object_type__in=["policereport", "restitution"])
    assert listed.exists()


def test_the_edit_page_changes_the_record(as_user, world):
    case = make_case(world)
    report = services.save_police_report(world.worker_sby, case.pk, police_report_data())
    client = as_user("worker2_sby")
    url = reverse("legal:police_reports_edit", args=[case.pk, report.pk])
    assert report.number in client.get(url).content.decode()
    data = police_report_data(status="to_prosecutor")
    data["reported_on"] = data["reported_on"].isoformat()
    assert client.post(url, data).status_code == 302
    report.refresh_from_db()
    assert report.status == "to_prosecutor"


def test_shared_and_outside_organisations_on_the_record_pages(as_user, world):
    case = make_case(world)
    report = services.save_police_report(world.worker_sby, case.pk, police_report_data())
    share(case, world.dinsos_sby)
    shared = as_user("worker_dinsos")
    url = reverse("legal:police_reports", args=[case.pk])
    page = shared.get(url)
    assert page.status_code == 200 and report.number in page.content.decode()
    assert 'id="legal-form"' not in page.content.decode()
    assert shared.post(url, police_report_data()).status_code == 403
    outside = as_user("worker_malang")
    assert outside.get(url).status_code == 404
    assert outside.get(reverse("legal:police_reports_edit", args=[case.pk, report.pk])).status_code == 404
    assert PoliceReport.objects.count() == 1


def test_the_court_track_outlives_a_closed_case_but_the_police_clock_does_not_start_on_one(world):
    case = make_case(world)
    type(case).objects.filter(pk=case.pk).update(status="closed")
    # A verdict or a restitution payment often comes after the case itself has closed.
    services.save_police_report(world.worker_sby, case.pk, police_report_data())
    assert PoliceReport.objects.filter(case=case).count() == 1
    with pytest.raises(ValidationError, match="ditutup"):
        services.start_police_clock(world.worker_sby, case.pk)


def test_a_closed_cases_page_still_offers_the_court_records_but_not_the_police_clock(world, as_user):
    case = make_case(world)
    type(case).objects.filter(pk=case.pk).update(status="closed")
    page = as_user("worker_sby").get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Catat tahap proses peradilan" in page and "Catat restitusi" in page
    assert "Lihat penerusan ke kepolisian" in page
