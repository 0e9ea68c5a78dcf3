from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from sigap.audit.models import AuditEvent
from sigap.cases.models import Task
from sigap.legal import services
from sigap.legal.models import PoliceReferral

from .helpers import make_case, share


def test_the_police_clock_is_due_three_times_24_hours_after_the_victim_reported(world):
    case = make_case(world)
    reported = timezone.now() - timedelta(hours=5)
    task = services.start_police_clock(world.worker_sby, case.pk, reported)
    assert task.kind == "police_report"
    assert (task.subject_type, task.subject_id) == ("police_clock", case.pk)
    assert task.starts_at == reported
    assert task.due_at == reported + timedelta(hours=72)
    assert AuditEvent.objects.filter(action="update", object_type="case", object_id=str(case.pk)).exists()


def test_the_clock_starts_by_default_when_the_cases_first_report_was_received(world):
    received = timezone.now() - timedelta(hours=30)
    case = make_case(world, received_at=received)
    task = services.start_police_clock(world.worker_sby, case.pk)
    assert task.starts_at == received
    assert task.due_at == received + timedelta(hours=72)


def test_a_victim_report_time_in_the_future_is_refused(world):
    case = make_case(world)
    with pytest.raises(ValidationError, match="masa depan"):
        services.start_police_clock(world.worker_sby, case.pk, timezone.now() + timedelta(hours=2))
    assert not Task.objects.filter(kind="police_report").exists()


def test_the_clock_cannot_be_started_twice_while_it_runs(world):
    case = make_case(world)
    services.start_police_clock(world.worker_sby, case.pk, timezone.now() - timedelta(hours=1))
    with pytest.raises(ValidationError, match="sudah berjalan"):
        services.start_police_clock(world.worker_sby, case.pk, timezone.now())


def test_a_referral_within_72_hours_is_on_time_and_completes_the_clock(world):
    case = make_case(world)
    reported = timezone.now() - timedelta(hours=80)
    services.start_police_clock(world.worker_sby, case.pk, reported)
    referred = reported + timedelta(hours=71, minutes=59)
    referral = services.record_police_referral(world.worker_sby, case.pk, referred, "Unit PPA Polrestabes Surabaya")
    assert referral.within_deadline is True
    assert referral.victim_reported_at == reported
    assert referral.due_at == reported + timedelta(hours=72)
    task = Task.objects.get(kind="police_report", case=case)
    assert task.status == "done"
    assert task.done_at == referred
    assert task.done_by == world.worker_sby
    event = AuditEvent.objects.get(action="create", object_type="policereferral")
    assert event.changes["within_deadline"] is True
    assert event.organisation_id == case.organisation_id


def test_a_referral_after_72_hours_is_recorded_as_late(world):
    case = make_case(world)
    reported = timezone.now() - timedelta(hours=100)
    services.start_police_clock(world.worker_sby, case.pk, reported)
    referral = services.record_police_referral(
        world.worker_sby, case.pk, reported + timedelta(hours=72, minutes=1), "Polres Malang"
    )
    assert referral.within_deadline is False
    assert Task.objects.get(kind="police_report", case=case).status == "done"


def test_a_referral_without_a_running_clock_counts_from_the_first_report(world):
    received = timezone.now() - timedelta(hours=80)
    case = make_case(world, received_at=received)
    referral = services.record_police_referral(world.worker_sby, case.pk, timezone.now(), "Polrestabes Surabaya")
    assert referral.victim_reported_at == received
    assert referral.within_deadline is False


def test_referral_times_in_the_future_or_before_the_report_are_refused(world):
    case = make_case(world)
    reported = timezone.now() - timedelta(hours=3)
    services.start_police_clock(world.worker_sby, case.pk, reported)
    with pytest.raises(ValidationError, match="masa depan"):
        services.record_police_referral(world.worker_sby, case.pk, timezone.now() + timedelta(hours=1), "Polres")
    with pytest.raises(ValidationError, match="sebelum"):
        services.record_police_referral(world.worker_sby, case.pk, reported - timedelta(minutes=1), "Polres")
    with pytest.raises(ValidationError, match="masa depan"):
        services.record_police_referral(
            world.worker_sby,
            case.pk,
            timezone.now(),
            "Polres",
            victim_reported_at=timezone.now() + timedelta(days=1),
        )
    assert not PoliceReferral.objects.exists()
    assert Task.objects.get(kind="police_report", case=case).status == "open"


def test_only_the_cases_own_people_can_start_the_clock(world):
    case = make_case(world)
    share(case, world.dinsos_sby)
    for outsider in (world.worker_malang, world.worker_dinsos, world.analyst, world.org_admin_sby):
        with pytest.raises(PermissionDenied):
            services.start_police_clock(outsider, case.pk, timezone.now())
    assert not Task.objects.filter(kind="police_report").exists()


def test_the_case_page_shows_the_due_time_and_an_overdue_badge(as_user, world):
    case = make_case(world)
    services.start_police_clock(world.worker_sby, case.pk, timezone.now() - timedelta(hours=80))
    page = as_user("worker_sby").get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="section-legal"' in page
    assert 'id="police-clock-due"' in page
    assert 'id="police-clock-overdue"' in page


def test_the_case_page_says_whether_the_referral_met_the_deadline(as_user, world):
    case = make_case(world)
    reported = timezone.now() - timedelta(hours=10)
    services.start_police_clock(world.worker_sby, case.pk, reported)
    services.record_police_referral(world.worker_sby, case.pk, reported + timedelta(hours=2), "Polrestabes Surabaya")
    page = as_user("worker_sby").get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="police-clock-met"' in page
    assert 'id="police-clock-overdue"' not in page
    assert "Polrestabes Surabaya" in page


def test_the_referral_page_starts_the_clock_and_records_the_referral(as_user, world):
    case = make_case(world)
    client = as_user("worker_sby")
    url = reverse("legal:police_referral", args=[case.pk])
    reported = timezone.localtime() - timedelta(hours=6)
    response = client.post(url, {"action": "start", "clock-victim_reported_at": reported.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    task = Task.objects.get(kind="police_report", case=case)
    assert task.starts_at == reported.replace(second=0, microsecond=0)
    response = client.post(
        url,
        {
            "action": "refer",
            "refer-referred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "refer-to_unit": "Unit PPA Polrestabes Surabaya",
        },
    )
    assert response.status_code == 302
    assert PoliceReferral.objects.get(case=case).within_deadline is True


def test_a_future_time_on_the_referral_page_is_shown_as_an_error_and_kept(as_user, world):
    case = make_case(world)
    future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = as_user("worker_sby").post(
        reverse("legal:police_referral", args=[case.pk]),
        {"action": "refer", "refer-referred_at": future, "refer-to_unit": "Polsek Karang Pilang"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "tidak boleh di masa depan" in page
    assert "Polsek Karang Pilang" in page
    assert future in page


def test_a_shared_organisation_sees_the_clock_but_cannot_change_it(as_user, world):
    case = make_case(world)
    share(case, world.dinsos_sby)
    client = as_user("worker_dinsos")
    url = reverse("legal:police_referral", args=[case.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "start"}).status_code == 403
    assert as_user("worker_malang").get(url).status_code == 404
