"""Seeded synthetic demo data: organisations, one login per role, reports, children and cases.

Everything made here is synthetic (Faker ``id_ID`` names, template texts from :mod:`sigap.demo.texts`).
Demo records are recognisable, so ``--reset`` can remove them and nothing else:

- organisations and users have an e-mail address at ``DEMO_DOMAIN`` (a reserved ``.invalid`` domain);
- reports have an idempotency key starting with ``demo-``.

The audit log is not touched: nothing is written to it (the generator inserts rows directly, as a data
load, not as anyone's action) and nothing is removed from it.

Speed: data is generated and written in chunks of ``BATCH_SIZE`` reports, one transaction per chunk, with no
query per row. Names, phone numbers and streets are drawn once from Faker into pools and sampled with a seeded
``random.Random``; routing is the project's rule logic evaluated in memory (:class:`sigap.intake.routing.RoutingTable`, checked against
:func:`sigap.intake.services.route` by the tests). Cases, children and case links are written with
``bulk_create``; the high-volume rows (reports, their concerns and reported children) go through
:class:`FastWriter`, which sends prepared tuples with ``executemany`` (about three times faster than
``bulk_create`` for the 35-column report row) and falls back to ``bulk_create`` on other databases. Memory
stays bounded: only the current chunk and the last few cases per organisation are held.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import math
import operator
import random
import re
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.text import slugify
from faker import Faker

from sigap.cases.models import Case, CaseReport, CaseStatus
from sigap.identity.models import Child
from sigap.intake import reference
from sigap.intake.models import (
    TRACKING_ALPHABET,
    Channel,
    CloseReason,
    Outcome,
    Report,
    ReportConcern,
    ReportedChild,
    ResponseClock,
    RiskLevel,
    RoutingRule,
    Sex,
    Status,
)
from sigap.intake.routing import RoutingTable
from sigap.intake.setup import ensure_reference_data
from sigap.people.models import Organisation, User
from sigap.people.roles import TRIAGE_ROLES, Role
from sigap.people.two_factor import enrol_with_secret, secret_base32
from sigap.regions.models import Level, Placed, Region

from . import texts

DEMO_DOMAIN = "demo.sigap.invalid"
DEMO_PASSWORD = "sigap-demo-2026"
DEFAULT_SEED = 20261126
DEFAULT_REPORTS = 2000
DEFAULT_CASES = 500
DEFAULT_PROVINCES = ("31", "32", "33", "35", "52", "61")
KEY_PREFIX = "demo-"
BATCH_SIZE = 5000
HISTORY_DAYS = 548  # 18 months

# Two or three regencies/cities per province get their own services; the rest of the province is served by
# the provincial UPTD PPA. Kota Surabaya is the "home" of the demo case worker.
DEMO_REGENCIES: dict[str, tuple[str, ...]] = {
    "31": ("31.71", "31.75"),  # Jakarta Pusat, Jakarta Timur
    "32": ("32.73", "32.04", "32.01"),  # Kota Bandung, Kab. Bandung, Kab. Bogor
    "33": ("33.74", "33.72", "33.02"),  # Kota Semarang, Kota Surakarta, Kab. Banyumas
    "35": ("35.78", "35.07", "35.09"),  # Kota Surabaya, Kab. Malang, Kab. Jember
    "52": ("52.71", "52.03"),  # Kota Mataram, Kab. Lombok Timur
    "61": ("61.71", "61.01"),  # Kota Pontianak, Kab. Sambas
}
POLICE = {
    "31.71": "Polres Metro Jakarta Pusat",
    "31.75": "Polres Metro Jakarta Timur",
    "32.73": "Polrestabes Bandung",
    "32.04": "Polresta Bandung",
    "32.01": "Polres Bogor",
    "33.74": "Polrestabes Semarang",
    "33.72": "Polresta Surakarta",
    "33.02": "Polresta Banyumas",
    "35.78": "Polrestabes Surabaya",
    "35.07": "Polres Malang",
    "35.09": "Polres Jember",
    "52.71": "Polresta Mataram",
    "52.03": "Polres Lombok Timur",
    "61.71": "Polresta Pontianak Kota",
    "61.01": "Polres Sambas",
}
HOME_REGENCY = "35.78"
PATBM_VILLAGES = {"35.78": "35.78.01.1002"}  # Kelurahan Kebraon, Surabaya
PROVINCE_SHORT = {"Daerah Khusus Ibukota Jakarta": "DKI Jakarta", "Daerah Istimewa Yogyakarta": "DI Yogyakarta"}

# Share of reports placed in the home regency, and what its organisation's demo worker must at least have.
HOME_SHARE = 0.12
MIN_HOME_CASES = 20
MIN_HOME_OPEN = 30
OPEN_SHARE = 0.12
ATTACHED_SHARE = 0.04
DEMO_REGENCY_SHARE = 0.6

CONCERN_WEIGHTS = {
    "street_children": 20,
    "other_labour": 16,
    "agriculture": 13,
    "waste_picking": 12,
    "child_domestic_work": 10,
    "other": 8,
    "online": 6,
    "cse": 5,
    "trafficking": 5,
}
RELATED_CONCERNS = {
    "street_children": ("waste_picking", "other_labour"),
    "waste_picking": ("street_children", "other_labour"),
    "cse": ("trafficking", "online"),
    "trafficking": ("cse", "child_domestic_work", "other_labour"),
    "online": ("cse", "trafficking"),
    "child_domestic_work": ("trafficking", "other_labour"),
    "agriculture": ("other_labour", "waste_picking"),
    "other_labour": ("street_children", "agriculture"),
    "other": ("street_children", "other_labour"),
}
SERIOUS_CONCERNS = frozenset({"cse", "trafficking", "online"})
CHANNELS = (
    (Channel.WEB, 38),
    (Channel.HOTLINE, 30),
    (Channel.FIELD_VISIT, 17),
    (Channel.REFERRAL, 12),
    (Channel.OTHER, 3),
)
AGES = tuple(range(5, 18))
AGE_WEIGHTS = (1, 1, 2, 4, 5, 6, 7, 8, 9, 9, 9, 8, 7)

# Report fates.
UNTRIAGED, TRIAGED_OPEN, CLOSED, CASE_OPENED, ATTACHED = "untriaged", "triaged_open", "closed", "case", "attached"


# --- Logins ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    organisation: str
    totp_secret: str = ""  # base32, for the roles that need two-factor

    def as_dict(self) -> dict[str, str]:
        return {
            "username": self.username,
            "password": DEMO_PASSWORD,
            "role": self.role,
            "organisation": self.organisation,
            "totp_secret": self.totp_secret,
        }


MAIN_LOGINS = ("pelapor", "kader", "operator", "pekerja", "supervisor", "admin.org", "analis", "admin")


def demo_email(local: str) -> str:
    return f"{slugify(local)[:60]}@{DEMO_DOMAIN}"


def totp_secret_hex(username: str) -> str:
    """A fixed 20-byte TOTP key per demo account (demo data only: anyone can recompute it)."""
    return hashlib.sha1(f"sigap-demo-totp:{username}".encode()).hexdigest()


def is_demo_user(user: User) -> bool:
    return user.email.endswith("@" + DEMO_DOMAIN)


def demo_exists() -> bool:
    return Organisation.objects.filter(email__endswith="@" + DEMO_DOMAIN).exists()


def current_logins() -> list[Login]:
    """The demo logins as they are in the database (main accounts first, then the other case workers)."""
    users = list(
        User.objects.filter(email__endswith="@" + DEMO_DOMAIN).select_related("organisation").order_by("username")
    )
    secrets = {d.user_id: secret_base32(d) for d in _totp_devices().filter(user__in=users, confirmed=True)}
    order = {name: i for i, name in enumerate(MAIN_LOGINS)}
    users.sort(key=lambda u: (order.get(u.username, len(order)), u.username))
    return [
        Login(u.username, u.role, u.organisation.name if u.organisation else "", secrets.get(u.pk, "")) for u in users
    ]


def _totp_devices():  # type: ignore[no-untyped-def]
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects


def format_logins(logins: Sequence[Login]) -> str:
    role_names = dict(Role.choices)
    main = [x for x in logins if x.username in MAIN_LOGINS]
    extra = [x for x in logins if x.username not in MAIN_LOGINS]
    rows = [("username", "password", "peran", "organisasi")] + [
        (x.username, DEMO_PASSWORD, f"{x.role} ({role_names.get(x.role, x.role)})", x.organisation or "—") for x in main
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["", "Akun demo Sigap (data sintetis — jangan dipakai untuk data nyata):", ""]
    for i, row in enumerate(rows):
        lines.append("  " + "  ".join(cell.ljust(widths[j]) for j, cell in enumerate(row)).rstrip())
        if i == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    with_2fa = [x for x in main if x.totp_secret]
    if with_2fa:
        lines += ["", "Verifikasi dua langkah (TOTP) — tambahkan kunci ini ke aplikasi autentikator:"]
        width = max(len(x.username) for x in with_2fa)
        lines += [f"  {x.username.ljust(width)}  {x.totp_secret}" for x in with_2fa]
        lines.append(f"  kode 2FA: .venv/bin/python manage.py demo_totp {with_2fa[0].username}")
    if extra:
        lines += ["", f"Pekerja kasus lain (kata sandi sama): {', '.join(x.username for x in extra)}"]
    lines.append("")
    return "\n".join(lines)


# --- Tracking codes ------------------------------------------------------------------------------------

_CODE_SPACE = len(TRACKING_ALPHABET) ** 10


def _multiplier() -> int:
    a = int(_CODE_SPACE * 0.6180339887498949) | 1
    while math.gcd(a, _CODE_SPACE) != 1:
        a += 2
    return a


_CODE_MULTIPLIER = _multiplier()


def demo_tracking_code(n: int) -> str:
    """A tracking code in the project's format, distinct for every demo report number ``n``."""
    x = (n * _CODE_MULTIPLIER + 104_729) % _CODE_SPACE
    base = len(TRACKING_ALPHABET)
    chars = []
    for _ in range(10):
        x, d = divmod(x, base)
        chars.append(TRACKING_ALPHABET[d])
    body = "".join(chars)
    return f"{body[:5]}-{body[5:]}"


# --- Synthetic name pools ----------------------------------------------------------------------------------


class Pools:
    """Names, phone numbers and streets drawn once from Faker ``id_ID`` (seeded), then sampled."""

    def __init__(self, seed: int) -> None:
        fake = Faker("id_ID")
        fake.seed_instance(seed)
        self.first_m = [fake.first_name_male() for _ in range(600)]
        self.first_f = [fake.first_name_female() for _ in range(600)]
        self.last = [fake.last_name() for _ in range(600)]
        self.names = [fake.name() for _ in range(3000)]
        self.email_locals = [self.email_local(name) for name in self.names]
        self.phones = [fake.phone_number() for _ in range(3000)]
        self.streets = [fake.street_name() for _ in range(600)]

    @staticmethod
    def email_local(name: str) -> str:
        """ "drg. Mala Sudiati, S.Ked" → "mala.sudiati" (titles dropped)."""
        words = [w for w in re.split(r"[\s,]+", name) if w and "." not in w]
        return slugify(" ".join(words[:2])).replace("-", ".") or "warga"

    def email_for(self, index: int, rng: random.Random) -> str:
        """A synthetic address at a reserved example domain for the name ``self.names[index]``."""
        domain = ("example.com", "example.net", "example.org")[rng.randrange(3)]
        return f"{self.email_locals[index]}{rng.randint(1, 999)}@{domain}"


# --- The demo world: organisations and people -----------------------------------------------------------------


@dataclass
class World:
    organisations: dict[str, Organisation]  # by demo e-mail
    home: Organisation
    users: dict[str, User]
    organisations_created: int = 0
    users_created: int = 0


@dataclass(frozen=True)
class _OrgSpec:
    name: str
    type: str
    jurisdiction: str | None
    phone: str = ""

    @property
    def email(self) -> str:
        return demo_email(self.name)


def _regency_label(code: str, name: str) -> str:
    if code.startswith("31."):
        return name.removeprefix("Kota Administrasi ").removeprefix("Kabupaten Administrasi ")
    return name


def _police_name(code: str, name: str) -> str:
    if code in POLICE:
        return POLICE[code]
    if name.startswith("Kota "):
        return "Polresta " + name.removeprefix("Kota ")
    return "Polres " + name.removeprefix("Kabupaten ")


def village_label(code: str, name: str) -> str:
    # Kemendagri: the 4th segment starts with 1 for a kelurahan, 2 for a desa.
    return f"{'Kelurahan' if code[9] == '1' else 'Desa'} {name}"


def demo_regencies(province: str, regencies: dict[str, str]) -> list[str]:
    """The regencies/cities of ``province`` that get their own demo services (only loaded ones)."""
    wanted = [c for c in DEMO_REGENCIES.get(province, ()) if c in regencies]
    if wanted:
        return wanted
    inside = sorted(c for c in regencies if c.startswith(province + "."))
    cities = [c for c in inside if regencies[c].startswith("Kota")]
    others = [c for c in inside if c not in cities]
    return (cities[:1] + others[:1]) or inside[:2]


def _org_specs(
    provinces: Sequence[str], names: dict[str, str], villages: dict[str, list[tuple[str, str]]], rng: random.Random
) -> tuple[list[_OrgSpec], dict[str, str]]:
    """The demo organisations, and for each demo regency the e-mail of its UPTD PPA and PATBM."""
    specs: list[_OrgSpec] = [
        _OrgSpec("SAPA 129", "sapa129", None, "129"),
        _OrgSpec("Sekretariat Gugus Tugas PP-TPPO", "gugus_tugas", None),
        _OrgSpec("Lembaga Perlindungan Saksi dan Korban (LPSK)", "lpsk", None),
    ]
    keys: dict[str, str] = {}
    for i, p in enumerate(provinces):
        province = PROVINCE_SHORT.get(names[p], names[p])
        specs.append(_OrgSpec(f"UPTD PPA Provinsi {province}", "uptd_ppa", p))
        regencies = demo_regencies(p, {c: n for c, n in names.items() if len(c) == 5})
        for code in regencies:
            label = _regency_label(code, names[code])
            # DKI Jakarta's cities have "suku dinas" (branches of the provincial offices).
            social, labour = (
                ("Suku Dinas Sosial", "Suku Dinas Tenaga Kerja, Transmigrasi dan Energi")
                if p == "31"
                else ("Dinas Sosial", "Dinas Tenaga Kerja")
            )
            uptd = _OrgSpec(f"UPTD PPA {label}", "uptd_ppa", code)
            specs += [
                uptd,
                _OrgSpec(f"{social} {label}", "dinsos", code),
                _OrgSpec(f"Unit PPA {_police_name(code, names[code])}", "uppa", code),
                _OrgSpec(f"{labour} {label}", "disnaker", code),
            ]
            keys[f"uptd:{code}"] = uptd.email
            choices = villages.get(code, [])
            fixed = PATBM_VILLAGES.get(code)
            village = next((v for v in choices if v[0] == fixed), None) or (rng.choice(choices) if choices else None)
            if village:
                patbm = _OrgSpec(f"PATBM {village[1]}", "patbm", village[0])
                specs.append(patbm)
                keys[f"patbm:{code}"] = patbm.email
        if regencies:
            specs.append(_OrgSpec(f"{texts.NGO_NAMES[i % len(texts.NGO_NAMES)]} {province}", "ngo", regencies[0]))
    return specs, keys


def _home_regency(provinces: Sequence[str], names: dict[str, str]) -> str | None:
    if HOME_REGENCY in names and HOME_REGENCY[:2] in provinces:
        return HOME_REGENCY
    for p in provinces:
        regencies = demo_regencies(p, {c: n for c, n in names.items() if len(c) == 5})
        if regencies:
            return regencies[0]
    return None


def ensure_world(provinces: Sequence[str], seed: int, villages: dict[str, list[tuple[str, str]]]) -> World:
    """Create the demo organisations and users that are missing; never duplicate them."""
    names = dict(
        Region.objects.filter(level__in=[Level.PROVINCE, Level.REGENCY])
        .filter(_codes_under(provinces))
        .values_list("code", "name")
    )
    rng = random.Random(seed ^ 0x5EED)
    specs, keys = _org_specs(provinces, names, villages, rng)
    home_code = _home_regency(provinces, names)
    if home_code is None:
        raise ValueError("Tidak ada kabupaten/kota yang dimuat untuk provinsi yang dipilih.")

    existing = {o.email: o for o in Organisation.objects.filter(email__endswith="@" + DEMO_DOMAIN)}
    missing = [
        Organisation(name=s.name, type=s.type, jurisdiction_id=s.jurisdiction, email=s.email, phone=s.phone)
        for s in specs
        if s.email not in existing
    ]
    Organisation.objects.bulk_create(missing)
    orgs = {**existing, **{o.email: o for o in missing}}

    home = orgs[keys[f"uptd:{home_code}"]]
    patbm = orgs.get(keys.get(f"patbm:{home_code}", ""))
    sapa = orgs[demo_email("SAPA 129")]
    gugus = orgs[demo_email("Sekretariat Gugus Tugas PP-TPPO")]
    people: list[tuple[str, str, Organisation | None]] = [
        ("pelapor", Role.COMMUNITY_REPORTER, patbm),
        ("kader", Role.CADRE, patbm),
        ("operator", Role.HOTLINE_OPERATOR, sapa),
        ("pekerja", Role.CASE_WORKER, home),
        ("supervisor", Role.SUPERVISOR, home),
        ("admin.org", Role.ORG_ADMIN, home),
        ("analis", Role.ANALYST, gugus),
        ("admin", Role.SYSTEM_ADMIN, None),
        ("pekerja2", Role.CASE_WORKER, home),
    ]
    # The home regency's social office receives the demo referrals (rehabilitation, reintegration).
    social_home = next(
        (orgs[x.email] for x in specs if x.type == "dinsos" and x.jurisdiction == home.jurisdiction_id), None
    )
    if social_home is not None:
        people.append(("pekerja.dinsos", Role.CASE_WORKER, social_home))
    # One case worker in every other UPTD PPA, so that every routed report can become a case with a worker.
    for spec in specs:
        org = orgs[spec.email]
        if spec.type == "uptd_ppa" and org.pk != home.pk:
            short = (
                spec.name.removeprefix("UPTD PPA ")
                .replace("Provinsi ", "prov ")
                .replace("Kabupaten ", "kab ")
                .replace("Daerah Khusus Ibukota ", "")
            )
            people.append((f"pekerja.{slugify(short)}", Role.CASE_WORKER, org))

    usernames = [u for u, _, _ in people]
    found = {u.username: u for u in User.objects.filter(username__in=usernames)}
    clash = sorted(u for u, user in found.items() if not is_demo_user(user))
    if clash:
        raise ValueError(
            f"Nama pengguna sudah dipakai akun yang bukan akun demo: {', '.join(clash)}. Data demo tidak dibuat."
        )
    new_people = [p for p in people if p[0] not in found]
    new_users: list[User] = []
    if new_people:
        pools = Pools(seed ^ 0xACC)
        # One Argon2 hash (the project's first hasher, as create_user would use) shared by all demo accounts:
        # they have the same published password, and hashing once saves ~0.15 s per account.
        password = make_password(DEMO_PASSWORD)
        for username, role, member_of in new_people:
            female = rng.random() < 0.5
            new_users.append(
                User(
                    username=username,
                    email=demo_email(username),
                    first_name=rng.choice(pools.first_f if female else pools.first_m),
                    last_name=rng.choice(pools.last),
                    password=password,
                    role=role,
                    organisation=member_of,
                    is_staff=role == Role.SYSTEM_ADMIN,
                    is_superuser=role == Role.SYSTEM_ADMIN,
                )
            )
        User.objects.bulk_create(new_users)
    users = {**found, **{u.username: u for u in new_users}}

    needs_2fa = set(settings.SIGAP_TWO_FACTOR_REQUIRED_ROLES)
    for user in users.values():
        if user.role in needs_2fa:
            key = totp_secret_hex(user.username)
            if not _totp_devices().filter(user=user, confirmed=True, key=key).exists():
                enrol_with_secret(user, key)
    return World(orgs, home, users, len(missing), len(new_users))


def _codes_under(provinces: Iterable[str]) -> Q:
    q = Q()
    for p in provinces:
        q |= Q(code=p) | Q(code__startswith=p + ".")
    return q


def loaded_provinces(provinces: Iterable[str] | None) -> list[str]:
    wanted = [str(p).strip() for p in (provinces or DEFAULT_PROVINCES) if str(p).strip()]
    loaded = set(Region.objects.filter(level=Level.PROVINCE, code__in=wanted).values_list("code", flat=True))
    return [p for p in dict.fromkeys(wanted) if p in loaded]


def load_villages(provinces: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
    """Villages of the provinces, (code, label) by regency code."""
    by_regency: dict[str, list[tuple[str, str]]] = defaultdict(list)
    rows = Region.objects.filter(level=Level.VILLAGE).filter(_codes_under(provinces)).order_by("code")
    for code, name in rows.values_list("code", "name").iterator(chunk_size=10_000):
        by_regency[code[:5]].append((code, village_label(code, name)))
    return dict(by_regency)


# --- Reports ----------------------------------------------------------------------------------------------------


class _Urn:
    """Draws fates without replacement, so the counts come out exactly as planned."""

    def __init__(self, counts: dict[str, int]) -> None:
        self.counts = {k: v for k, v in counts.items() if v > 0}
        self.total = sum(self.counts.values())

    def draw(self, rng: random.Random) -> str:
        r = rng.randrange(self.total)
        for fate, n in self.counts.items():
            if r < n:
                self.counts[fate] -= 1
                self.total -= 1
                return fate
            r -= n
        raise AssertionError("unreachable")


def _fates(n: int, cases: int, open_: int) -> dict[str, int]:
    open_ = max(0, min(open_, n - cases))
    untriaged = round(open_ * 0.65)
    attached = min(round(n * ATTACHED_SHARE), n - cases - open_) if cases else 0
    return {
        UNTRIAGED: untriaged,
        TRIAGED_OPEN: open_ - untriaged,
        CASE_OPENED: cases,
        ATTACHED: attached,
        CLOSED: n - cases - open_ - attached,
    }


def plan_fates(n: int, cases: int, with_home: bool) -> tuple[dict[str, int], dict[str, int]]:
    """(home, others): how many reports of each fate in the home regency and elsewhere."""
    home_n = max(round(n * HOME_SHARE), min(n // 3, 60)) if with_home else 0
    home_cases = home_open = 0
    if home_n:
        home_cases = min(cases, home_n, max(MIN_HOME_CASES, round(cases * HOME_SHARE)))
        home_cases = min(home_n, max(home_cases, cases - (n - home_n)))
        home_open = min(home_n - home_cases, max(MIN_HOME_OPEN, round(home_n * 0.2)))
    others_n = n - home_n
    return (
        _fates(home_n, home_cases, home_open),
        _fates(others_n, cases - home_cases, round(others_n * OPEN_SHARE)),
    )


class _Pick:
    """A weighted choice with the cumulative weights computed once."""

    def __init__(self, items: Sequence[Any], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


def _sqlite_utc_datetime(value: datetime) -> Any:
    """What Django's SQLite adapter makes of an aware UTC datetime, without its per-value overhead."""
    if value.tzinfo is UTC:
        return str(value.replace(tzinfo=None))
    return connection.ops.adapt_datetimefield_value(value)


class FastWriter:
    """Inserts rows given as tuples of ``fields`` (attribute names), many per statement.

    On SQLite and PostgreSQL the rows go to the database with ``executemany`` and no model instances; the
    model's other concrete fields get their defaults (as ``bulk_create`` would). On other databases it falls
    back to ``bulk_create``. Values must be what the model field holds (aware datetimes, dates, str, int,
    bool, None); datetimes and dates are adapted as Django adapts them.
    """

    def __init__(self, model: type[Any], fields: Sequence[str]) -> None:
        self.model = model
        self.fields = tuple(fields)
        self.fast = connection.vendor in ("sqlite", "postgresql")
        concrete = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(self.fields) - set(concrete)
        if unknown:
            raise ValueError(f"{model.__name__} has no field(s) {', '.join(sorted(unknown))}")
        ops = connection.ops
        adapt_datetime: Callable[[datetime], Any] = ops.adapt_datetimefield_value
        if connection.vendor == "sqlite" and settings.USE_TZ and connection.timezone_name == "UTC":
            adapt_datetime = _sqlite_utc_datetime

        self.adapters: list[tuple[int, Any]] = []
        for i, name in enumerate(self.fields):
            internal = concrete[name].get_internal_type()
            if internal == "DateTimeField":
                self.adapters.append((i, adapt_datetime))
            elif internal == "DateField":
                self.adapters.append((i, ops.adapt_datefield_value))
        rest = [f for f in concrete.values() if f.attname not in self.fields and not f.primary_key]
        self.per_row_defaults = [f for f in rest if f.has_default() and callable(f.default)]
        constant = [f for f in rest if f not in self.per_row_defaults]
        self.constants = tuple(f.get_db_prep_save(f.get_default(), connection) for f in constant)
        columns = [concrete[name].column for name in self.fields] + [f.column for f in constant + self.per_row_defaults]
        qn = connection.ops.quote_name
        self.sql = (
            f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )

    def reserve_ids(self, n: int) -> list[int]:
        """``n`` primary keys no other row has or will get (call inside the chunk's transaction)."""
        if not self.fast or n == 0:
            return []
        table, pk = self.model._meta.db_table, self.model._meta.pk.column
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, n]
                )
                return [row[0] for row in cursor.fetchall()]
            # SQLite: the transaction holds the write lock. Start above both the largest id and the
            # AUTOINCREMENT counter, so that ids of deleted rows (which the audit log may name) are not reused.
            cursor.execute(f"SELECT COALESCE(MAX({qn(pk)}), 0) FROM {qn(table)}")
            start = cursor.fetchone()[0]
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            start = max(start, row[0] if row else 0)
        return list(range(start + 1, start + n + 1))

    def insert(self, rows: Sequence[tuple[Any, ...]]) -> list[Any]:
        """Insert the rows; returns the model instances only on the ``bulk_create`` fallback."""
        if not rows:
            return []
        if not self.fast:
            objs = [self.model(**dict(zip(self.fields, row))) for row in rows]
            self.model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
            return objs
        prepared = []
        adapters, constants, per_row = self.adapters, self.constants, self.per_row_defaults
        for row in rows:
            if adapters:
                values = list(row)
                for i, adapt in adapters:
                    if values[i] is not None:
                        values[i] = adapt(values[i])
                row = tuple(values)
            row += constants
            if per_row:
                row += tuple(f.get_db_prep_save(f.get_default(), connection) for f in per_row)
            prepared.append(row)
        with connection.cursor() as cursor:
            for start in range(0, len(prepared), BATCH_SIZE):
                cursor.executemany(self.sql, prepared[start : start + BATCH_SIZE])
        return []


REPORT_FIELDS = (
    "id",
    "tracking_code",
    "idempotency_key",
    "channel",
    "status",
    "description",
    "location_detail",
    "occurred_on",
    "occurred_text",
    "anonymous",
    "reporter_name",
    "reporter_phone",
    "reporter_email",
    "consent_to_contact",
    "reporter_user_id",
    "received_by_id",
    "received_at",
    "routed_org_id",
    "routed_rule_id",
    "routed_at",
    "risk_level",
    "risk_reason",
    "triaged_at",
    "triaged_by_id",
    "first_contact_due",
    "outcome",
    "close_reason",
    "outcome_note",
    "outcome_at",
    "outcome_by_id",
    "region_id",
    "province_code",
    "regency_code",
    "district_code",
)
REPORT_ROW = operator.itemgetter(*REPORT_FIELDS)
REPORT_DEFAULTS: dict[str, Any] = {
    "id": None,
    "status": Status.RECEIVED,
    "location_detail": "",
    "occurred_on": None,
    "occurred_text": "",
    "anonymous": False,
    "reporter_name": "",
    "reporter_phone": "",
    "reporter_email": "",
    "consent_to_contact": False,
    "reporter_user_id": None,
    "received_by_id": None,
    "routed_rule_id": None,
    "risk_level": "",
    "risk_reason": "",
    "triaged_at": None,
    "triaged_by_id": None,
    "outcome": "",
    "close_reason": "",
    "outcome_note": "",
    "outcome_at": None,
    "outcome_by_id": None,
}


@dataclass
class _Plan:
    report: dict[str, Any] | None  # the report's field values, by attribute name
    fate: str
    concerns: list[str]
    children: list[tuple[str, int | None, str]]  # name, approximate age, sex
    org_id: int | None
    code: str
    case: Case | None = None
    link_child: Child | None = None  # the case child a reported child is matched to
    extra: dict[str, Any] = field(default_factory=dict)


class _Generator:
    def __init__(
        self,
        seed: int,
        provinces: Sequence[str],
        world: World,
        villages: dict[str, list[tuple[str, str]]],
        organisation: Organisation | None,
        stdout: Any,
    ) -> None:
        self.rng = random.Random(seed)
        self.pools = Pools(seed)
        self.now = timezone.now()
        self.stdout = stdout
        self.organisation = organisation
        self.router = RoutingTable.load()
        self.hours = {r: ResponseClock.hours_for(r) for r in RiskLevel.values}
        known = reference.concern_types()
        self.concern_codes = [c for c in CONCERN_WEIGHTS if c in known] or list(known)
        self.pick_concern = _Pick(self.concern_codes, [CONCERN_WEIGHTS.get(c, 5) for c in self.concern_codes])
        self.pick_children = _Pick((0, 1, 2, 3), (12, 58, 20, 10))
        self.pick_age = _Pick(AGES, AGE_WEIGHTS)
        self.pick_channel = _Pick([c for c, _ in CHANNELS], [w for _, w in CHANNELS])
        self.pick_close = _Pick(
            (CloseReason.HANDLED_ELSEWHERE, CloseReason.NOT_CP_CONCERN, CloseReason.DUPLICATE), (45, 35, 20)
        )
        levels = (RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW)
        self.pick_risk = {
            "serious": _Pick(levels, (55, 35, 10)),
            "case": _Pick(levels, (40, 45, 15)),
            "report": _Pick(levels, (20, 45, 35)),
        }
        self.places: dict[str, tuple[str, str, str]] = {}
        self.report_writer = FastWriter(Report, REPORT_FIELDS)
        self.concern_writer = FastWriter(ReportConcern, ("report_id", "concern"))
        self.child_writer = FastWriter(ReportedChild, ("report_id", "name", "approx_age", "sex", "child_id"))

        # Places. With a fixed organisation, reports come from inside its jurisdiction when it is loaded.
        all_villages = [v for vs in villages.values() for v in vs]
        if not all_villages:
            raise ValueError("Belum ada desa/kelurahan yang dimuat untuk provinsi yang dipilih (load_regions).")
        self.all_villages = all_villages
        self.demo_villages = [villages[c] for p in provinces for c in DEMO_REGENCIES.get(p, ()) if villages.get(c)]
        self.home_villages = villages.get(world.home.jurisdiction_id or "", []) if organisation is None else []
        if organisation is not None and organisation.jurisdiction_id:
            j = organisation.jurisdiction_id
            inside = [v for v in all_villages if v[0] == j or v[0].startswith(j + ".")]
            if inside:
                self.all_villages, self.demo_villages = inside, []

        # People.
        users = world.users
        self.operator_id = users["operator"].pk
        self.reporter = users["pelapor"]
        self.home_id = world.home.pk
        self.pekerja_id = users["pekerja"].pk
        self.pekerja_cases = 0
        self.case_workers: dict[int, list[int]] = defaultdict(list)
        self.triagers: dict[int, list[int]] = defaultdict(list)
        for pk, org_id, role in (
            User.objects.filter(role__in=TRIAGE_ROLES, is_active=True, organisation__isnull=False)
            .order_by("id")
            .values_list("id", "organisation_id", "role")
        ):
            self.triagers[org_id].append(pk)
            if role == Role.CASE_WORKER:
                self.case_workers[org_id].append(pk)
        self.recent_cases: dict[int, deque[Case]] = defaultdict(lambda: deque(maxlen=200))
        self.last_code: dict[int | None, str] = {}  # the latest report per organisation, for duplicates
        self.counts: dict[str, int] = defaultdict(int)

    # -- random helpers --

    def _place(self, code: str) -> tuple[str, str, str]:
        """(province, regency, district) codes of a village, as ``Placed.sync_place`` sets them."""
        found = self.places.get(code)
        if found is None:
            probe = SimpleNamespace(region_id=code)
            Placed.sync_place(probe)  # type: ignore[arg-type]
            found = self.places[code] = (probe.province_code, probe.regency_code, probe.district_code)
        return found

    def _concerns(self) -> list[str]:
        first = self.pick_concern(self.rng)
        concerns = [first]
        r = self.rng.random()
        extra = 2 if r < 0.02 else 1 if r < 0.2 else 0
        for _ in range(extra):
            related = [c for c in RELATED_CONCERNS.get(first, ()) if c in self.concern_codes and c not in concerns]
            options = related or [c for c in self.concern_codes if c not in concerns]
            if options:
                concerns.append(self.rng.choice(options))
        return concerns

    def _children(self, family: str, at_least_one: bool) -> list[tuple[str, int | None, str]]:
        rng = self.rng
        n = self.pick_children(rng)
        if at_least_one:
            n = max(n, 1)
        children: list[tuple[str, int | None, str]] = []
        female_share = 0.75 if family == "child_domestic_work" else 0.45
        for _ in range(n):
            r = rng.random()
            sex = Sex.UNKNOWN if r < 0.07 else Sex.FEMALE if r < 0.07 + female_share * 0.93 else Sex.MALE
            age = None if rng.random() < 0.07 else self.pick_age(rng)
            r = rng.random()
            female = sex == Sex.FEMALE or (sex == Sex.UNKNOWN and rng.random() < 0.5)
            if r < 0.5:
                name = rng.choice(self.pools.first_f if female else self.pools.first_m)
            elif r < 0.8:
                name = rng.choice(texts.NICKNAMES_F if female else texts.NICKNAMES_M)
            else:
                name = ""
            children.append((name, age, sex))
        return children

    def _fill(self, template: str, family: str, age: int, desa: str) -> str:
        rng = self.rng
        return template.format(
            usia=age,
            tempat=rng.choice(texts.PLACES.get(family, texts.PLACES["other"])),
            waktu=rng.choice(texts.WAKTU),
            desa=desa,
            jalan=rng.choice(self.pools.streets),
            tujuan=rng.choice(texts.TUJUAN),
        )

    def _description(self, concerns: list[str], age: int, desa: str) -> str:
        rng = self.rng
        family = concerns[0] if concerns[0] in texts.TEMPLATES else "other"
        text = self._fill(rng.choice(texts.TEMPLATES[family]), family, age, desa)
        if rng.random() < 0.3:
            text = rng.choice(texts.OPENERS) + text[0].lower() + text[1:]
        if len(concerns) > 1 and concerns[1] in texts.TEMPLATES and rng.random() < 0.5:
            text += " " + self._fill(rng.choice(texts.TEMPLATES[concerns[1]]), concerns[1], age, desa)
        if rng.random() < 0.5:
            text += " " + rng.choice(texts.CLOSERS)
        return text

    def _location(self, desa: str) -> str:
        rng = self.rng
        if rng.random() < 0.4:
            return ""
        return rng.choice(texts.LOCATION_FORMS).format(
            landmark=rng.choice(texts.LANDMARKS),
            jalan=rng.choice(self.pools.streets),
            rt=rng.randint(1, 9),
            rw=rng.randint(1, 9),
            desa=desa,
        )[:300]

    def _risk(self, concerns: list[str], case: bool) -> str:
        kind = "serious" if any(c in SERIOUS_CONCERNS for c in concerns) else "case" if case else "report"
        return self.pick_risk[kind](self.rng)  # type: ignore[no-any-return]

    def _region(self, home: bool) -> tuple[str, str]:
        rng = self.rng
        if home and self.home_villages:
            return rng.choice(self.home_villages)
        if self.demo_villages and rng.random() < DEMO_REGENCY_SHARE:
            return rng.choice(rng.choice(self.demo_villages))
        return rng.choice(self.all_villages)

    def _route(self, code: str, concerns: list[str]) -> tuple[int | None, int | None]:
        if self.organisation is not None:
            return self.organisation.pk, None
        return self.router.route(code, concerns)

    def _worker(self, org_id: int) -> int | None:
        workers = self.case_workers.get(org_id)
        if not workers:
            return None
        # The demo case worker gets most of the home organisation's cases, and at least MIN_HOME_CASES.
        if (
            org_id == self.home_id
            and self.pekerja_id in workers
            and (self.pekerja_cases < MIN_HOME_CASES or self.rng.random() < 0.7)
        ):
            self.pekerja_cases += 1
            return self.pekerja_id
        return self.rng.choice(workers)

    def _triager(self, org_id: int | None) -> int | None:
        people = self.triagers.get(org_id) if org_id else None
        return self.rng.choice(people) if people else None

    # -- times --

    def _past_received(self) -> datetime:
        """Older reports, denser towards now: the density of the age falls linearly over 18 months."""
        age_days = 2 + (HISTORY_DAYS - 2) * (1 - math.sqrt(self.rng.random()))
        return self.now - timedelta(days=age_days)

    def _handling_times(self, received: datetime) -> tuple[datetime, datetime]:
        """(triaged, outcome) after ``received`` and before now."""
        rng = self.rng
        r = rng.random()
        delay = rng.uniform(0.5, 20) if r < 0.7 else rng.uniform(20, 72) if r < 0.9 else rng.uniform(72, 240)
        span = (self.now - received).total_seconds() / 3600 - 0.2
        triage = min(delay, span * 0.5)
        outcome = min(triage + rng.uniform(0.5, 240), span)
        return received + timedelta(hours=triage), received + timedelta(hours=outcome)

    # -- one report --

    def plan(self, n: int, home: bool, fate: str) -> _Plan:
        concerns = self._concerns()
        needs_org = fate in (CASE_OPENED, ATTACHED)
        code, desa = self._region(home)
        org_id, rule_id = self._route(code, concerns)
        tries = 0
        while needs_org and org_id is None and tries < 20:
            code, desa = self._region(home)
            org_id, rule_id = self._route(code, concerns)
            tries += 1
        if needs_org and org_id is None:
            fate = CLOSED  # nobody could own the case: only when no organisation receives reports at all
        children = self._children(concerns[0], at_least_one=fate in (CASE_OPENED, ATTACHED))
        plan = _Plan(None, fate, concerns, children, org_id, code)
        plan.extra.update(n=n, desa=desa, rule_id=rule_id, duplicate_of=self.last_code.get(org_id))
        if fate == CASE_OPENED:
            self._plan_case(plan)
        if fate != ATTACHED:  # attached reports are finished once this chunk's cases are known
            plan.report = self._report(plan)
            self.last_code[org_id] = plan.report["tracking_code"]
        return plan

    def _report(self, plan: _Plan, case: Case | None = None) -> dict[str, Any]:
        """The report's field values (attribute names), ready for :class:`FastWriter`."""
        rng = self.rng
        fate, org_id = plan.fate, plan.org_id
        f: dict[str, Any] = dict(REPORT_DEFAULTS)
        risk = ""
        if fate == UNTRIAGED:
            r = rng.random()
            hours = rng.uniform(0.2, 24) if r < 0.55 else rng.uniform(24, 168) if r < 0.85 else rng.uniform(168, 1440)
            received = self.now - timedelta(hours=hours)
            f.update(status=Status.RECEIVED)
        elif fate == TRIAGED_OPEN:
            hours = 2 + 600 * rng.random() ** 2
            received = self.now - timedelta(hours=hours)
            risk = self._risk(plan.concerns, case=False)
            triaged = received + timedelta(hours=min(rng.uniform(0.5, 30), hours * 0.8))
            f.update(status=Status.IN_PROGRESS, triaged_at=triaged, triaged_by_id=self._triager(org_id))
        elif fate == CASE_OPENED:
            assert plan.case is not None
            received, triaged = plan.extra["received"], plan.extra["triaged"]
            risk = plan.case.risk_level
            f.update(
                status=Status.IN_PROGRESS,
                triaged_at=triaged,
                triaged_by_id=plan.case.worker_id,
                outcome=Outcome.CASE_OPENED,
                outcome_at=plan.case.opened_at,
                outcome_by_id=plan.case.worker_id,
            )
        elif fate == ATTACHED:
            assert case is not None
            gap = (self.now - case.opened_at).total_seconds() / 3600
            received = case.opened_at + timedelta(hours=rng.uniform(1, min(24 * 90, gap - 1.5)))
            triaged, outcome_at = self._handling_times(received)
            risk = self._risk(plan.concerns, case=True)
            worker = case.worker_id or self._triager(org_id)
            f.update(
                status=Status.IN_PROGRESS,
                triaged_at=triaged,
                triaged_by_id=worker,
                outcome=Outcome.ATTACHED,
                outcome_at=outcome_at,
                outcome_by_id=worker,
            )
        else:  # closed
            received = self._past_received()
            triaged, outcome_at = self._handling_times(received)
            reason = self.pick_close(rng)
            duplicate_of = plan.extra.get("duplicate_of")
            if reason == CloseReason.DUPLICATE and not duplicate_of:
                reason = CloseReason.HANDLED_ELSEWHERE
            note = (
                f"Sama dengan laporan {duplicate_of}."
                if reason == CloseReason.DUPLICATE
                else rng.choice(texts.CLOSE_NOTES[reason])
            )
            person = self._triager(org_id)
            if reason != CloseReason.DUPLICATE or rng.random() < 0.5:
                risk = self._risk(plan.concerns, case=False)
                f.update(triaged_at=triaged, triaged_by_id=person)
            f.update(
                status=Status.CLOSED,
                outcome=Outcome.CLOSED,
                close_reason=reason,
                outcome_note=note,
                outcome_at=outcome_at,
                outcome_by_id=person,
            )
        f["first_contact_due"] = received + timedelta(hours=self.hours[risk or RiskLevel.HIGH])
        if risk:
            f.update(risk_level=risk, risk_reason=rng.choice(texts.RISK_REASONS[risk]))

        channel = self.pick_channel(rng)
        anonymous = rng.random() < 0.3
        if not anonymous:
            with_email = rng.random() < 0.35
            if channel == Channel.WEB and rng.random() < 0.05:
                f["reporter_user_id"] = self.reporter.pk
                name = self.reporter.get_full_name() or self.reporter.username
                email = self.reporter.email if with_email else ""
            else:
                index = rng.randrange(len(self.pools.names))
                name = self.pools.names[index]
                email = self.pools.email_for(index, rng) if with_email else ""
            f.update(
                reporter_name=name,
                reporter_phone=rng.choice(self.pools.phones) if rng.random() < 0.75 else "",
                reporter_email=email,
                consent_to_contact=rng.random() < 0.85,
            )
        if channel == Channel.HOTLINE:
            f["received_by_id"] = self.operator_id
        elif channel in (Channel.FIELD_VISIT, Channel.REFERRAL) and org_id and rng.random() < 0.8:
            workers = self.case_workers.get(org_id)
            f["received_by_id"] = rng.choice(workers) if workers else None

        r = rng.random()
        if r < 0.55:
            f["occurred_on"] = (timezone.localtime(received) - timedelta(days=rng.randint(0, 20))).date()
        elif r < 0.8:
            f["occurred_text"] = rng.choice(texts.OCCURRED_TEXTS)
        first_age = next((age for _, age, _ in plan.children if age is not None), None)
        description = self._description(plan.concerns, first_age or rng.randint(9, 16), plan.extra["desa"])
        n = plan.extra["n"]
        province, regency, district = self._place(plan.code)
        f.update(
            tracking_code=demo_tracking_code(n),
            idempotency_key=f"{KEY_PREFIX}{n:010d}",
            channel=channel,
            description=description,
            location_detail=self._location(plan.extra["desa"]),
            anonymous=anonymous,
            received_at=received,
            routed_org_id=org_id,
            routed_rule_id=plan.extra["rule_id"],
            routed_at=received,
            region_id=plan.code,
            province_code=province,
            regency_code=regency,
            district_code=district,
        )
        return f

    def _plan_case(self, plan: _Plan) -> None:
        rng = self.rng
        assert plan.org_id is not None
        received = self._past_received()
        triaged, opened = self._handling_times(received)
        worker = self._worker(plan.org_id)
        name, age, sex = plan.children[0]
        if sex == Sex.UNKNOWN and rng.random() < 0.8:
            sex = rng.choice((Sex.MALE, Sex.FEMALE))
        female = sex == Sex.FEMALE
        first = name or rng.choice(self.pools.first_f if female else self.pools.first_m)
        full = first if rng.random() < 0.25 else f"{first} {rng.choice(self.pools.last)}"
        nickname = rng.choice(texts.NICKNAMES_F if female else texts.NICKNAMES_M) if rng.random() < 0.4 else ""
        birth_date = None
        if age is not None and rng.random() < 0.3:
            birth_date = date(opened.year - age - 1, 1, 1) + timedelta(days=rng.randint(0, 364))
        child = Child(
            name=full,
            nickname=nickname if nickname != first else "",
            sex=sex,
            birth_date=birth_date,
            birth_year_estimated=(opened.year - age) if age is not None and birth_date is None else None,
            region_id=plan.code,
            created_at=opened,
            created_by_id=worker,
            registered_by_org_id=plan.org_id,
        )
        child.sync_place()
        old = opened < self.now - timedelta(days=180)
        case = Case(
            organisation_id=plan.org_id,
            worker_id=worker,
            risk_level=self._risk(plan.concerns, case=True),
            status=CaseStatus.CLOSED if old and rng.random() < 0.5 else CaseStatus.REGISTERED,
            opened_at=opened,
            opened_by_id=worker,
            region_id=plan.code,
        )
        case.child = child
        case.sync_place()
        plan.case, plan.link_child = case, child
        plan.extra.update(received=received, triaged=triaged)
        self.recent_cases[plan.org_id].append(case)

    def _attach(self, plan: _Plan) -> None:
        """Attach a report to a recent case of its organisation (a later report about the same child)."""
        cutoff = self.now - timedelta(hours=3)
        pool = [c for c in self.recent_cases.get(plan.org_id or 0, ()) if c.opened_at < cutoff]
        if not pool:
            plan.fate = CLOSED
            plan.report = self._report(plan)
            return
        case = self.rng.choice(pool)
        plan.case, plan.link_child = case, case.child
        child = case.child
        born = child.birth_date.year if child.birth_date else child.birth_year_estimated
        age = min(self.now.year - born, 17) if born else None
        plan.children[0] = (child.nickname or child.name.split(" ")[0], age, child.sex)
        plan.report = self._report(plan, case)

    # -- a chunk --

    def chunk(self, start: int, fates: list[tuple[bool, str]]) -> None:
        plans = [self.plan(start + i, home, fate) for i, (home, fate) in enumerate(fates)]
        for p in plans:
            if p.fate == ATTACHED:
                self._attach(p)
        new_cases = [p.case for p in plans if p.fate == CASE_OPENED and p.case is not None]
        with transaction.atomic():
            children = [c.child for c in new_cases]
            Child.objects.bulk_create(children, batch_size=BATCH_SIZE)
            for case in new_cases:
                case.child_id = case.child.pk
            Case.objects.bulk_create(new_cases, batch_size=BATCH_SIZE)
            for case in new_cases:
                case.number = f"KS-{case.opened_at:%Y}-{case.pk:06d}"
            if new_cases:
                Case.objects.bulk_update(new_cases, ["number"], batch_size=BATCH_SIZE)
            for p in plans:
                assert p.report is not None
                if p.fate in (CASE_OPENED, ATTACHED) and p.case is not None:
                    p.report["outcome_note"] = str(p.case.number)
            plans.sort(key=lambda p: p.report["received_at"])  # type: ignore[index]
            reports: list[dict[str, Any]] = [p.report for p in plans]  # type: ignore[misc]
            writer = self.report_writer
            for report, pk in zip(reports, writer.reserve_ids(len(reports))):
                report["id"] = pk
            made = writer.insert([REPORT_ROW(r) for r in reports])
            for report, obj in zip(reports, made):  # only on the bulk_create fallback
                report["id"] = obj.pk
            concerns, reported, links = [], [], []
            for p in plans:
                row = p.report
                assert row is not None
                pk = row["id"]
                concerns += [(pk, c) for c in p.concerns]
                for i, (name, age, sex) in enumerate(p.children):
                    linked = p.link_child if i == 0 and p.link_child is not None else None
                    reported.append((pk, name, age, sex, linked.pk if linked else None))
                if p.fate in (CASE_OPENED, ATTACHED) and p.case is not None:
                    links.append(
                        CaseReport(
                            case_id=p.case.pk,
                            report_id=pk,
                            linked_at=row["outcome_at"],
                            linked_by_id=row["outcome_by_id"],
                        )
                    )
                self.counts[p.fate] += 1
            self.concern_writer.insert(concerns)
            self.child_writer.insert(reported)
            CaseReport.objects.bulk_create(links, batch_size=BATCH_SIZE)
        self.counts["report_concerns"] += len(concerns)
        self.counts["reported_children"] += len(reported)
        self.counts["case_links"] += len(links)
        self.counts["children"] += len(children)


def _say(stdout: Any, message: str) -> None:
    if stdout is not None:
        stdout.write(message if message.endswith("\n") else message + "\n")


def _next_number() -> int:
    last = Report.objects.filter(idempotency_key__startswith=KEY_PREFIX).aggregate(m=Max("idempotency_key"))["m"]
    if not last:
        return 1
    try:
        return int(last.removeprefix(KEY_PREFIX)) + 1
    except ValueError:
        return Report.objects.filter(idempotency_key__startswith=KEY_PREFIX).count() + 1


def generate(
    reports: int = DEFAULT_REPORTS,
    cases: int = DEFAULT_CASES,
    seed: int = DEFAULT_SEED,
    provinces: list[str] | None = None,
    stdout: Any = None,
    organisation: Organisation | None = None,
) -> dict[str, Any]:
    """Add ``reports`` synthetic reports and exactly ``cases`` cases (each opened from one of the reports).

    The demo organisations and logins of ``provinces`` (only loaded ones; default: several provinces) are
    created first if missing. Every call adds reports; :func:`seed` is the idempotent entry point. With
    ``organisation``, every report is routed to that organisation (and placed inside its jurisdiction when
    that is loaded); its case workers, if any, get the cases.

    Returns the counts (``reports``, ``cases``, ``children``, ``reported_children``, ``report_concerns``,
    ``case_links``, ``open``, ``untriaged``, ``attached``, ``closed``, ``organisations_created``,
    ``users_created``, ``rows``), the timing (``seconds``, ``reports_per_second``, ``rows_per_second``), the
    ``provinces`` used and the ``logins`` (dicts with username, password, role, organisation, totp_secret).
    """
    if reports < 0 or cases < 0:
        raise ValueError("Jumlah laporan dan kasus tidak boleh negatif.")
    if cases > reports:
        raise ValueError("Setiap kasus dibuka dari satu laporan: jumlah kasus tidak boleh melebihi jumlah laporan.")
    started = time.perf_counter()
    chosen = loaded_provinces(provinces)
    if not chosen:
        raise ValueError("Tidak ada provinsi yang dipilih yang sudah dimuat. Jalankan dulu: manage.py load_regions")
    ensure_reference_data()
    villages = load_villages(chosen)
    with transaction.atomic():
        world = ensure_world(chosen, seed, villages)
    gen = _Generator(seed, chosen, world, villages, organisation, stdout)
    home_fates, other_fates = plan_fates(reports, cases, with_home=bool(gen.home_villages))
    home_urn, other_urn = _Urn(home_fates), _Urn(other_fates)
    number = _next_number()
    done = 0
    while done < reports:
        size = min(BATCH_SIZE, reports - done)
        fates = []
        for _ in range(size):
            home = gen.rng.randrange(home_urn.total + other_urn.total) < home_urn.total
            fates.append((home, (home_urn if home else other_urn).draw(gen.rng)))
        gen.chunk(number + done, fates)
        done += size
        if reports > BATCH_SIZE:
            rate = done / max(time.perf_counter() - started, 1e-9)
            _say(stdout, f"  {done:,}/{reports:,} laporan ({rate:,.0f}/detik)".replace(",", "."))
    seconds = time.perf_counter() - started
    c = gen.counts
    rows = reports + c["report_concerns"] + c["reported_children"] + c["children"] + c[CASE_OPENED] + c["case_links"]
    return {
        "reports": reports,
        "cases": c[CASE_OPENED],
        "children": c["children"],
        "reported_children": c["reported_children"],
        "report_concerns": c["report_concerns"],
        "case_links": c["case_links"],
        "open": c[UNTRIAGED] + c[TRIAGED_OPEN],
        "untriaged": c[UNTRIAGED],
        "attached": c[ATTACHED],
        "closed": c[CLOSED],
        "organisations_created": world.organisations_created,
        "users_created": world.users_created,
        "rows": rows,
        "seconds": seconds,
        "reports_per_second": reports / seconds if seconds else 0.0,
        "rows_per_second": rows / seconds if seconds else 0.0,
        "provinces": chosen,
        "seed": seed,
        "logins": [x.as_dict() for x in current_logins()],
    }


def seed_demo(
    reports: int = DEFAULT_REPORTS,
    cases: int = DEFAULT_CASES,
    seed: int = DEFAULT_SEED,
    provinces: list[str] | None = None,
    *,
    reset: bool = False,
    stdout: Any = None,
) -> dict[str, Any]:
    """The ``seed_demo`` command: generate once. If demo data exists (and ``reset`` is not asked) nothing is
    added and ``{"created": False, "logins": [...]}`` is returned."""
    if reset:
        removed = reset_demo(stdout)
        summary = ", ".join(f"{v:,} {k}".replace(",", ".") for k, v in removed.items())
        _say(stdout, f"Data demo lama dihapus: {summary}.")
    elif demo_exists():
        return {"created": False, "logins": [x.as_dict() for x in current_logins()]}
    result = generate(reports, cases, seed, provinces, stdout=stdout)
    from sigap.demo import casework

    result["casework"] = casework.advance(seed, stdout)
    from sigap.demo import screening

    result["screening"] = screening.seed(seed, stdout)
    from sigap.demo import registry

    result["registry"] = registry.seed(seed, stdout)
    result["created"] = True
    return result


# --- Reset ---------------------------------------------------------------------------------------------------


def _delete_case_work(case_ids: list[int]) -> None:
    """Rows that protect their case from deletion (hand-offs before the consents they cite,
    documents); the rest of a case's work goes with the case."""
    from sigap.documents.models import Document
    from sigap.referrals.models import Consent, HandOff

    HandOff.objects.filter(case_id__in=case_ids).delete()
    Consent.objects.filter(case_id__in=case_ids).delete()
    Document.objects.filter(case_id__in=case_ids).delete()


def _delete_screening(org_ids: list[int], user_ids: list[int], cases: Any) -> dict[str, int]:
    """Screenings and registry runs protect the cases, reports, people and organisations they refer to:
    they go first."""
    from sigap.screening.models import ExternalResult, Screening

    screenings = Screening.objects.filter(
        Q(screener_id__in=user_ids) | Q(organisation_id__in=org_ids) | Q(case__in=cases.values("pk"))
    )
    removed = {"skrining": screenings.delete()[1].get(Screening._meta.label, 0)}
    ExternalResult.objects.filter(Q(case__in=cases.values("pk")) | Q(screener_id__in=user_ids)).delete()
    from sigap.registry.models import RegistryRun

    runs = RegistryRun.objects.filter(Q(organisation_id__in=org_ids) | Q(uploaded_by_id__in=user_ids))
    removed["penyaringan registri"] = runs.delete()[1].get(RegistryRun._meta.label, 0)
    return removed


def _delete_in_chunks(queryset: Any, size: int = BATCH_SIZE) -> int:
    model = queryset.model
    total = 0
    while True:
        ids = list(queryset.values_list("pk", flat=True)[:size])
        if not ids:
            return total
        with transaction.atomic():
            if model is Report:
                ReportConcern.objects.filter(report_id__in=ids).delete()
                ReportedChild.objects.filter(report_id__in=ids).delete()
            elif model is Case:
                CaseReport.objects.filter(case_id__in=ids).delete()
                _delete_case_work(ids)
            model.objects.filter(pk__in=ids).delete()
        total += len(ids)


def reset_demo(stdout: Any = None) -> dict[str, int]:
    """Delete the demo data: demo reports, everything routed to or owned by demo organisations, the demo
    organisations and users. The audit log is append-only and is left as it is."""
    orgs = Organisation.objects.filter(email__endswith="@" + DEMO_DOMAIN)
    org_ids = list(orgs.values_list("id", flat=True))
    user_ids = list(
        User.objects.filter(Q(email__endswith="@" + DEMO_DOMAIN) | Q(organisation_id__in=org_ids)).values_list(
            "id", flat=True
        )
    )
    demo_reports = Q(idempotency_key__startswith=KEY_PREFIX) | Q(routed_org_id__in=org_ids)
    linked = Report.objects.filter(demo_reports).values("id")
    cases = Case.objects.filter(
        Q(organisation_id__in=org_ids) | Q(worker_id__in=user_ids) | Q(report_links__report_id__in=linked)
    ).distinct()
    child_ids = set(cases.values_list("child_id", flat=True))
    removed = _delete_screening(org_ids, user_ids, cases)
    removed["kasus"] = _delete_in_chunks(Case.objects.filter(pk__in=cases.values("pk")))
    children = Child.objects.filter(
        Q(registered_by_org_id__in=org_ids) | Q(created_by_id__in=user_ids) | Q(pk__in=child_ids)
    ).filter(cases__isnull=True)
    removed["anak"] = _delete_in_chunks(children)
    removed["laporan"] = _delete_in_chunks(Report.objects.filter(demo_reports))
    RoutingRule.objects.filter(organisation_id__in=org_ids).delete()
    removed["pengguna"] = User.objects.filter(pk__in=user_ids).delete()[1].get(User._meta.label, 0)
    removed["organisasi"] = orgs.delete()[1].get(Organisation._meta.label, 0)
    return removed
