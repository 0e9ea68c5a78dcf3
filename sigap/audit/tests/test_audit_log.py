import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from sigap.audit.models import AppendOnlyError, AuditEvent
from sigap.intake.services import triage_report
from sigap.testing import MALANG_VILLAGE, make_report


def test_reading_a_report_is_audited_with_who_what_when_and_ip(as_user, world):
    report = make_report()
    as_user("worker_sby").get(reverse("intake:detail", args=[report.pk]), REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.get(action="view", object_type="report")
    assert (event.actor_username, event.object_id, event.object_label) == (
        "worker_sby",
        str(report.pk),
        report.tracking_code,
    )
    assert event.ip == "10.1.2.3"
    assert event.organisation_id == world.uptd_sby.pk
    assert event.path == reverse("intake:detail", args=[report.pk])


def test_a_refused_read_leaves_no_view_entry_and_shows_nothing(as_user, world):
    report = make_report()
    response = as_user("worker_malang").get(reverse("intake:detail", args=[report.pk]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="view").exists()


def test_every_row_of_the_queue_is_audited_as_listed(as_user, world):
    reports = [make_report() for _ in range(3)]
    as_user("worker_sby").get(reverse("intake:queue"))
    listed = set(AuditEvent.objects.filter(action="list", object_type="report").values_list("object_id", flat=True))
    assert listed == {str(r.pk) for r in reports}


def test_the_audit_log_cannot_be_changed_or_deleted_through_the_orm(world):
    event = AuditEvent.objects.create(action="view", object_type="report", object_id="1")
    event.object_id = "2"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(object_id="3")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_the_database_itself_refuses_to_rewrite_the_audit_log(world):
    event = AuditEvent.objects.create(action="view", object_type="report", object_id="1")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET object_id = '9' WHERE id = %s", [event.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).object_id == "1"


def test_a_supervisor_reads_and_filters_the_log_of_their_own_organisation_only(as_user, world):
    sby = make_report()
    malang = make_report(region=MALANG_VILLAGE)
    triage_report(world.worker_sby, sby.pk, "high", "Alasan.")
    triage_report(world.worker_malang, malang.pk, "low", "Alasan.")
    client = as_user("supervisor_sby")
    html = client.get(reverse("audit:list")).content.decode()
    assert sby.tracking_code in html
    assert malang.tracking_code not in html
    filtered = client.get(reverse("audit:list"), {"action": "triage", "actor": "worker_sby"}).content.decode()
    assert sby.tracking_code in filtered
    assert (
        client.get(reverse("audit:list"), {"actor": "worker_malang"}).content.decode().count(malang.tracking_code) == 0
    )


@pytest.mark.parametrize("who", ["worker_sby", "reporter", "analyst", "org_admin_sby", "operator"])
def test_people_who_are_not_supervisors_cannot_read_the_audit_log(as_user, who):
    assert as_user(who).get(reverse("audit:list")).status_code == 403


def test_the_audit_log_page_needs_a_login(world):
    assert Client().get(reverse("audit:list")).status_code == 302
