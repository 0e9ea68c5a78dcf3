"""Test fixtures shared by all apps: a small world of regions, organisations and people."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from sigap.intake.setup import ensure_reference_data
from sigap.people.models import Organisation, User
from sigap.people.roles import Role, Scope
from sigap.regions.testing import load_test_regions

PASSWORD = "sandi-uji-yang-panjang-1"

ORGANISATIONS = {
    "uptd_sby": ("UPTD PPA Kota Surabaya", "uptd_ppa", "35.78"),
    "uptd_malang": ("UPTD PPA Kabupaten Malang", "uptd_ppa", "35.07"),
    "uptd_jatim": ("UPTD PPA Provinsi Jawa Timur", "uptd_ppa", "35"),
    "uptd_jakpus": ("UPTD PPA Jakarta Pusat", "uptd_ppa", "31.71"),
    "dinsos_sby": ("Dinas Sosial Kota Surabaya", "dinsos", "35.78"),
    "patbm_kebraon": ("PATBM Kelurahan Kebraon", "patbm", "35.78.01.1002"),
    "sapa": ("SAPA 129", "sapa129", None),
    "gugus": ("Sekretariat Gugus Tugas PP-TPPO Nasional", "gugus_tugas", None),
}

PEOPLE: dict[str, tuple[str, str | None, str]] = {
    # username: (role, organisation key, record scope override)
    "reporter": (Role.COMMUNITY_REPORTER, "patbm_kebraon", ""),
    "reporter2": (Role.COMMUNITY_REPORTER, None, ""),
    "cadre": (Role.CADRE, "patbm_kebraon", ""),
    "operator": (Role.HOTLINE_OPERATOR, "sapa", ""),
    "worker_sby": (Role.CASE_WORKER, "uptd_sby", ""),
    "worker2_sby": (Role.CASE_WORKER, "uptd_sby", ""),
    "worker_malang": (Role.CASE_WORKER, "uptd_malang", ""),
    "worker_jakpus": (Role.CASE_WORKER, "uptd_jakpus", ""),
    "worker_dinsos": (Role.CASE_WORKER, "dinsos_sby", ""),
    "supervisor_sby": (Role.SUPERVISOR, "uptd_sby", ""),
    "supervisor_malang": (Role.SUPERVISOR, "uptd_malang", ""),
    "supervisor_jatim": (Role.SUPERVISOR, "uptd_jatim", Scope.JURISDICTION),
    "org_admin_sby": (Role.ORG_ADMIN, "uptd_sby", ""),
    "analyst": (Role.ANALYST, "gugus", ""),
    "analyst_all": (Role.ANALYST, "gugus", Scope.ALL),  # a scope set by mistake must not leak
    "sysadmin": (Role.SYSTEM_ADMIN, None, ""),
}


def build_world() -> SimpleNamespace:
    from sigap.regions.models import Region

    if not Region.objects.filter(code="35").exists():  # a transactional test flushed them
        load_test_regions()
    ensure_reference_data()
    world: dict[str, Any] = {}
    for key, (name, type_, code) in ORGANISATIONS.items():
        world[key] = Organisation.objects.create(name=name, type=type_, jurisdiction_id=code)
    for username, (role, org_key, scope) in PEOPLE.items():
        world[username] = User.objects.create_user(
            username=username,
            password=PASSWORD,
            role=role,
            organisation=world[org_key] if org_key else None,
            record_scope=scope,
            is_staff=role == Role.SYSTEM_ADMIN,
            is_superuser=role == Role.SYSTEM_ADMIN,
        )
    return SimpleNamespace(**world)


@pytest.fixture
def world(db: None) -> SimpleNamespace:
    return build_world()


def sign_in(client: Client, user: User) -> Client:
    """Log ``user`` in, passing two-factor for the roles that need it."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="Sigap", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def as_user(world: SimpleNamespace) -> Any:
    """``as_user("worker_sby")`` → a test client logged in as that person."""

    def make(username: str) -> Client:
        return sign_in(Client(), getattr(world, username))

    return make


SURABAYA_VILLAGE = "35.78.01.1002"  # Kebraon, Karang Pilang, Kota Surabaya
MALANG_VILLAGE = "35.07.01.2001"  # Tulungrejo, Kabupaten Malang
JAKPUS_VILLAGE = "31.71.06.1001"  # Menteng, Jakarta Pusat


def make_report(
    region: str | None = SURABAYA_VILLAGE,
    concerns: tuple[str, ...] = ("street_children",),
    actor: User | None = None,
    key: str | None = None,
    children: tuple[tuple[str, int | None, str], ...] = (("Budi", 12, "M"),),
    **fields: Any,
) -> Any:
    """File a report through the real service, as the public form would."""
    import uuid

    from sigap.intake.services import ChildInput, ReportInput, submit_report
    from sigap.regions.models import Region

    data = ReportInput(
        description=fields.pop("description", "Anak terlihat mengamen di perempatan setiap malam hingga larut."),
        concerns=list(concerns),
        region=Region.objects.get(code=region) if region else None,
        location_detail=fields.pop("location_detail", "Dekat pasar"),
        children=[ChildInput(name=n, approx_age=a, sex=s) for n, a, s in children],
        **fields,
    )
    report, _created = submit_report(data, key or uuid.uuid4().hex, actor=actor)
    return report
