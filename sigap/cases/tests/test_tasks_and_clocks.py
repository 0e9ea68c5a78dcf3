import json
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

from sigap.cases import clocks, tasks, workflow
from sigap.cases.models import Task
from sigap.inbox.models import Notification

from .helpers import make_case


def test_the_clock_file_gives_the_statutory_durations():
    assert clocks.get("police_report").duration() == timedelta(hours=72)
    for kind in ("rehabilitation", "repatriation", "reintegration"):
        assert clocks.get(kind).duration() == timedelta(days=7)
    assert clocks.get("follow_up").duration("high") < clocks.get("follow_up").duration("low")


def test_a_broken_clock_file_is_refused_at_start(tmp_path, monkeypatch):
    bad = tmp_path / "clocks.json"
    bad.write_text(json.dumps({"reminder_hours_before": 24, "clocks": {"x": {"title_id": "a", "title_en": "b"}}}))
    monkeypatch.setattr(clocks, "PATH", bad)
    clocks._load.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="exactly one"):
            clocks.clocks()
    finally:
        clocks._load.cache_clear()


def test_my_tasks_lists_my_open_tasks_soonest_first(world, as_user):
    case = make_case(world)
    later = tasks.schedule(case, "police_report", assignee=world.worker_sby)
    page = as_user("worker_sby").get(reverse("cases:tasks")).content.decode()
    assert page.index("Kontak pertama") < page.index(later.title)
    assert case.number in page
    # nobody else's list shows them
    assert case.number not in as_user("worker2_sby").get(reverse("cases:tasks")).content.decode()
    assert case.number not in as_user("worker_malang").get(reverse("cases:tasks")).content.decode()


def test_a_task_shows_as_overdue_once_its_deadline_passes(world, as_user, time_machine):
    case = make_case(world)
    client = as_user("worker_sby")
    assert "Lewat tenggat" not in client.get(reverse("cases:tasks")).content.decode()
    time_machine.move_to(timezone.now() + timedelta(hours=25))
    client = as_user("worker_sby")  # a new session: the old one expired while the clock moved on
    assert "Lewat tenggat" in client.get(reverse("cases:tasks")).content.decode()
    assert case.number in client.get(reverse("cases:tasks")).content.decode()


def test_supervisors_see_their_organisations_overdue_tasks_and_others_do_not(world, as_user, time_machine):
    case = make_case(world)
    time_machine.move_to(timezone.now() + timedelta(days=2))
    overdue = as_user("supervisor_sby").get(reverse("cases:tasks") + "?lihat=terlambat").content.decode()
    assert case.number in overdue and "worker_sby" in overdue
    assert (
        case.number
        not in as_user("supervisor_malang").get(reverse("cases:tasks") + "?lihat=terlambat").content.decode()
    )
    # a case worker asking for the overdue view gets their own list
    assert (
        "organisasi saya"
        not in as_user("worker2_sby").get(reverse("cases:tasks") + "?lihat=terlambat").content.decode()
    )


def test_approval_requests_wait_on_the_supervisors_list(world, as_user, monkeypatch):
    from sigap.cases import gates

    monkeypatch.setattr(gates, "_gates", gates.defaultdict(list))
    case = make_case(world)
    workflow.move_to(world.worker_sby, case.pk, "assessment")
    workflow.request_approval(world.worker_sby, case.pk, "assessment")
    page = as_user("supervisor_sby").get(reverse("cases:tasks")).content.decode()
    assert "Putuskan persetujuan" in page
    assert "Putuskan persetujuan" not in as_user("worker2_sby").get(reverse("cases:tasks")).content.decode()


def test_reminders_go_out_before_the_deadline_and_once(world):
    case = make_case(world, risk="high")  # first contact due 24 h after the report
    task = Task.objects.get(case=case, kind="first_contact")
    now = task.due_at - timedelta(hours=30)
    assert tasks.send_reminders(now) == (0, 0)
    now = task.due_at - timedelta(hours=2)
    assert tasks.send_reminders(now) == (1, 0)
    assert tasks.send_reminders(now) == (0, 0)
    note = Notification.objects.get(recipient=world.worker_sby, kind="task_due")
    assert case.number in note.subject
    assert "Budi" not in note.subject + note.body  # never the child's name


def test_a_missed_deadline_notifies_the_worker_and_the_supervisors(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    world.worker_sby.email = "pekerja@example.org"
    world.worker_sby.save()
    world.supervisor_sby.email = "supervisor@example.org"
    world.supervisor_sby.save()
    case = make_case(world)
    task = Task.objects.get(case=case, kind="first_contact")
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_reminders(task.due_at + timedelta(minutes=1)) == (0, 1)
    recipients = set(Notification.objects.filter(kind="task_overdue").values_list("recipient__username", flat=True))
    assert recipients == {"worker_sby", "supervisor_sby"}
    assert sorted(m.to[0] for m in mailoutbox) == ["pekerja@example.org", "supervisor@example.org"]
    assert all("Budi" not in m.subject + m.body for m in mailoutbox)
    assert tasks.send_reminders(task.due_at + timedelta(hours=5)) == (0, 0)


def test_done_tasks_are_not_reminded(world):
    case = make_case(world)
    workflow.record_first_contact(world.worker_sby, case.pk)
    task = Task.objects.get(case=case, kind="first_contact")
    assert tasks.send_reminders(task.due_at + timedelta(hours=1)) == (0, 0)


def test_the_reminder_command_runs(world, capsys):
    from django.core.management import call_command

    make_case(world)
    call_command("send_task_reminders")
    assert "reminder" in capsys.readouterr().out
