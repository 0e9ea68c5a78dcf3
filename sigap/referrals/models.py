"""Consent and legal basis for processing a child's data, and hand-offs between organisations
(referrals for a service, transfers of ownership, transfer requests and assignments)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sigap.cases.models import Case, Note
from sigap.identity.models import PARENT_RELATIONSHIPS, FamilyMember, Relationship
from sigap.people.models import Organisation
from sigap.people.roles import CASEWORK_ROLES, Scope
from sigap.plans import catalogue


class Purpose(models.TextChoices):
    """What the data is processed for; a consent or legal basis covers one purpose."""

    CASE_MANAGEMENT = "case_management", _("Pengelolaan kasus")
    REFERRAL_SERVICES = "referral_services", _("Rujukan layanan")
    INFORMATION_SHARING = "information_sharing", _("Berbagi informasi dengan organisasi lain")
    LEGAL_PROCESS = "legal_process", _("Proses hukum")
    FOLLOW_UP_CONTACT = "follow_up_contact", _("Kontak pemantauan")


class Basis(models.TextChoices):
    CONSENT = "consent", _("Persetujuan orang tua/wali/pengasuh atau orang dewasa lain")
    ASSENT = "assent", _("Persetujuan anak (assent)")
    LEGAL_OBLIGATION = "legal_obligation", _("Kewajiban hukum")
    VITAL_INTEREST = "vital_interest", _("Kepentingan vital anak")
    PUBLIC_TASK = "public_task", _("Pelaksanaan tugas pelayanan publik")


# A child's assent is recorded to hear the child, but alone it is not a legal basis for processing:
# it goes together with a parent's consent or another basis.
SUFFICIENT_BASES = (Basis.CONSENT, Basis.LEGAL_OBLIGATION, Basis.VITAL_INTEREST, Basis.PUBLIC_TASK)


class Law(models.TextChoices):
    UU_21_2007 = "uu_21_2007", _("UU 21/2007 tentang Pemberantasan Tindak Pidana Perdagangan Orang (PTPPO)")
    UU_35_2014 = "uu_35_2014", _("UU 35/2014 tentang Perlindungan Anak")
    UU_12_2022 = "uu_12_2022", _("UU 12/2022 tentang Tindak Pidana Kekerasan Seksual (TPKS)")


# HTCDS ``con_Consent`` and the deprecated ``vic_AgreementToManagePersonalData`` are checkboxes: true
# when an active record covers the purpose on a sufficient basis (see :func:`htcds_consent`).
HTCDS_CONSENT_FIELDS = ("con_Consent", "vic_AgreementToManagePersonalData")


def parent_or_guardian_q(prefix: str = "") -> models.Q:
    """Family members who are a parent or guardian (FamilyMember.is_parent_or_guardian) as a filter."""
    return models.Q(**{f"{prefix}relationship__in": [*PARENT_RELATIONSHIPS, Relationship.GUARDIAN]}) | models.Q(
        **{f"{prefix}is_legal_guardian": True}
    )


class ConsentQuerySet(models.QuerySet["Consent"]):
    def visible_to(self, user: Any) -> ConsentQuerySet:
        return self.filter(case__in=Case.objects.visible_to(user))

    def active(self) -> ConsentQuerySet:
        return self.filter(withdrawn_at__isnull=True)

    def usable(self) -> ConsentQuerySet:
        """Active records that may be the basis of processing: not the child's assent alone, not
        given by a family member suspected of involvement, and not a parent's or guardian's consent
        while any parent or guardian of the child is suspected of involvement."""
        suspected_parent = FamilyMember.objects.filter(
            parent_or_guardian_q(), child=models.OuterRef("case__child"), suspected_involvement=True
        )
        return (
            self.active()
            .filter(basis__in=SUFFICIENT_BASES)
            .exclude(given_by_family_member__suspected_involvement=True)
            .exclude(parent_or_guardian_q("given_by_family_member__") & models.Q(models.Exists(suspected_parent)))
        )


class Consent(models.Model):
    """A consent, assent or other legal basis for processing a child's data for one purpose
    (HTCDS ``con_Consent``; formerly ``vic_AgreementToManagePersonalData``)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents", verbose_name=_("kasus"))
    purpose = models.CharField(_("tujuan pemrosesan"), max_length=24, choices=Purpose.choices)
    basis = models.CharField(_("dasar"), max_length=20, choices=Basis.choices)
    law = models.CharField(_("dasar hukum"), max_length=16, choices=Law.choices, blank=True)
    given_by_child = models.BooleanField(_("anak memberikan persetujuan (assent)"), default=False)
    given_by_family_member = models.ForeignKey(
        FamilyMember,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consents",
        verbose_name=_("diberikan oleh anggota keluarga"),
    )
    given_by_name = models.CharField(_("diberikan oleh (nama)"), max_length=120, blank=True)
    given_at = models.DateTimeField(_("waktu diberikan"), default=timezone.now)
    scope = models.TextField(_("cakupan: apa yang boleh dibagikan kepada siapa"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(_("ditarik"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.TextField(_("alasan penarikan"), blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["case", "-given_at", "-pk"]
        verbose_name = _("persetujuan / dasar hukum")
        verbose_name_plural = _("persetujuan / dasar hukum")
        indexes = [
            models.Index(
                fields=["case", "purpose"], condition=models.Q(withdrawn_at__isnull=True), name="consent_active"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(basis="legal_obligation") | ~models.Q(law=""), name="consent_legal_obligation_law"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} · {self.basis_label}"

    @property
    def basis_label(self) -> str:
        if self.basis == Basis.LEGAL_OBLIGATION and self.law:
            return f"{self.get_basis_display()} ({self.get_law_display()})"
        return str(self.get_basis_display())

    @property
    def giver(self) -> str:
        if self.basis == Basis.ASSENT:
            return str(_("Anak"))
        if self.given_by_family_member_id and self.given_by_family_member:
            return str(self.given_by_family_member)
        return self.given_by_name

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None

    def audit_label(self) -> str:
        return f"dasar {self.purpose} {self.case_id}"

    def audit_organisation_id(self) -> int | None:
        return self.case.organisation_id


class HandOffKind(models.TextChoices):
    REFERRAL = "referral", _("Rujukan layanan")
    TRANSFER = "transfer", _("Pengalihan kasus")
    TRANSFER_REQUEST = "transfer_request", _("Permintaan pengalihan kasus")
    ASSIGNMENT = "assignment", _("Penugasan pekerja kasus")


# The purpose a hand-off of each kind needs a basis for.
PURPOSE_OF: dict[str, str] = {
    HandOffKind.REFERRAL: Purpose.REFERRAL_SERVICES,
    HandOffKind.TRANSFER: Purpose.INFORMATION_SHARING,
    HandOffKind.TRANSFER_REQUEST: Purpose.INFORMATION_SHARING,
    HandOffKind.ASSIGNMENT: Purpose.INFORMATION_SHARING,
}


class HandOffStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("Menunggu tanggapan")
    ACCEPTED = "accepted", _("Diterima")
    REJECTED = "rejected", _("Ditolak")
    DONE = "done", _("Selesai")
    REVOKED = "revoked", _("Dibatalkan pengirim")


class ReferralReason(models.TextChoices):
    """HTCDS ``cas_ReasonForOutgoingReferral`` / ``cas_ReasonForIncomingReferral``."""

    ADDITIONAL_SERVICES = "additional_services", _("Membutuhkan layanan tambahan")
    CHANGE_OF_LOCATION = "change_of_location", _("Pindah tempat / perubahan lokasi")
    OTHER = "other", _("Lainnya")


HTCDS_REFERRAL_REASON: dict[str, str] = {
    ReferralReason.ADDITIONAL_SERVICES: "AdditionalServicesRequired",
    ReferralReason.CHANGE_OF_LOCATION: "MigrationOrChangeOfLocation",
    ReferralReason.OTHER: "Other",
}


class HandOffQuerySet(models.QuerySet["HandOff"]):
    def visible_to(self, user: Any) -> HandOffQuerySet:
        """Hand-offs of the cases the user may see, plus those from or to the case workers' and
        supervisors' organisation or to the user: before a hand-off is accepted the receiving side
        sees the hand-off (and what it carries), not the case."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.scope == Scope.NONE:
            return self.none()
        if user.scope == Scope.ALL:
            return self.all()
        q = models.Q(case__in=Case.objects.visible_to(user))
        if user.has_role(*CASEWORK_ROLES):
            q |= models.Q(to_user=user) | models.Q(created_by=user)
            if user.organisation_id is not None and user.scope in (Scope.ORGANISATION, Scope.JURISDICTION):
                q |= models.Q(from_organisation_id=user.organisation_id) | models.Q(
                    to_organisation_id=user.organisation_id
                )
        return self.filter(q)

    def in_progress(self) -> HandOffQuerySet:
        return self.filter(status=HandOffStatus.IN_PROGRESS)


class HandOff(models.Model):
    """A case passed to another organisation or person: a referral for a service, a transfer of
    ownership (or a request for one), or an assignment to a worker. Until accepted the receiving
    side sees only the hand-off; acceptance grants a :class:`~sigap.cases.models.CaseShare` or moves
    the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="handoffs", verbose_name=_("kasus"))
    kind = models.CharField(_("jenis"), max_length=20, choices=HandOffKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=HandOffStatus.choices, default=HandOffStatus.IN_PROGRESS
    )
    from_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="handoffs_sent", verbose_name=_("dari organisasi")
    )
    to_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="handoffs_received", verbose_name=_("ke organisasi")
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handoffs_received",
        verbose_name=_("ke pengguna"),
    )
    service = models.ForeignKey(
        "plans.CaseService",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
        verbose_name=_("layanan"),
    )
    service_type = models.CharField(_("layanan yang diminta"), max_length=40, choices=catalogue.choices, blank=True)
    reason = models.CharField(
        _("alasan"), max_length=24, choices=ReferralReason.choices
    )  # HTCDS cas_ReasonForOutgoingReferral (and, for the receiver, cas_ReasonForIncomingReferral)
    details = models.TextField(_("keterangan"), blank=True)  # HTCDS cas_OutgoingReferralDetails
    consent = models.ForeignKey(
        Consent,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handoffs",
        verbose_name=_("persetujuan / dasar hukum"),
    )
    override = models.BooleanField(_("tanpa persetujuan (pengecualian)"), default=False)
    override_reason = models.TextField(_("alasan pengecualian"), blank=True)
    shared_notes = models.ManyToManyField(
        Note, blank=True, related_name="handoffs", verbose_name=_("catatan yang dibagikan")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="handoffs_sent")
    created_at = models.DateTimeField(_("dikirim"), default=timezone.now)  # HTCDS cas_OutgoingReferralDate
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(_("ditanggapi"), null=True, blank=True)  # HTCDS cas_IncomingReferralDate
    rejection_reason = models.TextField(_("alasan penolakan"), blank=True)
    done_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("dibatalkan"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.TextField(_("alasan pembatalan"), blank=True)

    objects = HandOffQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("rujukan / pengalihan")
        verbose_name_plural = _("rujukan / pengalihan")
        indexes = [
            models.Index(fields=["to_organisation", "status", "created_at"]),
            models.Index(fields=["from_organisation", "status", "created_at"]),
            models.Index(fields=["case", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(override=False) | ~models.Q(override_reason=""), name="handoff_override_reason"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(rejection_reason=""),
                name="handoff_rejection_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.case}"

    @property
    def purpose(self) -> str:
        return PURPOSE_OF[self.kind]

    @property
    def service_name(self) -> str:
        return catalogue.get(self.service_type).name if self.service_type else ""

    @property
    def htcds_reason(self) -> str:
        return HTCDS_REFERRAL_REASON[self.reason]

    @property
    def is_in_progress(self) -> bool:
        return self.status == HandOffStatus.IN_PROGRESS

    @property
    def moves_ownership(self) -> bool:
        return self.kind in (HandOffKind.TRANSFER, HandOffKind.TRANSFER_REQUEST)

    def audit_label(self) -> str:
        return f"{self.kind} {self.case_id}"

    def audit_organisation_id(self) -> int | None:
        return self.case.organisation_id
