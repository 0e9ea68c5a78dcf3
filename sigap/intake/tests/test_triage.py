from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from sigap.audit.models import AuditEvent
from sigap.intake.models import Report, ResponseClock, Status
from sigap.intake.services import triage_report
from sigap.testing import MALANG_VILLAGE, make_report


def test_an_untriaged_report_runs_on_the_high_risk_clock(world):
    report = make_report()
    assert report.first_contact_due == report.received_at + timedelta(hours=24)


@pytest.mark.parametrize(("risk", "hours"), [("high", 24), ("medium", 72), ("low", 168)])
def test_triage_sets_the_first_contact_due_time_from_the_risk_level(world, risk, hours):
    report = make_report()
    triaged = triage_report(world.worker_sby, report.pk, risk, "Alasan penilaian.")
    assert triaged.first_contact_due == report.received_at + timedelta(hours=hours)
    assert triaged.status == Status.IN_PROGRESS
    assert triaged.triaged_by == world.worker_sby


def test_the_clock_table_is_configurable(world):
    ResponseClock.objects.filter(risk_level="medium").update(hours=6)
    report = make_report()
    triaged = triage_report(world.worker_sby, report.pk, "medium", "Standar daerah: 6 jam.")
    assert triaged.first_contact_due == report.received_at + timedelta(hours=6)


def test_triage_needs_a_reason(world):
    report = make_report()
    with pytest.raises(ValidationError):
        triage_report(world.worker_sby, report.pk, "high", "   ")


def test_a_worker_of_another_organisation_cannot_triage(world):
    report = make_report()
    with pytest.raises(PermissionDenied):
        triage_report(world.worker_malang, report.pk, "high", "Coba.")


def test_triage_is_audited_with_old_and_new_values(world):
    report = make_report()
    triage_report(world.worker_sby, report.pk, "low", "Awal.")
    triage_report(world.worker_sby, report.pk, "high", "Ada informasi baru.")
    event = AuditEvent.objects.filter(action="triage").order_by("-id").first()
    assert event.changes["risk_level"] == ["low", "high"]
    assert event.actor_username == "worker_sby"
    assert event.organisation_id == world.uptd_sby.pk


def test_the_queue_lists_the_soonest_deadline_first_and_marks_overdue_and_due_soon(as_user, world):
    now = timezone.now()
    overdue = make_report()
    Report.objects.filter(pk=overdue.pk).update(
        received_at=now - timedelta(hours=30), first_contact_due=now - timedelta(hours=6)
    )
    due_soon = make_report()
    Report.objects.filter(pk=due_soon.pk).update(
        received_at=now - timedelta(hours=20), first_contact_due=now + timedelta(hours=4)
    )
    on_time = make_report()
    triage_report(world.worker_sby, on_time.pk, "low", "Tidak mendesak.")
    elsewhere = make_report(region=MALANG_VILLAGE)

    html = as_user("worker_sby").get(reverse("intake:queue")).content.decode()
    positions = [html.index(r.tracking_code) for r in (overdue, due_soon, on_time)]
    assert positions == sorted(positions)
    assert elsewhere.tracking_code not in html
    overdue_card = html[positions[0] : positions[1]]
    assert "Lewat batas" in overdue_card
    assert "Segera jatuh tempo" in html[positions[1] : positions[2]]


def test_the_queue_can_show_only_overdue_reports(as_user, world):
    now = timezone.now()
    overdue = make_report()
    Report.objects.filter(pk=overdue.pk).update(first_contact_due=now - timedelta(hours=1))
    fresh = make_report()
    html = as_user("worker_sby").get(reverse("intake:queue"), {"tampil": "overdue"}).content.decode()
    assert overdue.tracking_code in html
    assert fresh.tracking_code not in html


def test_a_case_worker_triages_from_the_report_page(as_user, world):
    report = make_report()
    client = as_user("worker_sby")
    response = client.post(
        reverse("intake:triage", args=[report.pk]), {"risk_level": "medium", "risk_reason": "Anak bekerja malam."}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.risk_level == "medium"


def test_a_triage_without_a_reason_is_refused_on_the_page_with_a_message(as_user, world):
    report = make_report()
    response = as_user("worker_sby").post(
        reverse("intake:triage", args=[report.pk]), {"risk_level": "high", "risk_reason": ""}
    )
    assert response.status_code == 400
    assert "Tuliskan alasan penilaian risiko." in response.content.decode()


def test_the_due_soon_filter_keeps_only_reports_close_to_their_deadline(as_user, world):
    now = timezone.now()
    soon = make_report()
    Report.objects.filter(pk=soon.pk).update(
        received_at=now - timedelta(hours=20), first_contact_due=now + timedelta(hours=4)
    )
    later = make_report()  # due in 24 hours: not yet "soon"
    late = make_report()
    Report.objects.filter(pk=late.pk).update(first_contact_due=now - timedelta(hours=1))
    html = as_user("worker_sby").get(reverse("intake:queue"), {"tampil": "due_soon"}).content.decode()
    assert soon.tracking_code in html
    assert later.tracking_code not in html
    assert late.tracking_code not in html


def test_a_provincial_supervisor_sees_their_own_queue_and_can_widen_it_to_the_province(as_user, world):
    provincial = make_report(region="35.15")  # Sidoarjo: routed to the provincial UPTD PPA
    surabaya = make_report()
    client = as_user("supervisor_jatim")
    own = client.get(reverse("intake:queue")).content.decode()
    assert provincial.tracking_code in own and surabaya.tracking_code not in own
    wide = client.get(reverse("intake:queue"), {"cakupan": "semua"}).content.decode()
    assert provincial.tracking_code in wide and surabaya.tracking_code in wide


def test_a_case_worker_cannot_widen_the_queue_beyond_their_organisation(as_user, world):
    elsewhere = make_report(region=MALANG_VILLAGE)
    html = as_user("worker_sby").get(reverse("intake:queue"), {"cakupan": "semua"}).content.decode()
    assert elsewhere.tracking_code not in html
