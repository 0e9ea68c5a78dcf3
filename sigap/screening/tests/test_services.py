"""Recording screenings: versions, what a positive result opens, idempotency and who may see what."""

from __future__ import annotations

import copy
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sigap.audit.models import Action, AuditEvent
from sigap.cases.models import Task
from sigap.cases.tests.helpers import make_case
from sigap.intake.models import Channel, Report
from sigap.regions.models import Region
from sigap.screening import instruments, services
from sigap.screening.instruments import Instrument, InstrumentError
from sigap.screening.models import InstrumentVersion, Screening
from sigap.screening.tests.test_instruments import EARLY_WARNING_NOTHING
from sigap.testing import MALANG_VILLAGE, SURABAYA_VILLAGE, make_report

POSITIVE = {**EARLY_WARNING_NOTHING, "out_of_school": "yes", "works": "yes", "works_far_from_home": "no"}  # 4 points


def subject(village: str = SURABAYA_VILLAGE, age: int = 13) -> services.Subject:
    return services.Subject(name="Sari", age=age, sex="F", region=Region.objects.get(code=village))


def screen(actor: Any, answers: dict[str, Any] = POSITIVE, **kwargs: Any) -> Screening:
    kwargs.setdefault("idempotency_key", uuid.uuid4().hex)
    if "case" not in kwargs and "report" not in kwargs:
        kwargs.setdefault("subject", subject())
    screening, _created = services.record_screening(actor, "early_warning", answers, **kwargs)
    return screening


def test_a_positive_standalone_screen_files_a_report_routed_to_the_responsible_organisation(world: Any) -> None:
    screening = screen(world.cadre)
    report = screening.filed_report
    assert report is not None and report.channel == Channel.SCREENING
    assert report.routed_org == world.uptd_sby == screening.organisation
    assert report.children.get().name == "Sari"
    assert "bukan penetapan korban" in report.description
    assert "Tidak bersekolah atau putus sekolah" in report.description
    assert Report.objects.visible_to(world.worker_sby).filter(pk=report.pk).exists()


def test_the_report_goes_to_the_organisation_of_the_childs_area(world: Any) -> None:
    screening = screen(world.cadre, subject=subject(MALANG_VILLAGE))
    assert screening.filed_report.routed_org == world.uptd_malang


def test_a_negative_screen_opens_nothing(world: Any) -> None:
    screening = screen(world.cadre, EARLY_WARNING_NOTHING)
    assert not screening.positive and screening.filed_report is None and screening.task is None
    assert Report.objects.count() == 0


def test_a_positive_screen_on_an_open_case_opens_an_assessment_task_for_the_case_organisation(world: Any) -> None:
    case = make_case(world)
    screening = screen(world.worker_sby, case=case)
    task = screening.task
    assert task is not None and task.case == case and task.kind == services.TASK_KIND
    assert task.organisation == world.uptd_sby and task.role == "case_worker"
    hours = (task.due_at - task.created_at).total_seconds() / 3600
    assert 71.9 < hours <= 72
    assert Task.objects.visible_to(world.worker2_sby).filter(pk=task.pk).exists()
    assert screening.filed_report is None and screening.child_name == case.child.display_name


def test_an_urgent_band_gives_a_shorter_deadline(world: Any) -> None:
    case = make_case(world)
    screening = screen(world.worker_sby, {**POSITIVE, "street": "yes", "earlier_harm": "yes"}, case=case)
    hours = (screening.task.due_at - screening.task.created_at).total_seconds() / 3600
    assert screening.band == "assess_urgently" and 23.9 < hours <= 24


def test_a_screen_linked_to_a_report_still_in_triage_adds_no_second_report(world: Any) -> None:
    report = make_report()
    screening = screen(world.worker_sby, report=report)
    assert screening.positive and screening.report == report
    assert screening.filed_report is None and Report.objects.count() == 1
    assert screening.organisation == report.routed_org
    assert screening.child_name == "Budi" and screening.child_age == 12


def test_the_same_submission_twice_is_stored_once(world: Any) -> None:
    key = uuid.uuid4().hex
    first, created = services.record_screening(
        world.cadre, "early_warning", POSITIVE, idempotency_key=key, subject=subject()
    )
    again, created_again = services.record_screening(
        world.cadre, "early_warning", POSITIVE, idempotency_key=key, subject=subject()
    )
    assert created and not created_again and first.pk == again.pk
    assert Screening.objects.count() == 1 and Report.objects.count() == 1


def test_an_odk_submission_is_stored_once_per_instance_id(world: Any) -> None:
    a, _ = services.record_screening(
        world.cadre, "early_warning", POSITIVE, idempotency_key="odk:uuid:1", subject=subject(), submission_id="uuid:1"
    )
    b, created = services.record_screening(
        world.cadre, "early_warning", POSITIVE, idempotency_key="other-key", subject=subject(), submission_id="uuid:1"
    )
    assert a.pk == b.pk and not created


def test_missing_answers_age_and_place_are_all_reported_and_nothing_is_stored(world: Any) -> None:
    answers = dict(POSITIVE)
    del answers["street"]
    with pytest.raises(ValidationError) as caught:
        screen(world.cadre, answers, subject=services.Subject(name="Sari"))
    assert set(caught.value.message_dict) == {"street", "child_age", "region"}
    assert Screening.objects.count() == 0


def test_a_child_outside_the_instruments_ages_is_refused(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        screen(world.cadre, subject=subject(age=3))
    assert "5–17" in caught.value.message_dict["child_age"][0]


@pytest.mark.parametrize("username", ["reporter", "operator", "analyst", "org_admin_sby"])
def test_people_who_do_not_screen_cannot_record_a_screening(world: Any, username: str) -> None:
    with pytest.raises(PermissionDenied):
        screen(getattr(world, username))


def test_a_worker_cannot_screen_a_child_on_another_organisations_case(world: Any) -> None:
    case = make_case(world)
    with pytest.raises(PermissionDenied):
        screen(world.worker_malang, case=case)


def test_a_cadre_sees_own_screenings_and_the_responsible_organisation_sees_them_too(world: Any) -> None:
    screening = screen(world.cadre)
    assert list(Screening.objects.visible_to(world.cadre)) == [screening]
    assert Screening.objects.visible_to(world.worker_sby).filter(pk=screening.pk).exists()
    for other in (world.worker_malang, world.reporter, world.analyst, world.analyst_all, world.org_admin_sby):
        assert not Screening.objects.visible_to(other).exists(), other.username


def test_reading_a_screening_is_audited_and_refused_to_outsiders(world: Any) -> None:
    screening = screen(world.cadre)
    services.read_screening(world.worker_sby, screening.pk)
    assert AuditEvent.objects.filter(
        actor_id=world.worker_sby.pk, action=Action.VIEW, object_type="screening", object_id=str(screening.pk)
    ).exists()
    with pytest.raises(PermissionDenied):
        services.read_screening(world.worker_malang, screening.pk)


def _edited(version: str, extra_points: int) -> Instrument:
    d = copy.deepcopy(instruments.builtin()["early_warning"].definition)
    d["version"] = version
    d["items"][1]["points"] = {"yes": extra_points}  # out_of_school
    instruments.validate(d)
    return Instrument(d)


def test_an_edited_instrument_leaves_old_results_unchanged(world: Any) -> None:
    old = screen(world.cadre, {**EARLY_WARNING_NOTHING, "out_of_school": "yes"})
    assert (old.score, old.positive) == (2, False)
    stored, created = services.store_version(_edited("1.1.0", 5))
    assert created
    InstrumentVersion.objects.exclude(pk=stored.pk).update(is_current=False)
    InstrumentVersion.objects.filter(pk=stored.pk).update(is_current=True)
    new, _ = services.record_screening(
        world.cadre,
        "early_warning",
        {**EARLY_WARNING_NOTHING, "out_of_school": "yes"},
        idempotency_key=uuid.uuid4().hex,
        subject=subject(),
        version="1.1.0",
    )
    old.refresh_from_db()
    assert (new.score, new.positive, new.instrument.version) == (5, True, "1.1.0")
    assert (old.score, old.positive, old.instrument.version) == (2, False, "1.0.0")
    assert old.instrument.instrument.item("out_of_school")["points"] == {"yes": 2}


def test_changing_an_instrument_without_raising_its_version_is_refused(world: Any) -> None:
    services.sync_instruments()
    with pytest.raises(InstrumentError, match="raise the version"):
        services.store_version(_edited("1.0.0", 5))


def test_an_unknown_instrument_version_is_refused_clearly(world: Any) -> None:
    with pytest.raises(ValidationError, match="9.9.9"):
        screen(world.cadre, version="9.9.9")


def test_a_licensed_tools_result_is_recorded_without_items(world: Any) -> None:
    case = make_case(world)
    result = services.record_external_result(
        world.worker_sby,
        case,
        tool="cse_it",
        tool_version="2.0",
        administered_on=date(2026, 11, 1),
        band="possible_concern",
    )
    assert result.band == "possible_concern" and result.organisation == world.uptd_sby
    sdq = services.record_external_result(
        world.worker_sby, case, tool="sdq", tool_version="2005", administered_on=date(2026, 11, 1), score=Decimal(17)
    )
    assert sdq.score == 17


def test_a_licensed_tools_result_needs_a_valid_score_or_band(world: Any) -> None:
    case = make_case(world)
    with pytest.raises(ValidationError) as caught:
        services.record_external_result(
            world.worker_sby,
            case,
            tool="cse_it",
            tool_version="",
            administered_on=date(2026, 11, 1),
            score=Decimal(3),
        )
    assert set(caught.value.message_dict) == {"tool_version", "score"}
    with pytest.raises(ValidationError):
        services.record_external_result(
            world.worker_sby, case, tool="sdq", tool_version="1", administered_on=date(2026, 11, 1), score=Decimal(99)
        )


def test_another_organisation_cannot_record_a_licensed_tools_result(world: Any) -> None:
    case = make_case(world)
    with pytest.raises(PermissionDenied):
        services.record_external_result(
            world.worker_malang,
            case,
            tool="cse_it",
            tool_version="2.0",
            administered_on=date(2026, 11, 1),
            band="no_concern",
        )


def test_submitting_the_assessment_completes_the_task_a_positive_screen_opened(world: Any) -> None:
    from sigap.assessments.tests.helpers import in_assessment, submitted

    case = in_assessment(world)
    screening = screen(world.worker_sby, case=case)
    assert screening.task.status == "open"
    submitted(world, case)
    screening.task.refresh_from_db()
    assert screening.task.status == "done" and screening.task.done_by == world.worker_sby
