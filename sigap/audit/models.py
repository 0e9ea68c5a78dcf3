"""The append-only log of every read and write of personal data.

Rows are never updated or deleted: the model and its queryset refuse, and a database trigger
refuses UPDATE (and, on PostgreSQL, DELETE) too. Actor and organisation are stored as plain values,
not foreign keys, so that removing a user can never rewrite history.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class Action(models.TextChoices):
    VIEW = "view", _("melihat")
    LIST = "list", _("melihat daftar")
    CREATE = "create", _("membuat")
    UPDATE = "update", _("mengubah")
    ROUTE = "route", _("mengarahkan")
    TRIAGE = "triage", _("menilai (triase)")
    OPEN_CASE = "open_case", _("membuka kasus")
    ATTACH = "attach", _("melampirkan ke kasus")
    CLOSE = "close", _("menutup")
    EXPORT = "export", _("mengekspor")
    TRANSITION = "transition", _("memindah tahap")
    REQUEST = "request", _("meminta persetujuan")
    APPROVE = "approve", _("menyetujui")
    REJECT = "reject", _("menolak")
    REOPEN = "reopen", _("membuka kembali")
    HANDOFF = "handoff", _("merujuk/memindahkan")
    ACCEPT = "accept", _("menerima")
    REVOKE = "revoke", _("membatalkan")
    DOWNLOAD = "download", _("mengunduh")
    COMPLETE = "complete", _("menyelesaikan")
    WITHDRAW = "withdraw", _("menarik")


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The audit log is append-only.")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AppendOnlyError("The audit log is append-only.")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)
    actor_id = models.BigIntegerField(_("pengguna (id)"), null=True, blank=True, db_index=True)
    actor_username = models.CharField(_("pengguna"), max_length=150, blank=True)
    actor_organisation_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(_("tindakan"), max_length=16, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("jenis data"), max_length=32, db_index=True)
    object_id = models.CharField(_("id data"), max_length=64, db_index=True)
    object_label = models.CharField(_("label"), max_length=100, blank=True)
    organisation_id = models.BigIntegerField(
        _("organisasi pemilik data"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Organisasi yang memegang data saat kejadian; supervisornya dapat membaca entri ini."),
    )
    changes = models.JSONField(_("perubahan"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)
    path = models.CharField(_("alamat halaman"), max_length=300, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("entri audit")
        verbose_name_plural = _("jejak audit")
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"]),
            models.Index(fields=["organisation_id", "at"]),
        ]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor_username or '-'} {self.action} {self.object_type}:{self.object_id}"
        )

    OBJECT_TYPES = {
        "report": _("laporan"),
        "case": _("kasus"),
        "child": _("data anak"),
        "handoff": _("rujukan"),
        "consent": _("persetujuan data"),
        "familymember": _("anggota keluarga"),
        "note": _("catatan"),
        "assessment": _("asesmen"),
        "caseplan": _("rencana kasus"),
        "caseservice": _("layanan"),
        "document": _("dokumen"),
        "allegedperpetrator": _("terduga pelaku"),
        "identification": _("identifikasi"),
        "screening": _("skrining"),
        "externalresult": _("hasil alat berlisensi"),
        "registryrun": _("penyaringan registri"),
        "outreachentry": _("daftar penjangkauan"),
        "childmerge": _("penggabungan catatan anak"),
    }

    @property
    def object_type_label(self) -> str:
        return str(self.OBJECT_TYPES.get(self.object_type, self.object_type))

    def changes_text(self) -> str:
        """The recorded changes as one readable line: ``risk_level: low → high; note: …``."""
        parts = []
        for key, value in self.changes.items():
            if isinstance(value, list) and len(value) == 2:
                parts.append(f"{key}: {value[0] or '-'} → {value[1] or '-'}")
            elif value not in (None, "", [], {}):
                parts.append(f"{key}: {value}")
        return "; ".join(parts)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The audit log is append-only.")
