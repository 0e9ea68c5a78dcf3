import uuid

from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from sigap.audit.models import AuditEvent
from sigap.intake.models import Channel, Report, Status
from sigap.testing import SURABAYA_VILLAGE


def valid_post(**overrides):
    data = {
        "submission_key": uuid.uuid4().hex,
        "description": "Dua anak terlihat memulung di tempat pembuangan sampah setiap pagi pada jam sekolah.",
        "concerns": ["waste_picking"],
        "region": SURABAYA_VILLAGE,
        "location_detail": "TPS dekat jembatan",
        "occurred_text": "setiap pagi sejak bulan lalu",
        "child_0_name": "Ani",
        "child_0_age": "11",
        "child_0_sex": "F",
        "reporter_name": "Sri Wahyuni",
        "reporter_phone": "081234567890",
        "consent_to_contact": "on",
    }
    data.update(overrides)
    return data


def test_a_person_without_an_account_files_a_report_and_gets_a_tracking_code(world):
    response = Client().post(reverse("intake:create"), valid_post())
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:submitted", args=[report.tracking_code])
    page = Client().get(response["Location"])
    assert report.tracking_code in page.content.decode()
    assert report.channel == Channel.WEB
    assert report.status == Status.RECEIVED
    assert report.routed_org == world.uptd_sby
    assert [c.name for c in report.children.all()] == ["Ani"]
    assert report.concerns == ["waste_picking"]


def test_the_form_is_in_bahasa_indonesia_by_default_and_switches_to_english(world):
    client = Client()
    assert "Laporkan kekhawatiran tentang anak" in client.get(reverse("intake:create")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/lapor/"})
    assert "Report a concern about a child" in client.get(reverse("intake:create")).content.decode()


def test_an_anonymous_report_keeps_no_contact_details(world):
    Client().post(reverse("intake:create"), valid_post(anonymous="on"))
    report = Report.objects.get()
    assert report.anonymous
    assert (report.reporter_name, report.reporter_phone, report.consent_to_contact) == ("", "", False)


def test_a_double_click_or_retry_makes_one_report(world):
    client = Client()
    data = valid_post()
    first = client.post(reverse("intake:create"), data)
    second = client.post(reverse("intake:create"), data)
    assert Report.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_invalid_input_gets_a_message_per_field_and_keeps_what_was_typed(world):
    data = valid_post(description="", concerns=[], child_0_age="19", reporter_email="bukan-email")
    response = Client().post(reverse("intake:create"), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Ceritakan apa yang terjadi." in html
    assert "Pilih minimal satu jenis kekhawatiran." in html
    assert "Isi usia 0 sampai 17" in html
    assert "Alamat email tidak valid." in html
    assert 'value="Sri Wahyuni"' in html
    assert 'value="TPS dekat jembatan"' in html
    assert data["submission_key"] in html  # a resubmission stays the same submission
    assert Report.objects.count() == 0


def test_a_report_needs_a_place_either_a_region_or_a_description(world):
    response = Client().post(reverse("intake:create"), valid_post(region="", location_detail=""))
    assert "Pilih wilayah atau tuliskan keterangan lokasi." in response.content.decode()


def test_consent_to_be_contacted_needs_a_phone_or_email(world):
    response = Client().post(reverse("intake:create"), valid_post(reporter_phone="", reporter_email=""))
    assert "Isi nomor telepon atau email" in response.content.decode()


def test_a_future_date_is_refused(world):
    response = Client().post(reverse("intake:create"), valid_post(occurred_on="2999-01-01"))
    assert "tidak boleh di masa depan" in response.content.decode()


@override_settings(SIGAP_REPORT_RATE_LIMIT=2)
def test_a_client_that_sends_too_many_reports_is_slowed_down_without_losing_its_text(world):
    cache.clear()
    client = Client()
    for _ in range(2):
        assert client.post(reverse("intake:create"), valid_post()).status_code == 302
    response = client.post(reverse("intake:create"), valid_post(description="Laporan ketiga yang tidak boleh hilang."))
    assert response.status_code == 429
    assert "Laporan ketiga yang tidak boleh hilang." in response.content.decode()
    assert Report.objects.count() == 2


@override_settings(SIGAP_REPORT_RATE_LIMIT=1)
def test_a_retry_of_an_accepted_report_is_not_counted_against_the_limit(world):
    cache.clear()
    client = Client()
    data = valid_post()
    client.post(reverse("intake:create"), data)
    assert client.post(reverse("intake:create"), data).status_code == 302


def test_filing_a_report_is_audited_without_an_actor(world):
    Client().post(reverse("intake:create"), valid_post())
    event = AuditEvent.objects.get(action="create", object_type="report")
    assert event.actor_id is None
    assert event.ip == "127.0.0.1"


def test_a_hotline_operator_files_a_report_with_the_channel_recorded(as_user, world):
    client = as_user("operator")
    response = client.post(reverse("intake:create"), valid_post(channel=Channel.HOTLINE))
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.channel == Channel.HOTLINE
    assert report.received_by == world.operator
    assert report.routed_org == world.uptd_sby


def test_a_community_reporter_files_from_a_field_visit_and_sees_it_in_their_list(as_user, world):
    client = as_user("reporter")
    client.post(reverse("intake:create"), valid_post(channel=Channel.FIELD_VISIT))
    report = Report.objects.get()
    assert report.channel == Channel.FIELD_VISIT
    assert report.reporter_user == world.reporter
    assert report.tracking_code in client.get(reverse("intake:mine")).content.decode()


def test_the_public_cannot_choose_a_channel(world):
    Client().post(reverse("intake:create"), valid_post(channel=Channel.REFERRAL))
    assert Report.objects.get().channel == Channel.WEB
