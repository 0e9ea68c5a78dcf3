"""The legal process around a case: the police report, the 3 × 24 hours referral to the police
(UU 12/2022 Pasal 41), protection by LPSK, the criminal process, restitution and the alleged
perpetrators (a restricted field group)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sigap.cases.models import Case
from sigap.identity.models import FamilyMember
from sigap.intake.models import Sex
from sigap.people.models import Organisation
from sigap.people.roles import Permission

from .reference import country_choices, stage_choices, stages

POLICE_ORG_TYPE = "uppa"
# Ages of an alleged perpetrator the form accepts (an estimate).
MAX_AGE = 120


def _today() -> Any:
    return timezone.localdate()


class CaseRecordQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> CaseRecordQuerySet:
        """Records of the cases the user may see."""
        return self.filter(case__in=Case.objects.visible_to(user))


class CaseRecord(models.Model):
    """Fields every legal record has: its case, who recorded it and when."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("dicatat"), default=timezone.now)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    objects = CaseRecordQuerySet.as_manager()

    case: Any
    case_id: int
    AUDIT_NAME = "catatan hukum"

    class Meta:
        abstract = True

    def audit_label(self) -> str:
        return f"{self.AUDIT_NAME} {self.case_id}"

    def audit_organisation_id(self) -> int | None:
        return self.case.organisation_id


def _not_future(errors: dict[str, str], **dates: Any) -> None:
    today = _today()
    for name, value in dates.items():
        if value is not None and value > today:
            errors[name] = str(_("Tanggal tidak boleh di masa depan."))


# --- police report -----------------------------------------------------------------------------


class PoliceReportStatus(models.TextChoices):
    FILED = "filed", _("Laporan polisi diterima")
    INQUIRY = "inquiry", _("Penyelidikan")
    INVESTIGATION = "investigation", _("Penyidikan")
    TO_PROSECUTOR = "to_prosecutor", _("Berkas dilimpahkan ke kejaksaan")
    STOPPED = "stopped", _("Penyidikan dihentikan (SP3)")
    WITHDRAWN = "withdrawn", _("Laporan dicabut")


class PoliceReport(CaseRecord):
    """A report (Laporan Polisi, LP) filed with the police about the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="police_reports")
    number = models.CharField(_("nomor laporan polisi (LP)"), max_length=100)
    reported_on = models.DateField(_("tanggal laporan"))
    police_unit = models.CharField(_("kesatuan/unit kepolisian"), max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"type": POLICE_ORG_TYPE},
        verbose_name=_("Unit PPA di Sigap"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=PoliceReportStatus.choices, default=PoliceReportStatus.FILED
    )
    notes = models.TextField(_("catatan"), blank=True)

    AUDIT_NAME = "laporan polisi"

    class Meta:
        ordering = ["reported_on", "id"]
        verbose_name = _("laporan polisi")
        verbose_name_plural = _("laporan polisi")

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        errors: dict[str, str] = {}
        _not_future(errors, reported_on=self.reported_on)
        if self.organisation_id and self.organisation and self.organisation.type != POLICE_ORG_TYPE:
            errors["organisation"] = str(_("Pilih Unit PPA kepolisian."))
        if errors:
            raise ValidationError(errors)


class PoliceReferral(CaseRecord):
    """The service passing the victim's report to the police. UU 12/2022 (TPKS) Pasal 41: within
    3 × 24 hours of the victim reporting to the service (``victim_reported_at``, the clock start)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="police_referrals")
    victim_reported_at = models.DateTimeField(_("korban melapor ke layanan"))
    referred_at = models.DateTimeField(_("diteruskan ke kepolisian"))
    due_at = models.DateTimeField(_("batas waktu (3 × 24 jam)"))
    within_deadline = models.BooleanField(_("tepat waktu"))
    to_unit = models.CharField(_("kesatuan/unit kepolisian tujuan"), max_length=200, blank=True)
    to_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"type": POLICE_ORG_TYPE},
        verbose_name=_("Unit PPA di Sigap"),
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("diteruskan oleh")
    )
    notes = models.TextField(_("catatan"), blank=True)

    AUDIT_NAME = "penerusan ke polisi"

    class Meta:
        ordering = ["referred_at", "id"]
        verbose_name = _("penerusan laporan ke kepolisian")
        verbose_name_plural = _("penerusan laporan ke kepolisian")

    @property
    def unit_name(self) -> str:
        return self.to_unit or (self.to_organisation.name if self.to_organisation else "")


# --- LPSK --------------------------------------------------------------------------------------


class ProtectionType(models.TextChoices):
    PHYSICAL = "physical", _("Perlindungan fisik")
    PROCEDURAL = "procedural", _("Pemenuhan hak prosedural")
    MEDICAL_PSYCHOSOCIAL = "medical_psychosocial", _("Bantuan medis dan rehabilitasi psikososial/psikologis")
    RESTITUTION = "restitution", _("Fasilitasi restitusi")


class LpskStatus(models.TextChoices):
    REQUESTED = "requested", _("Diajukan")
    GRANTED = "granted", _("Diterima")
    REJECTED = "rejected", _("Ditolak")
    WITHDRAWN = "withdrawn", _("Ditarik")


class LpskRequest(CaseRecord):
    """An application for protection to LPSK (Lembaga Perlindungan Saksi dan Korban)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="lpsk_requests")
    requested_on = models.DateField(_("tanggal permohonan"))
    protection_types = models.JSONField(_("jenis perlindungan"), default=list)
    status = models.CharField(_("status"), max_length=16, choices=LpskStatus.choices, default=LpskStatus.REQUESTED)
    decided_on = models.DateField(_("tanggal keputusan"), null=True, blank=True)
    notes = models.TextField(_("catatan"), blank=True)

    AUDIT_NAME = "permohonan LPSK"

    class Meta:
        ordering = ["requested_on", "id"]
        verbose_name = _("permohonan perlindungan LPSK")
        verbose_name_plural = _("permohonan perlindungan LPSK")

    def protection_labels(self) -> list[str]:
        labels = dict(ProtectionType.choices)
        return [str(labels.get(t, t)) for t in self.protection_types]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        types = self.protection_types
        if not isinstance(types, list) or not types:
            errors["protection_types"] = str(_("Pilih paling sedikit satu jenis perlindungan."))
        elif not set(types) <= set(ProtectionType.values) or len(set(types)) != len(types):
            errors["protection_types"] = str(_("Jenis perlindungan tidak dikenal."))
        _not_future(errors, requested_on=self.requested_on, decided_on=self.decided_on)
        if self.status in (LpskStatus.GRANTED, LpskStatus.REJECTED) and self.decided_on is None:
            errors.setdefault("decided_on", str(_("Isi tanggal keputusan LPSK.")))
        if self.decided_on and self.requested_on and self.decided_on < self.requested_on:
            errors.setdefault("decided_on", str(_("Tanggal keputusan tidak boleh sebelum tanggal permohonan.")))
        if errors:
            raise ValidationError(errors)


# --- prosecution ------------------------------------------------------------------------------


class ProsecutionEvent(CaseRecord):
    """A step of the criminal process; the stages are in ``data/prosecution_stages.json``."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="prosecution_events")
    stage = models.CharField(_("tahap"), max_length=32, choices=stage_choices)
    occurred_on = models.DateField(_("tanggal"))
    reference_number = models.CharField(_("nomor perkara/register"), max_length=100, blank=True)
    notes = models.TextField(_("catatan"), blank=True)

    AUDIT_NAME = "proses peradilan"

    class Meta:
        ordering = ["occurred_on", "id"]
        verbose_name = _("tahap proses peradilan")
        verbose_name_plural = _("tahap proses peradilan")

    @property
    def stage_name(self) -> str:
        stage = stages().get(self.stage)
        return stage.name if stage else self.stage

    def clean(self) -> None:
        errors: dict[str, str] = {}
        _not_future(errors, occurred_on=self.occurred_on)
        if errors:
            raise ValidationError(errors)


# --- restitution ------------------------------------------------------------------------------


class RestitutionStatus(models.TextChoices):
    CLAIMED = "claimed", _("Diajukan")
    ORDERED = "ordered", _("Ditetapkan/diputus")
    PARTLY_PAID = "partly_paid", _("Dibayar sebagian")
    PAID = "paid", _("Dibayar lunas")
    NOT_PAID = "not_paid", _("Tidak dibayar")


def _amount(label: Any) -> Any:
    return models.DecimalField(
        label, max_digits=15, decimal_places=0, null=True, blank=True, validators=[MinValueValidator(Decimal(0))]
    )


class Restitution(CaseRecord):
    """Restitution to the child (UU 21/2007 Pasal 48–50; PP 43/2017): claimed, ordered by the court
    and paid, in rupiah."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="restitutions")
    claimed_amount = _amount(_("jumlah diajukan (Rp)"))
    claimed_on = models.DateField(_("tanggal pengajuan"), null=True, blank=True)
    ordered_amount = _amount(_("jumlah ditetapkan pengadilan (Rp)"))
    ordered_on = models.DateField(_("tanggal putusan/penetapan"), null=True, blank=True)
    paid_amount = _amount(_("jumlah dibayar (Rp)"))
    paid_on = models.DateField(_("tanggal pembayaran"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=RestitutionStatus.choices, default=RestitutionStatus.CLAIMED
    )
    notes = models.TextField(_("catatan"), blank=True)

    AUDIT_NAME = "restitusi"

    class Meta:
        ordering = ["claimed_on", "id"]
        verbose_name = _("restitusi")
        verbose_name_plural = _("restitusi")

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for name in ("claimed_amount", "ordered_amount", "paid_amount"):
            value = getattr(self, name)
            if value is not None and value < 0:
                errors[name] = str(_("Jumlah tidak boleh negatif."))
        _not_future(errors, claimed_on=self.claimed_on, ordered_on=self.ordered_on, paid_on=self.paid_on)
        if (
            "paid_amount" not in errors
            and self.paid_amount is not None
            and self.ordered_amount is not None
            and self.paid_amount > self.ordered_amount
        ):
            errors["paid_amount"] = str(_("Jumlah dibayar tidak boleh melebihi jumlah yang ditetapkan pengadilan."))
        S = RestitutionStatus
        if self.status == S.CLAIMED and self.claimed_amount is None:
            errors.setdefault("claimed_amount", str(_("Isi jumlah restitusi yang diajukan.")))
        if self.status in (S.ORDERED, S.PARTLY_PAID, S.PAID, S.NOT_PAID) and self.ordered_amount is None:
            errors.setdefault("ordered_amount", str(_("Isi jumlah restitusi yang ditetapkan pengadilan.")))
        if self.status in (S.PARTLY_PAID, S.PAID) and not self.paid_amount:
            errors.setdefault("paid_amount", str(_("Isi jumlah yang sudah dibayar.")))
        if (
            self.status == S.PARTLY_PAID
            and self.paid_amount is not None
            and self.ordered_amount is not None
            and self.paid_amount >= self.ordered_amount
        ):
            errors.setdefault("status", str(_("Jumlah dibayar sudah sama dengan yang ditetapkan: pilih status lunas.")))
        if errors:
            raise ValidationError(errors)


# --- alleged perpetrators (restricted) ----------------------------------------------------------


class RelationshipToChild(models.TextChoices):
    """HTCDS ``vic_RelationshipToTrafficker``: the codes are the standard's picklist values (its
    spelling "Unaquainted" included), so the export is a copy."""

    FAMILIAL = "Familial", _("Keluarga")
    ACQUAINTED = "Acquainted", _("Kenalan")
    UNACQUAINTED = "Unaquainted", _("Tidak dikenal")


class PerpetratorRole(models.TextChoices):
    """A subset of HTCDS ``per_RoleInProcess`` (multiselect); the codes are the standard's values.
    "Exploiter" also covers the person who bought or received the child."""

    RECRUITER_OR_INTERMEDIARY = "RecruiterOrIntermediary", _("Perekrut atau perantara")
    TRANSPORTER = "Transporter", _("Pengangkut/pengantar")
    EXPLOITER = "Exploiter", _("Pengeksploitasi (termasuk pembeli atau penerima)")
    OTHER = "Other", _("Lainnya")


# Our sex codes → HTCDS prs_Gender.
HTCDS_SEX: dict[str, str] = {Sex.MALE: "Masculine", Sex.FEMALE: "Feminine", Sex.UNKNOWN: "NonSpecifiedUnknown"}


class AllegedPerpetratorQuerySet(models.QuerySet["AllegedPerpetrator"]):
    def visible_to(self, user: Any) -> AllegedPerpetratorQuerySet:
        """A restricted field group: perpetrators of the cases the user may see, and only for people
        who hold the read-perpetrators permission (supervisors; others by an administrator's grant)."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.can(Permission.READ_PERPETRATORS):
            return self.none()
        return self.filter(case__in=Case.objects.visible_to(user))


class AllegedPerpetrator(CaseRecord):
    """A person alleged to have taken part in the child's exploitation (HTCDS ``per_``). Read only
    through :meth:`AllegedPerpetratorQuerySet.visible_to`; every read is audited."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="alleged_perpetrators")
    name = models.CharField(_("nama atau alias"), max_length=120)  # HTCDS prs_FirstName / alias
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)  # prs_Gender
    estimated_age = models.PositiveSmallIntegerField(
        _("perkiraan usia"), null=True, blank=True, validators=[MaxValueValidator(MAX_AGE)]
    )
    nationality = models.CharField(
        _("kewarganegaraan"), max_length=2, choices=country_choices, blank=True
    )  # HTCDS prs_Citizenship (ISO 3166 alpha-2)
    relationship_to_child = models.CharField(
        _("hubungan dengan anak"), max_length=16, choices=RelationshipToChild.choices, blank=True
    )  # HTCDS vic_RelationshipToTrafficker
    roles = models.JSONField(_("peran dalam proses"), default=list, blank=True)  # HTCDS per_RoleInProcess
    family_member = models.ForeignKey(
        FamilyMember,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("anggota keluarga anak"),
    )
    notes = models.TextField(_("catatan"), blank=True)  # HTCDS per_RoleDetails

    objects = AllegedPerpetratorQuerySet.as_manager()  # type: ignore[assignment,misc]

    AUDIT_NAME = "terduga pelaku"

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("terduga pelaku")
        verbose_name_plural = _("terduga pelaku")

    def __str__(self) -> str:
        return self.audit_label()

    def role_labels(self) -> list[str]:
        labels = dict(PerpetratorRole.choices)
        return [str(labels.get(r, r)) for r in self.roles]

    @property
    def htcds_gender(self) -> str:
        return HTCDS_SEX.get(self.sex, "NonSpecifiedUnknown")

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not (self.name or "").strip():
            errors["name"] = str(_("Isi nama atau alias terduga pelaku."))
        roles = self.roles
        if not isinstance(roles, list) or not set(roles) <= set(PerpetratorRole.values):
            errors["roles"] = str(_("Peran tidak dikenal."))
        if self.family_member_id and self.relationship_to_child not in ("", RelationshipToChild.FAMILIAL):
            errors["relationship_to_child"] = str(_("Anggota keluarga anak berhubungan keluarga dengan anak."))
        if errors:
            raise ValidationError(errors)
