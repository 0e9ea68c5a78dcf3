import uuid

from django.core.cache import cache
from django.test import Client, override_settings

from sigap.audit.models import AuditEvent
from sigap.intake.models import Report
from sigap.testing import SURABAYA_VILLAGE, make_report


def payload(**overrides):
    data = {
        "client_key": uuid.uuid4().hex,
        "description": "Anak bekerja di bengkel las pada jam sekolah.",
        "concerns": ["other_labour"],
        "region": SURABAYA_VILLAGE,
        "children": [{"name": "Joko", "approx_age": 14, "sex": "M"}],
        "anonymous": True,
    }
    data.update(overrides)
    return data


def test_anyone_can_file_a_report_through_the_api_and_gets_a_tracking_code(world):
    response = Client().post("/api/reports/", payload(), content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    report = Report.objects.get()
    assert body == {"tracking_code": report.tracking_code, "status": "received", "created": True}
    assert report.routed_org == world.uptd_sby


def test_an_api_retry_with_the_same_key_returns_the_first_report(world):
    data = payload()
    first = Client().post("/api/reports/", data, content_type="application/json").json()
    again = Client().post("/api/reports/", data, content_type="application/json")
    assert again.status_code == 200
    assert again.json()["tracking_code"] == first["tracking_code"]
    assert Report.objects.count() == 1


def test_the_idempotency_key_header_works_too(world):
    data = payload()
    del data["client_key"]
    for _ in range(2):
        Client().post(
            "/api/reports/", data, content_type="application/json", headers={"Idempotency-Key": "kunci-uji-0001"}
        )
    assert Report.objects.count() == 1


def test_the_api_explains_each_invalid_field(world):
    response = Client().post(
        "/api/reports/",
        payload(concerns=[], region="99.99", children=[{"approx_age": 30}]),
        content_type="application/json",
    )
    assert response.status_code == 400
    errors = response.json()
    assert {"concerns", "region", "children"} <= set(errors)


@override_settings(SIGAP_REPORT_RATE_LIMIT=1)
def test_the_api_rate_limits_anonymous_clients(world):
    cache.clear()
    assert Client().post("/api/reports/", payload(), content_type="application/json").status_code == 201
    assert Client().post("/api/reports/", payload(), content_type="application/json").status_code == 429


def test_the_tracking_api_gives_the_status_only(world):
    report = make_report(description="Rahasia")
    body = Client().get(f"/api/track/{report.tracking_code}/").json()
    assert body == {"status": "received", "label": "Diterima"}


def test_reading_reports_through_the_api_is_scoped_and_audited(as_user, world):
    report = make_report(reporter_name="Pelapor Uji", anonymous=False)
    mine = as_user("worker_sby").get("/api/reports/").json()
    assert [r["tracking_code"] for r in mine["results"]] == [report.tracking_code]
    assert as_user("worker_malang").get("/api/reports/").json()["results"] == []
    detail = as_user("worker_sby").get(f"/api/reports/{report.pk}/").json()
    assert detail["reporter_name"] == "Pelapor Uji"
    assert AuditEvent.objects.filter(action="view", object_id=str(report.pk), actor_username="worker_sby").exists()


def test_an_anonymous_reports_contact_fields_are_blank_in_the_api(as_user, world):
    report = make_report(anonymous=True)
    assert as_user("worker_sby").get(f"/api/reports/{report.pk}/").json()["reporter_name"] == ""


def test_the_openapi_schema_and_docs_are_served(world):
    schema = Client().get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/reports/" in schema.content
    assert Client().get("/api/docs/").status_code == 200


def test_reading_the_api_needs_a_login(world):
    assert Client().get("/api/reports/").status_code == 403
