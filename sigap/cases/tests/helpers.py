from __future__ import annotations

from typing import Any

from sigap.cases.models import Case
from sigap.cases.services import NewChild, open_case
from sigap.intake.services import triage_report
from sigap.testing import make_report


def make_case(world: Any, *, worker: Any = None, risk: str = "high", name: str = "Budi Santoso", **report: Any) -> Case:
    """A case opened through the real services: report → triage → case."""
    worker = worker or world.worker_sby
    r = make_report(**report)
    triage_report(worker, r.pk, risk, "Anak bekerja pada malam hari tanpa pengawasan orang dewasa.")
    return open_case(worker, r.pk, new_child=NewChild(name=name, approx_age=13, sex="M"))
