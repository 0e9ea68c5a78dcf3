"""Roles and record scopes: who may see which records.

A role says what a person does; a record scope says which records they may see. Each role has a
default scope; an administrator may set another one for a person (a provincial supervisor may be
given the jurisdiction scope, for example).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COMMUNITY_REPORTER = "community_reporter", _("Pelapor masyarakat")
    CADRE = "cadre", _("Kader desa / aktivis PATBM")
    HOTLINE_OPERATOR = "hotline_operator", _("Operator layanan pengaduan")
    CASE_WORKER = "case_worker", _("Pekerja kasus")
    SUPERVISOR = "supervisor", _("Supervisor")
    ORG_ADMIN = "org_admin", _("Admin organisasi")
    ANALYST = "analyst", _("Analis gugus tugas")
    SYSTEM_ADMIN = "system_admin", _("Admin sistem")


class Scope(models.TextChoices):
    OWN = "own", _("Milik sendiri")
    ORGANISATION = "organisation", _("Organisasi")
    JURISDICTION = "jurisdiction", _("Wilayah kerja")
    ALL = "all", _("Semua")
    IDENTIFIED = "identified", _("Yang saya laporkan")
    NONE = "none", _("Tidak ada (hanya agregat)")


DEFAULT_SCOPE: dict[str, str] = {
    Role.COMMUNITY_REPORTER: Scope.IDENTIFIED,
    Role.CADRE: Scope.IDENTIFIED,
    Role.HOTLINE_OPERATOR: Scope.OWN,
    Role.CASE_WORKER: Scope.ORGANISATION,
    Role.SUPERVISOR: Scope.ORGANISATION,
    Role.ORG_ADMIN: Scope.NONE,
    Role.ANALYST: Scope.NONE,
    Role.SYSTEM_ADMIN: Scope.ALL,
}

# Roles whose people never see an identity, whatever scope is set on them.
AGGREGATE_ONLY_ROLES: frozenset[str] = frozenset({Role.ANALYST})
# Roles that may triage reports and open cases for the reports they can see.
TRIAGE_ROLES: frozenset[str] = frozenset({Role.CASE_WORKER, Role.SUPERVISOR})
# Roles that may file reports on someone else's behalf and choose the channel.
OPERATOR_ROLES: frozenset[str] = frozenset({Role.HOTLINE_OPERATOR, Role.CASE_WORKER, Role.SUPERVISOR})
# Roles whose people file reports in their own name and follow the reports they filed.
REPORTER_ROLES: frozenset[str] = frozenset({Role.COMMUNITY_REPORTER, Role.CADRE})
# Roles that may fill screening instruments for a child (a positive result opens an assessment).
SCREENING_ROLES: frozenset[str] = frozenset({Role.CADRE, Role.CASE_WORKER, Role.SUPERVISOR})
# Roles that may read their organisation's audit log.
AUDIT_READER_ROLES: frozenset[str] = frozenset({Role.SUPERVISOR, Role.SYSTEM_ADMIN})


class Permission(models.TextChoices):
    """Things a person may do beyond seeing records. A role grants some by default; an administrator
    may grant others to one person (``User.granted_permissions``)."""

    APPROVE = "approve", _("Menyetujui asesmen, rencana kasus dan penutupan")
    SELF_APPROVE = "self_approve", _("Menyetujui kasusnya sendiri")
    READ_PERPETRATORS = "read_perpetrators", _("Membaca data terduga pelaku")
    HANDOFF_OVERRIDE = "handoff_override", _("Merujuk tanpa persetujuan/dasar hukum (dengan alasan)")
    MANAGE_LEGAL = "manage_legal", _("Mencatat proses hukum")
    SCREEN_REGISTRY = "screen_registry", _("Menyaring registri perlindungan sosial dan membuat daftar penjangkauan")


ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.COMMUNITY_REPORTER: frozenset(),
    Role.CADRE: frozenset(),
    Role.HOTLINE_OPERATOR: frozenset(),
    Role.CASE_WORKER: frozenset({Permission.MANAGE_LEGAL}),
    Role.SUPERVISOR: frozenset(
        {
            Permission.APPROVE,
            Permission.READ_PERPETRATORS,
            Permission.HANDOFF_OVERRIDE,
            Permission.MANAGE_LEGAL,
            Permission.SCREEN_REGISTRY,
        }
    ),
    Role.ORG_ADMIN: frozenset(),
    Role.ANALYST: frozenset(),
    Role.SYSTEM_ADMIN: frozenset(),
}
# Roles that work on cases: record assessments, plans, services, hand-offs, follow-ups and notes.
CASEWORK_ROLES: frozenset[str] = TRIAGE_ROLES
