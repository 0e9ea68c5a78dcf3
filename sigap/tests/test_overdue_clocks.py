"""Overdue clocks reach the right people at the right time, across apps (the clock is moved)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sigap.cases import tasks, workflow
from sigap.cases.models import Task
from sigap.cases.services import NewChild, open_case
from sigap.inbox.models import Notification
from sigap.intake.services import triage_report
from sigap.legal import services as legal
from sigap.referrals import services as referrals
from sigap.testing import make_report


def make_case(world):
    r = make_report()
    triage_report(world.worker_sby, r.pk, "high", "Anak bekerja pada malam hari.")
    return open_case(world.worker_sby, r.pk, new_child=NewChild(name="Budi Santoso", approx_age=13, sex="M"))


def task_page(as_user, username, overdue=False):
    return as_user(username).get(reverse("cases:tasks") + ("?lihat=terlambat" if overdue else "")).content.decode()


@pytest.fixture
def referred(world):
    case = make_case(world)
    consent = referrals.record_consent(
        world.worker_sby,
        case.pk,
        purpose="referral_services",
        basis="legal_obligation",
        law="uu_35_2014",
        scope="Identitas dasar dan kebutuhan layanan.",
    )
    handoff = referrals.create_handoff(
        world.worker_sby,
        case.pk,
        "referral",
        world.dinsos_sby.pk,
        service_type="social_rehabilitation",
        consent_id=consent.pk,
    )
    return case, handoff


def test_a_referral_waits_on_the_receiving_organisations_list_and_turns_overdue_after_three_days(
    world, as_user, referred, time_machine
):
    case, handoff = referred
    page = task_page(as_user, "worker_dinsos")
    assert case.number in page and reverse("referrals:detail", args=[handoff.pk]) in page
    assert "Lewat tenggat" not in page
    assert case.number not in task_page(as_user, "worker_malang")
    time_machine.move_to(timezone.now() + timedelta(hours=73))
    assert "Lewat tenggat" in task_page(as_user, "worker_dinsos")
    tasks.send_reminders()
    notified = set(
        Notification.objects.filter(kind="task_overdue", subject__contains=case.number).values_list(
            "recipient__username", flat=True
        )
    )
    assert {"worker_dinsos"} <= notified
    assert "worker_malang" not in notified


def test_the_police_clock_runs_three_times_twenty_four_hours_from_the_victims_report(world, as_user, time_machine):
    case = make_case(world)
    start = timezone.now()
    legal.start_police_clock(world.worker_sby, case.pk, start)
    task = Task.objects.get(case=case, kind="police_report")
    assert task.due_at == start + timedelta(hours=72)
    time_machine.move_to(start + timedelta(hours=71))
    assert tasks.send_reminders()[0] >= 1  # the reminder before the deadline
    time_machine.move_to(start + timedelta(hours=72, minutes=1))
    assert "Lewat tenggat" in task_page(as_user, "worker_sby")
    overdue = task_page(as_user, "supervisor_sby", overdue=True)
    assert "kepolisian" in overdue and case.number in overdue
    assert case.number not in task_page(as_user, "supervisor_malang", overdue=True)


def test_a_waiting_approval_is_overdue_for_the_supervisors_after_three_days(world, as_user, monkeypatch, time_machine):
    from sigap.cases import gates

    monkeypatch.setattr(gates, "_gates", gates.defaultdict(list))
    case = make_case(world)
    workflow.move_to(world.worker_sby, case.pk, "assessment")
    workflow.request_approval(world.worker_sby, case.pk, "assessment")
    time_machine.move_to(timezone.now() + timedelta(hours=73))
    page = task_page(as_user, "supervisor_sby")
    assert "Putuskan persetujuan" in page and "Lewat tenggat" in page
    assert "Putuskan persetujuan" not in task_page(as_user, "supervisor_malang")
