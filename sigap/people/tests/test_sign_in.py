import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from sigap.people.models import User
from sigap.testing import PASSWORD, sign_in

ROOT = Path(settings.BASE_DIR)


def login(client, username, password=PASSWORD):
    return client.post(reverse("people:login"), {"username": username, "password": password})


def current_code(device):
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def test_passwords_are_hashed_with_argon2(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = User.objects.create_user("petugas", password="kata-sandi-yang-panjang-9")
    assert identify_hasher(user.password).algorithm == "argon2"


def test_the_project_hashes_with_argon2_first():
    # Tests swap in a fast hasher; the project's own setting stays Argon2.
    from sigap import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_a_case_worker_signs_in_without_two_factor(world):
    client = Client()
    response = login(client, "worker_sby")
    assert response.status_code == 302
    assert client.get(reverse("intake:queue")).status_code == 200


def test_a_supervisor_must_enrol_two_factor_before_seeing_anything(world):
    client = Client()
    login(client, "supervisor_sby")
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("people:two_factor"))
    page = client.get(response["Location"]).content.decode()
    assert "Pindai kode QR" in page
    device = TOTPDevice.objects.get(user=world.supervisor_sby, confirmed=False)
    wrong = client.post(reverse("people:two_factor"), {"token": "000000", "next": "/kasus/"})
    assert "Kode salah" in wrong.content.decode()
    throttled = client.post(reverse("people:two_factor"), {"token": current_code(device), "next": "/kasus/"})
    assert "Terlalu banyak kode salah" in throttled.content.decode()
    device.refresh_from_db()
    device.throttle_reset()
    ok = client.post(reverse("people:two_factor"), {"token": current_code(device), "next": "/kasus/"})
    assert ok["Location"] == "/kasus/"
    assert client.get(reverse("cases:list")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_an_enrolled_admin_is_asked_for_a_code_at_each_sign_in(world):
    device = TOTPDevice.objects.create(user=world.sysadmin, name="Sigap", confirmed=True)
    client = Client()
    login(client, "sysadmin")
    assert client.get("/admin/").status_code == 302
    page = client.get(reverse("people:two_factor")).content.decode()
    assert "Pindai kode QR" not in page
    client.post(reverse("people:two_factor"), {"token": current_code(device)})
    assert client.get("/admin/").status_code == 200


def test_the_api_refuses_a_supervisor_who_has_not_passed_two_factor(world):
    client = Client()
    login(client, "supervisor_sby")
    response = client.get("/api/cases/")
    assert response.status_code == 403
    assert "dua langkah" in response.json()["detail"]


def test_two_factor_redirects_only_to_this_site(world):
    client = Client()
    login(client, "supervisor_sby")
    device = TOTPDevice.objects.create(user=world.supervisor_sby, name="Sigap", confirmed=True)
    response = client.post(
        reverse("people:two_factor"), {"token": current_code(device), "next": "https://example.org/"}
    )
    assert response["Location"] == "/"


def test_a_person_is_locked_out_after_five_wrong_passwords(world):
    client = Client()
    for _ in range(5):
        login(client, "worker_sby", "salah-salah-salah")
    response = login(client, "worker_sby")  # even the right password is refused while locked
    assert response.status_code == 429
    assert "Terlalu banyak percobaan masuk" in response.content.decode()


def test_a_wrong_password_gets_a_message_and_keeps_the_username(world):
    response = login(Client(), "worker_sby", "bukan-ini")
    html = response.content.decode()
    assert "Nama pengguna atau kata sandi salah" in html
    assert 'value="worker_sby"' in html


def test_sessions_expire_after_an_idle_hour_and_when_the_browser_closes():
    assert settings.SESSION_COOKIE_AGE == 3600
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_signing_out_ends_the_session(world):
    client = sign_in(Client(), world.worker_sby)
    client.post(reverse("people:logout"))
    assert client.get(reverse("intake:queue")).status_code == 302


def test_production_mode_passes_the_deployment_check_without_warnings(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "SIGAP_PRODUCTION": "1",
        "SIGAP_SECRET_KEY": "a" * 20 + "-production-secret-key-with-enough-variety-0123456789",
        "SIGAP_ALLOWED_HOSTS": "sigap.example.go.id",
        "SIGAP_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SIGAP_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "SIGAP_PRODUCTION": "1", "SIGAP_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SIGAP_SECRET_KEY must be set" in result.stderr


def test_a_case_worker_may_enrol_two_factor_and_is_then_held_to_it(world):
    client = sign_in(Client(), world.worker_sby)
    TOTPDevice.objects.filter(user=world.worker_sby).delete()  # sign_in enrolled one; start afresh
    client.get(reverse("people:two_factor"))
    device = TOTPDevice.objects.get(user=world.worker_sby, confirmed=False)
    client.post(reverse("people:two_factor"), {"token": current_code(device)})
    assert "Verifikasi dua langkah aktif" in client.get(reverse("people:two_factor")).content.decode()

    fresh = Client()
    login(fresh, "worker_sby")
    assert fresh.get(reverse("intake:queue"))["Location"].startswith(reverse("people:two_factor"))


def test_a_case_worker_without_a_device_is_not_asked_for_a_code(world):
    client = Client()
    login(client, "worker2_sby")
    assert client.get(reverse("intake:queue")).status_code == 200
