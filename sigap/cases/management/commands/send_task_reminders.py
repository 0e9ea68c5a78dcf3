from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sigap.cases.tasks import send_reminders


class Command(BaseCommand):
    help = "Remind people of tasks falling due and notify them and their supervisors of missed ones. Run from cron every 5–15 minutes."

    def handle(self, *args: Any, **options: Any) -> None:
        reminded, breached = send_reminders()
        self.stdout.write(f"{reminded} reminder(s), {breached} overdue notice(s) sent.")
