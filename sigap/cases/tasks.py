"""Scheduling and closing tasks: each deadline from ``data/clocks.json`` becomes a :class:`Task`.

Other apps call :func:`schedule` when a clock starts (a service is requested, a hand-off is sent) and
:func:`complete` when it stops; a task records who met it and when. Reminders and breach notices
are sent by :func:`send_reminders` (``manage.py send_task_reminders``, run by cron every few
minutes)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sigap.inbox.services import notify
from sigap.people.models import Organisation, User
from sigap.people.roles import Permission, Role

from . import clocks
from .models import Case, Task, TaskStatus


def schedule(
    case: Case,
    kind: str,
    *,
    start: datetime | None = None,
    organisation: Organisation | None = None,
    assignee: User | None = None,
    subject: tuple[str, int] | None = None,
    title: str = "",
    due_at: datetime | None = None,
) -> Task:
    """Start the ``kind`` clock for ``case``: a task due ``start`` + the clock's duration (by the
    case's risk level where the clock depends on it). Unassigned tasks go to the organisation's
    people of the clock's role (supervisors for approvals)."""
    clock = clocks.get(kind)
    start = start or timezone.now()
    organisation = organisation or case.organisation
    subject_type, subject_id = subject or ("", None)
    return Task.objects.create(
        case=case,
        kind=kind,
        title=(title or clock.title_id)[:200],
        organisation=organisation,
        assignee=assignee,
        role="" if assignee else clock.role,
        starts_at=start,
        due_at=due_at or clock.due(start, case.risk_level),
        subject_type=subject_type,
        subject_id=subject_id,
    )


def _open(case: Case, kind: str | None, subject: tuple[str, int] | None) -> Any:
    qs = Task.objects.filter(case=case, status=TaskStatus.OPEN)
    if kind:
        qs = qs.filter(kind=kind)
    if subject:
        qs = qs.filter(subject_type=subject[0], subject_id=subject[1])
    return qs


def complete(case: Case, kind: str, actor: User | None, *, subject: tuple[str, int] | None = None) -> int:
    """Mark the open ``kind`` tasks of ``case`` (for ``subject`` if given) done now."""
    return _open(case, kind, subject).update(status=TaskStatus.DONE, done_at=timezone.now(), done_by=actor)


def cancel(case: Case, kind: str | None = None, *, subject: tuple[str, int] | None = None) -> int:
    """Cancel open tasks (all of the case's when ``kind`` is None), e.g. when a case closes."""
    return _open(case, kind, subject).update(status=TaskStatus.CANCELLED, done_at=timezone.now())


def reassign(case: Case, worker: User | None, organisation: Organisation) -> int:
    """Move a case's open worker tasks to a new owner (after a transfer or assignment)."""
    return (
        Task.objects.filter(case=case, status=TaskStatus.OPEN, role="")
        .exclude(kind="handoff_response")
        .update(assignee=worker, organisation=organisation)
    )


def task_url(task: Task) -> str:
    """Where a task is done: a hand-off's own page for the receiving side (the case is not theirs
    to open until they accept), else the case page."""
    if task.subject_type == "handoff" and task.subject_id:
        return reverse("referrals:detail", args=[task.subject_id])
    return reverse("cases:detail", args=[task.case_id])


def recipients(task: Task) -> list[User]:
    """The people a task is for: its assignee, or the organisation's people of its role."""
    if task.assignee_id:
        return [task.assignee] if task.assignee else []
    members = User.objects.filter(organisation_id=task.organisation_id, is_active=True)
    if task.role:
        return list(members.filter(role=task.role))
    return list(members.filter(role__in=[Role.CASE_WORKER, Role.SUPERVISOR]))


def supervisors(organisation_id: int) -> list[User]:
    return [
        u for u in User.objects.filter(organisation_id=organisation_id, is_active=True) if u.can(Permission.APPROVE)
    ]


def send_reminders(now: datetime | None = None) -> tuple[int, int]:
    """Remind the people of each open task once when it falls due within the reminder window, and
    notify them and their supervisors once when it is missed. Returns (reminders, breaches)."""
    now = now or timezone.now()
    window = now + clocks.reminder_before()
    reminded = breached = 0
    due_soon = Task.objects.filter(
        status=TaskStatus.OPEN, reminded_at__isnull=True, due_at__gte=now, due_at__lte=window
    ).select_related("case", "assignee")
    for task in due_soon.iterator(chunk_size=500):
        with transaction.atomic():
            if Task.objects.filter(pk=task.pk, reminded_at__isnull=True).update(reminded_at=now):
                notify(
                    recipients(task),
                    "task_due",
                    _("Tenggat mendekat: %(task)s (%(case)s)") % {"task": task.title, "case": task.case.number},
                    _("Tenggat: %(due)s.") % {"due": timezone.localtime(task.due_at).strftime("%d-%m-%Y %H:%M")},
                    task_url(task),
                )
                reminded += 1
    missed = Task.objects.filter(
        status=TaskStatus.OPEN, breach_notified_at__isnull=True, due_at__lt=now
    ).select_related("case", "assignee")
    for task in missed.iterator(chunk_size=500):
        with transaction.atomic():
            if Task.objects.filter(pk=task.pk, breach_notified_at__isnull=True).update(breach_notified_at=now):
                notify(
                    [*recipients(task), *supervisors(task.organisation_id)],
                    "task_overdue",
                    _("Lewat tenggat: %(task)s (%(case)s)") % {"task": task.title, "case": task.case.number},
                    _("Tenggat %(due)s sudah lewat.")
                    % {"due": timezone.localtime(task.due_at).strftime("%d-%m-%Y %H:%M")},
                    task_url(task),
                )
                breached += 1
    return reminded, breached
