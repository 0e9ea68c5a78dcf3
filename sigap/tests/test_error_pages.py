from django.test import Client
from django.urls import reverse


def test_a_server_error_shows_a_plain_page_in_bahasa_indonesia_and_no_stack_trace(world, monkeypatch, settings):
    settings.DEBUG = False

    def broken(*args, **kwargs):
        raise RuntimeError("rahasia internal: trace must not leak")

    monkeypatch.setattr("sigap.intake.routing.route", broken)
    client = Client(raise_request_exception=False)
    response = client.post(
        reverse("intake:create"),
        {"submission_key": "k" * 32, "description": "Uji.", "concerns": ["other"], "location_detail": "Pasar"},
    )
    html = response.content.decode()
    assert response.status_code == 500
    assert "Terjadi kesalahan pada server" in html
    assert "Traceback" not in html and "rahasia internal" not in html


def test_an_unknown_page_gets_the_sigap_not_found_page(world, settings):
    settings.DEBUG = False
    response = Client().get("/tidak-ada/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()


def test_an_api_error_is_json_without_a_trace(world, monkeypatch, settings):
    settings.DEBUG = False

    def broken(*args, **kwargs):
        raise RuntimeError("rahasia internal")

    monkeypatch.setattr("sigap.intake.routing.route", broken)
    response = Client(raise_request_exception=False).post(
        "/api/reports/",
        {"client_key": "kunci-uji-123456", "description": "Uji.", "concerns": ["other"], "location_detail": "Pasar"},
        content_type="application/json",
    )
    assert response.status_code == 500
    assert response.json() == {"detail": "Terjadi kesalahan pada server. Silakan coba lagi."}
