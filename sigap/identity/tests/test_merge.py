"""Merging two records of the same child, with a supervisor's approval, and undoing it cleanly."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from sigap.audit.models import Action, AuditEvent
from sigap.cases.services import NewChild, open_case
from sigap.identity import services
from sigap.identity.models import Child, ChildMerge, MergeStatus
from sigap.intake.services import triage_report
from sigap.testing import MALANG_VILLAGE, make_report


def case_for(world: Any, name: str, *, worker: Any = None, sex: str = "M", village: str | None = None) -> Any:
    worker = worker or world.worker_sby
    report = make_report(region=village) if village else make_report()
    triage_report(worker, report.pk, "medium", "Anak sering tidak pulang dan bekerja di pasar.")
    return open_case(worker, report.pk, new_child=NewChild(name=name, approx_age=12, sex=sex))


def test_a_supervisor_approves_a_merge_and_both_records_and_cases_stay(world: Any) -> None:
    a, b = case_for(world, "Muhammad Rizki"), case_for(world, "Moch. Rizky")
    merge = services.request_merge(world.worker_sby, a.child_id, b.child_id, "Nama orang tua dan sekolah sama.")
    assert merge.status == MergeStatus.REQUESTED
    services.decide_merge(world.supervisor_sby, merge.pk, approve=True)
    b.child.refresh_from_db()
    assert b.child.merged_into_id == a.child_id
    assert {c.pk for c in services.same_child(b.child)} == {a.child_id, b.child_id}
    assert Child.objects.filter(pk__in=[a.child_id, b.child_id]).count() == 2
    assert b.child.cases.get() == b  # nothing moved


def test_undoing_a_merge_separates_the_records_and_keeps_the_whole_history(world: Any) -> None:
    a, b = case_for(world, "Siti Aminah"), case_for(world, "Siti Aminah")
    merge = services.request_merge(world.worker_sby, a.child_id, b.child_id, "Tanggal lahir dan alamat sama.")
    services.decide_merge(world.supervisor_sby, merge.pk, approve=True)
    services.undo_merge(world.supervisor_sby, merge.pk, "Ternyata saudara kembar.")
    b.child.refresh_from_db()
    merge.refresh_from_db()
    assert b.child.merged_into_id is None and services.same_child(b.child) == [b.child]
    assert merge.status == MergeStatus.UNDONE and merge.decided_by == world.supervisor_sby
    assert merge.undo_reason == "Ternyata saudara kembar."
    actions = list(
        AuditEvent.objects.filter(object_type="childmerge", object_id=str(merge.pk)).values_list("action", flat=True)
    )
    assert sorted(actions) == sorted([Action.REQUEST, Action.APPROVE, Action.REVOKE])
    assert AuditEvent.objects.filter(object_type="child", object_id=str(b.child_id), action=Action.UPDATE).count() == 2


def test_the_requester_cannot_approve_their_own_merge(world: Any) -> None:
    a, b = case_for(world, "Budi"), case_for(world, "Budi")
    merge = services.request_merge(world.supervisor_sby, a.child_id, b.child_id, "Sama.")
    with pytest.raises(PermissionDenied):
        services.decide_merge(world.supervisor_sby, merge.pk, approve=True)
    with pytest.raises(PermissionDenied):
        services.decide_merge(world.worker2_sby, merge.pk, approve=True)


def test_records_of_different_sex_are_never_merged(world: Any) -> None:
    a, b = case_for(world, "Rizki", sex="M"), case_for(world, "Rizki", sex="F")
    with pytest.raises(ValidationError, match="Jenis kelamin"):
        services.request_merge(world.worker_sby, a.child_id, b.child_id, "Nama sama.")


def test_a_rejection_needs_a_reason_and_leaves_the_records_apart(world: Any) -> None:
    a, b = case_for(world, "Dewi"), case_for(world, "Dewi")
    merge = services.request_merge(world.worker_sby, a.child_id, b.child_id, "Nama sama.")
    with pytest.raises(ValidationError):
        services.decide_merge(world.supervisor_sby, merge.pk, approve=False)
    services.decide_merge(world.supervisor_sby, merge.pk, approve=False, note="Usia dan orang tua berbeda.")
    b.child.refresh_from_db()
    assert b.child.merged_into_id is None
    # a new request may follow a rejected one
    services.request_merge(world.worker_sby, a.child_id, b.child_id, "Bukti baru: NIK sama.")


def test_a_record_cannot_be_in_two_open_merges(world: Any) -> None:
    a, b, c = case_for(world, "Andi"), case_for(world, "Andi"), case_for(world, "Andi")
    services.request_merge(world.worker_sby, a.child_id, b.child_id, "Sama.")
    with pytest.raises(ValidationError):
        services.request_merge(world.worker_sby, c.child_id, b.child_id, "Sama.")


def test_a_worker_cannot_merge_a_child_they_cannot_see(world: Any) -> None:
    a = case_for(world, "Rudi")
    other = case_for(world, "Rudi", worker=world.worker_malang, village=MALANG_VILLAGE)
    with pytest.raises(PermissionDenied):
        services.request_merge(world.worker_sby, a.child_id, other.child_id, "Sama.")


def test_another_organisations_record_shows_only_that_a_record_exists_there(world: Any, as_user: Any) -> None:
    a = case_for(world, "Rina", sex="F")
    other = case_for(world, "Rina", sex="F", worker=world.worker_malang, village=MALANG_VILLAGE)
    # the provincial supervisor sees both and records the merge
    merge = services.request_merge(world.supervisor_jatim, a.child_id, other.child_id, "NIK sama.")
    world.supervisor_jatim.granted_permissions = ["self_approve"]
    world.supervisor_jatim.save()
    services.decide_merge(world.supervisor_jatim, merge.pk, approve=True)
    page = as_user("worker_sby").get(reverse("cases:detail", args=[a.pk])).content.decode()
    assert "Ada catatan di UPTD PPA Kabupaten Malang" in page
    assert other.number not in page and reverse("cases:detail", args=[other.pk]) not in page


def test_a_merge_is_requested_decided_and_undone_from_the_case_pages(world: Any, as_user: Any) -> None:
    a, b = case_for(world, "Muhammad Rizki"), case_for(world, "Moch. Rizky")
    worker = as_user("worker_sby")
    worker.post(reverse("identity:request_merge", args=[a.pk]), {"other_case": b.number, "reason": "Orang tua sama."})
    merge = ChildMerge.objects.get()
    supervisor = as_user("supervisor_sby")
    page = supervisor.get(reverse("cases:detail", args=[a.pk])).content.decode()
    assert "Setujui penggabungan" in page
    supervisor.post(reverse("identity:decide_merge", args=[a.pk, merge.pk]), {"decision": "approve"})
    page = worker.get(reverse("cases:detail", args=[a.pk])).content.decode()
    assert reverse("cases:detail", args=[b.pk]) in page and "Setujui penggabungan" not in page
    supervisor.post(reverse("identity:undo_merge", args=[a.pk, merge.pk]), {"reason": "Keliru."})
    merge.refresh_from_db()
    assert merge.status == MergeStatus.UNDONE
    assert "Dibatalkan" in worker.get(reverse("cases:detail", args=[a.pk])).content.decode()
