import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from sigap.audit.models import AuditEvent
from sigap.cases.models import Case, CaseReport
from sigap.demo import texts
from sigap.demo.generator import DEMO_PASSWORD, generate, plan_fates
from sigap.identity.models import Child
from sigap.intake import reference
from sigap.intake.models import Channel, Outcome, Report, ReportedChild
from sigap.intake.routing import route
from sigap.intake.setup import ensure_reference_data
from sigap.people.models import Organisation, User
from sigap.people.roles import Role
from sigap.regions.testing import load_test_regions
from sigap.screening.models import Screening

LOADED = ("31", "32", "35")
# Explicit words that must never appear in demo data (checked as lower-case substrings).
BLOCKLIST = ("seks", "porno", "cabul", "telanjang", "bugil", "mesum", "pelacur", "prostitusi", "asusila", "perkosa")


@pytest.fixture
def regions(db):
    load_test_regions(LOADED)
    ensure_reference_data()


@pytest.fixture
def seeded(regions):
    # The default provinces include 33, 52 and 61, which are not loaded here: they are skipped.
    return generate(reports=300, cases=60, seed=7)


def counts():
    return (
        Organisation.objects.count(),
        User.objects.count(),
        Report.objects.count(),
        Case.objects.count(),
        Child.objects.count(),
        ReportedChild.objects.count(),
        CaseReport.objects.count(),
    )


def seed_command(*args):
    out = StringIO()
    call_command("seed_demo", "--reports", "150", "--cases", "30", *args, stdout=out)
    return out.getvalue()


def test_the_generator_uses_only_the_provinces_whose_regions_are_loaded(seeded):
    assert seeded["provinces"] == list(LOADED)
    assert not Report.objects.exclude(province_code__in=LOADED).exists()


def test_the_requested_numbers_of_reports_and_cases_are_made(seeded):
    assert Report.objects.exclude(channel=Channel.SCREENING).count() == seeded["reports"] == 300
    assert Case.objects.count() == seeded["cases"] == 60
    assert Report.objects.filter(outcome=Outcome.CASE_OPENED).count() == 60


def test_the_demo_cadre_screens_children_and_positive_results_reach_the_home_uptd_ppa(regions):
    seed_command()
    screenings = Screening.objects.filter(screener__username="kader")
    positive = screenings.filter(positive=True)
    assert screenings.count() == 24 and 0 < positive.count() < 24
    filed = Report.objects.filter(channel=Channel.SCREENING)
    assert filed.count() == positive.count()
    worker = User.objects.get(username="pekerja")
    assert set(filed.values_list("routed_org_id", flat=True)) == {worker.organisation_id}
    assert Screening.objects.filter(screener=worker, case__isnull=False).exists()


def test_seeding_twice_adds_nothing_the_second_time_and_prints_the_logins_again(regions):
    first = seed_command()
    before = counts()
    second = seed_command()
    assert counts() == before
    assert "sudah ada" in second
    for username in ("pelapor", "operator", "pekerja", "supervisor", "admin.org", "analis", "admin"):
        assert username in first and username in second
    assert DEMO_PASSWORD in second


def test_reset_replaces_the_demo_data_instead_of_adding_to_it(regions):
    seed_command()
    before = counts()
    seed_command("--reset")
    assert counts() == before
    assert Report.objects.exclude(channel=Channel.SCREENING).count() == 150 and Case.objects.count() == 30


def test_the_bulk_load_writes_nothing_to_the_audit_log_and_the_demo_case_work_is_audited_as_demo_users(regions):
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    seed_command()
    written = AuditEvent.objects.exclude(pk__in=before)
    # Only the case work done through the services (as the demo worker and supervisor) is audited.
    assert written.exists()
    assert set(written.values_list("actor_username", flat=True)) <= {"pekerja", "supervisor", "pekerja.dinsos", "kader"}
    kept = set(AuditEvent.objects.values_list("pk", flat=True))
    seed_command("--reset")
    assert kept <= set(AuditEvent.objects.values_list("pk", flat=True))  # the log is never trimmed


def test_the_demo_workers_cases_stand_at_every_stage_with_their_clocks(regions):
    from sigap.cases.models import Task

    call_command("seed_demo", stdout=StringIO())  # the default size, as `make demo` runs it
    pekerja = User.objects.get(username="pekerja")
    stages = set(Case.objects.filter(worker=pekerja).values_list("status", flat=True))
    assert {
        "registered",
        "assessment",
        "identification",
        "case_plan",
        "implementation",
        "follow_up",
        "closed",
    } <= stages
    assert Task.objects.filter(assignee=pekerja, status="open").exists()
    assert Task.objects.filter(organisation=pekerja.organisation, role="supervisor", status="open").exists()
    dinsos = User.objects.get(username="pekerja.dinsos")
    assert Case.objects.visible_to(dinsos).exists()  # accepted referrals


def test_every_case_has_a_child_and_a_linked_report_routed_to_the_case_organisation(seeded):
    cases = Case.objects.select_related("child", "worker").prefetch_related("report_links__report")
    assert cases
    for case in cases:
        assert re.fullmatch(r"KS-\d{4}-\d{6}", case.number)
        assert case.number == f"KS-{case.opened_at:%Y}-{case.pk:06d}"
        assert case.child.region_id == case.region_id
        assert case.regency_code == case.region_id[:5] and case.child.regency_code == case.region_id[:5]
        assert case.worker.role == Role.CASE_WORKER and case.worker.organisation_id == case.organisation_id
        opening = [link.report for link in case.report_links.all() if link.report.outcome == Outcome.CASE_OPENED]
        assert len(opening) == 1
        report = opening[0]
        assert report.routed_org_id == case.organisation_id
        assert report.outcome_note == case.number
        assert report.region_id == case.region_id
        assert report.received_at <= report.triaged_at <= case.opened_at <= timezone.now()
        assert ReportedChild.objects.filter(report=report, child=case.child).exists()
        for link in case.report_links.all():
            assert link.report.routed_org_id == case.organisation_id


def test_attached_reports_link_to_an_earlier_case_of_the_same_organisation(seeded):
    attached = Report.objects.filter(outcome=Outcome.ATTACHED).prefetch_related("case_links__case")
    assert attached
    for report in attached:
        (link,) = report.case_links.all()
        assert link.case.organisation_id == report.routed_org_id
        assert report.received_at > link.case.opened_at
        assert report.outcome_note == link.case.number


def test_reports_are_routed_as_the_project_routes_them(seeded):
    for report in Report.objects.prefetch_related("concern_rows").order_by("?")[:80]:
        assert (report.routed_org_id, report.routed_rule_id) == route(report.region_id, report.concerns)


def test_open_reports_run_on_the_risk_clock(seeded):
    for report in Report.objects.filter(outcome=""):
        hours = {"": 24, "high": 24, "medium": 72, "low": 168}[report.risk_level]
        assert (report.first_contact_due - report.received_at).total_seconds() == hours * 3600


def test_the_demo_case_worker_has_a_realistic_queue_and_cases(seeded):
    pekerja = User.objects.get(username="pekerja")
    queue = list(Report.objects.visible_to(pekerja).open())
    assert len(queue) >= 30
    states = {r.clock_state() for r in queue}
    assert "overdue" in states and states & {"due_soon", "on_time"}
    assert Case.objects.filter(worker=pekerja).count() >= 20


def test_every_printed_demo_login_can_sign_in_with_the_printed_password(seeded):
    request = RequestFactory().post("/akun/masuk/")
    assert len(seeded["logins"]) > 7
    for login in seeded["logins"]:
        user = authenticate(request, username=login["username"], password=login["password"])
        assert user is not None, login["username"]
        assert user.role == login["role"]
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser and admin.role == Role.SYSTEM_ADMIN


def test_the_roles_that_need_two_factor_get_a_fixed_totp_secret(seeded):
    with_secret = {x["username"] for x in seeded["logins"] if x["totp_secret"]}
    assert with_secret == {"supervisor", "admin.org", "admin"}
    again = generate(reports=0, cases=0, seed=7)
    assert [x["totp_secret"] for x in again["logins"]] == [x["totp_secret"] for x in seeded["logins"]]


def test_the_demo_totp_command_prints_a_code_the_device_accepts(seeded):
    out = StringIO()
    call_command("demo_totp", "supervisor", stdout=out)
    code = out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", code)
    device = TOTPDevice.objects.get(user__username="supervisor", confirmed=True)
    assert device.verify_token(code)


def test_the_demo_totp_command_refuses_accounts_that_are_not_demo_accounts(seeded):
    User.objects.create_user(username="sungguhan", password="sandi-yang-panjang-1", email="x@example.org")
    with pytest.raises(CommandError):
        call_command("demo_totp", "sungguhan", stdout=StringIO())


def test_no_generated_text_contains_explicit_words(seeded):
    generated = []
    for row in Report.objects.values_list("description", "risk_reason", "outcome_note", "location_detail"):
        generated += row
    generated += list(ReportedChild.objects.values_list("name", flat=True))
    generated += [f"{n} {k}" for n, k in Child.objects.values_list("name", "nickname")]
    generated += texts.all_texts()
    for text in generated:
        lowered = text.lower()
        assert not any(word in lowered for word in BLOCKLIST), text


def test_every_concern_type_has_thirty_to_fifty_description_templates():
    assert set(reference.concern_types()) <= set(texts.TEMPLATES)
    for family, templates in texts.TEMPLATES.items():
        assert 30 <= len(set(templates)) <= 50, family
        for template in templates:
            template.format(usia=12, tempat="pasar", waktu="setiap malam", desa="Desa X", jalan="Jl. Y", tujuan="Z")
            assert template[0].isupper() and not template.startswith("{")


def test_the_organisation_option_routes_every_report_there(regions):
    org = Organisation.objects.create(name="UPTD PPA Uji Beban", type="uptd_ppa", jurisdiction_id="32.73")
    worker = User.objects.create_user(
        username="pekerja.uji", password="sandi-yang-panjang-1", role=Role.CASE_WORKER, organisation=org
    )
    result = generate(reports=120, cases=10, seed=3, provinces=list(LOADED), organisation=org)
    assert result["reports"] == 120 and result["cases"] == 10
    assert Report.objects.filter(routed_org=org).count() == 120
    assert not Report.objects.exclude(regency_code="32.73").exists()
    assert set(Case.objects.values_list("organisation_id", "worker_id")) == {(org.pk, worker.pk)}


def test_the_same_seed_makes_the_same_reports(regions):
    generate(reports=80, cases=10, seed=11, provinces=list(LOADED))
    first = list(Report.objects.order_by("idempotency_key").values_list("tracking_code", "description", "region_id"))
    call_command("seed_demo", "--reset", "--reports", "80", "--cases", "10", "--seed", "11", "--quiet")
    generated = Report.objects.exclude(channel=Channel.SCREENING).order_by("idempotency_key")
    again = list(generated.values_list("tracking_code", "description", "region_id"))
    assert first == again


def test_more_cases_than_reports_is_refused(regions):
    with pytest.raises(CommandError):
        call_command("seed_demo", "--reports", "5", "--cases", "6", stdout=StringIO())


def test_the_fate_plan_adds_up_and_keeps_the_demo_worker_busy():
    for n, cases in [(2000, 500), (300, 60), (100, 100), (1_000_000, 0), (10, 3)]:
        home, others = plan_fates(n, cases, with_home=True)
        assert sum(home.values()) + sum(others.values()) == n
        assert home["case"] + others["case"] == cases
        assert all(v >= 0 for v in [*home.values(), *others.values()])
    home, _ = plan_fates(2000, 500, with_home=True)
    assert home["case"] >= 20 and home["untriaged"] + home["triaged_open"] >= 30


def test_on_other_databases_reports_are_written_with_bulk_create(regions, monkeypatch):
    from django.db import connection

    monkeypatch.setattr(connection, "vendor", "other")
    result = generate(reports=60, cases=8, seed=5, provinces=list(LOADED))
    assert Report.objects.count() == 60 and result["cases"] == 8
    assert ReportedChild.objects.count() == result["reported_children"]
    for case in Case.objects.all():
        assert case.report_links.filter(report__outcome=Outcome.CASE_OPENED, report__outcome_note=case.number)


def test_reset_also_removes_what_was_done_in_the_demo_and_keeps_the_audit_log(regions):
    from sigap.cases.services import NewChild, open_case
    from sigap.intake.services import ReportInput, submit_report, triage_report
    from sigap.regions.models import Region

    seed_command()
    pekerja = User.objects.get(username="pekerja")
    report, _ = submit_report(
        ReportInput(
            description="Anak terlihat berjualan tisu di perempatan hingga malam.",
            concerns=["street_children"],
            region=Region.objects.get(code="35.78.01.1002"),
        ),
        "kunci-uji-demo-1",
    )
    assert report.routed_org == pekerja.organisation
    triage_report(pekerja, report.pk, "medium", "Perlu kunjungan.")
    open_case(pekerja, report.pk, new_child=NewChild(name="Anak Uji"))
    assert AuditEvent.objects.filter(actor_username="pekerja", action="create").exists()

    kept = set(AuditEvent.objects.values_list("pk", flat=True))
    seed_command("--reset")
    assert not Report.objects.filter(pk=report.pk).exists()
    assert not Child.objects.filter(name="Anak Uji").exists()
    assert kept <= set(AuditEvent.objects.values_list("pk", flat=True))
    assert Report.objects.exclude(channel=Channel.SCREENING).count() == 150 and Case.objects.count() == 30


def test_the_demo_supervisor_has_screened_a_registry_into_outreach_lists(regions):
    from sigap.registry.models import RegistryRun

    seed_command()
    run = RegistryRun.objects.get()
    assert run.uploaded_by.username == "supervisor" and run.status == "done"
    assert run.rows_scored > 4900 and 0 < run.rows_rejected <= 75 and run.entries.exists()  # only the spoilt 1 %
    assert set(run.areas.values_list("regency_code", flat=True)) == {run.organisation.jurisdiction_id}
