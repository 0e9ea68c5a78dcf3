"""Assessments of a case: the biopsychosocial assessment a supervisor approves, best-interests
assessments (BIA) and determinations (BID), and the identification decision (HTCDS ``vic_``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sigap.cases.models import Case
from sigap.intake.models import RiskLevel


class ConcernLevel(models.TextChoices):
    NONE = "none", _("Tidak ada")
    LOW = "low", _("Rendah")
    MEDIUM = "medium", _("Sedang")
    HIGH = "high", _("Tinggi")


class AssessmentKind(models.TextChoices):
    INITIAL = "initial", _("Asesmen awal")
    REVIEW = "review", _("Asesmen ulang")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    SUBMITTED = "submitted", _("Diajukan")
    APPROVED = "approved", _("Disetujui")
    REJECTED = "rejected", _("Ditolak")


OPEN_ASSESSMENT_STATUSES = (AssessmentStatus.DRAFT, AssessmentStatus.SUBMITTED)

# The domains of the biopsychosocial assessment: (text field, concern-level field, label).
DOMAINS: tuple[tuple[str, str, Any], ...] = (
    ("safety", "safety_concern", _("Keselamatan")),
    ("health", "health_concern", _("Kesehatan")),
    ("mental_health", "mental_health_concern", _("Kesehatan jiwa")),
    ("education", "education_concern", _("Pendidikan")),
    ("family", "family_concern", _("Keluarga dan pengasuh")),
    ("economic", "economic_concern", _("Situasi ekonomi")),
)


class CaseRecordQuerySet(models.QuerySet[Any]):
    """Records of the cases the user may see (and nothing else)."""

    def visible_to(self, user: Any) -> Any:
        return self.filter(case__in=Case.objects.visible_to(user))


class Assessment(models.Model):
    """The biopsychosocial assessment of the child and family, approved by a supervisor. Screening
    instruments are recorded as scores only (``mental_health_scores``); their items are licensed
    and never stored."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(_("jenis"), max_length=8, choices=AssessmentKind.choices, default=AssessmentKind.INITIAL)
    status = models.CharField(
        _("status"), max_length=16, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    safety = models.TextField(_("keselamatan"), blank=True)
    safety_concern = models.CharField(
        _("kekhawatiran keselamatan"), max_length=8, choices=ConcernLevel.choices, blank=True
    )
    health = models.TextField(_("kesehatan"), blank=True)
    health_concern = models.CharField(
        _("kekhawatiran kesehatan"), max_length=8, choices=ConcernLevel.choices, blank=True
    )
    mental_health = models.TextField(_("kesehatan jiwa"), blank=True)
    mental_health_concern = models.CharField(
        _("kekhawatiran kesehatan jiwa"), max_length=8, choices=ConcernLevel.choices, blank=True
    )
    education = models.TextField(_("pendidikan"), blank=True)
    education_concern = models.CharField(
        _("kekhawatiran pendidikan"), max_length=8, choices=ConcernLevel.choices, blank=True
    )
    family = models.TextField(_("keluarga dan pengasuh"), blank=True)
    family_concern = models.CharField(
        _("kekhawatiran keluarga dan pengasuh"), max_length=8, choices=ConcernLevel.choices, blank=True
    )
    economic = models.TextField(_("situasi ekonomi"), blank=True)
    economic_concern = models.CharField(
        _("kekhawatiran situasi ekonomi"), max_length=8, choices=ConcernLevel.choices, blank=True
    )
    # {instrument code (data/mental_health_instruments.json): score}; results only, never items.
    mental_health_scores = models.JSONField(_("skor skrining kesehatan jiwa"), default=dict, blank=True)
    child_views = models.TextField(_("pandangan anak sendiri"), blank=True)
    recommended_risk = models.CharField(
        _("rekomendasi tingkat risiko"), max_length=8, choices=RiskLevel.choices, blank=True
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    updated_at = models.DateTimeField(_("diubah"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("diajukan"), null=True, blank=True)
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)
    decision_comment = models.TextField(_("catatan keputusan"), blank=True)

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("asesmen")
        verbose_name_plural = _("asesmen")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status__in=["draft", "submitted"]),
                name="assessment_one_open_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.case}"

    def audit_label(self) -> str:
        return f"asesmen {self.case_id}"

    def audit_organisation_id(self) -> int | None:
        return self.case.organisation_id

    @property
    def is_editable(self) -> bool:
        return self.status in (AssessmentStatus.DRAFT, AssessmentStatus.REJECTED)

    def domains(self) -> list[dict[str, Any]]:
        return [
            {
                "key": text,
                "label": label,
                "text": getattr(self, text),
                "concern": getattr(self, concern),
                "concern_label": getattr(self, f"get_{concern}_display")(),
            }
            for text, concern, label in DOMAINS
        ]

    def missing(self) -> list[str]:
        """What must still be filled in before the assessment can be submitted (labels)."""
        out = [str(label) for text, _c, label in DOMAINS if not getattr(self, text).strip()]
        if not self.child_views.strip():
            out.append(str(_("Pandangan anak sendiri")))
        if not self.recommended_risk:
            out.append(str(_("Rekomendasi tingkat risiko")))
        return out

    @property
    def is_complete(self) -> bool:
        return not self.missing()

    def scores(self) -> list[tuple[Any, Any]]:
        """(instrument, score) pairs for display, in the data file's order."""
        from .reference import instruments

        known = instruments()
        return [(known[c], self.mental_health_scores[c]) for c in known if c in self.mental_health_scores]


class BestInterestsAssessment(models.Model):
    """A best-interests assessment (BIA): a lighter, recurring look at what is best for the child."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="best_interests_assessments")
    assessed_on = models.DateField(_("tanggal"))
    participants = models.CharField(_("dilakukan oleh / yang terlibat"), max_length=500)
    summary = models.TextField(_("ringkasan situasi anak"))
    child_views = models.TextField(_("pandangan anak"))
    recommendation = models.TextField(_("rekomendasi"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("asesmen kepentingan terbaik (BIA)")
        verbose_name_plural = _("asesmen kepentingan terbaik (BIA)")

    def __str__(self) -> str:
        return f"BIA {self.case} {self.assessed_on}"

    def audit_label(self) -> str:
        return f"BIA {self.case_id}"

    def audit_organisation_id(self) -> int | None:
        return self.case.organisation_id


class CareOption(models.TextChoices):
    RETURN_TO_FAMILY = "return_to_family", _("Kembali ke keluarga")
    KINSHIP_CARE = "kinship_care", _("Pengasuhan oleh kerabat")
    FOSTER_CARE = "foster_care", _("Keluarga asuh")
    RESIDENTIAL_CARE = "residential_care", _("Pengasuhan di lembaga (LKSA)")
    INDEPENDENT_LIVING = "independent_living", _("Hidup mandiri dengan dukungan")
    OTHER = "other", _("Lainnya")


class BestInterestsDetermination(models.Model):
    """A best-interests determination (BID): a formal decision by a panel on the child's care after
    weighing at least two options and the child's views. A new determination supersedes the
    previous one; the history is kept.

    ``panel`` = [{"name", "role"}] (at least three members); ``options`` = [{"option", "notes"}]
    (at least two distinct :class:`CareOption` codes); ``decision`` is one of the options."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="best_interests_determinations")
    panel = models.JSONField(_("anggota panel"), default=list)
    options = models.JSONField(_("pilihan yang dipertimbangkan"), default=list)
    child_views = models.TextField(_("pandangan anak"))
    decision = models.CharField(_("keputusan"), max_length=20, choices=CareOption.choices)
    reasons = models.TextField(_("alasan keputusan"))
    decided_on = models.DateField(_("tanggal keputusan"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    superseded_at = models.DateTimeField(_("digantikan"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supersedes"
    )

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("penentuan kepentingan terbaik (BID)")
        verbose_name_plural = _("penentuan kepentingan terbaik (BID)")
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(superseded_at__isnull=True), name="bid_one_current_per_case"
            )
        ]

    def __str__(self) -> str:
        return f"BID {self.case} {self.decided_on}"

    def audit_label(self) -> str:
        return f"BID {self.case_id}"

    def audit_organisation_id(self) -> int | None:
        return self.case.organisation_id

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    def option_rows(self) -> list[dict[str, str]]:
        labels = dict(CareOption.choices)
        return [
            {"option": o["option"], "label": str(labels.get(o["option"], o["option"])), "notes": o.get("notes", "")}
            for o in self.options
        ]


# --- identification (HTCDS vic_) ------------------------------------------------------------


class IdentificationStatus(models.TextChoices):
    """HTCDS ``vic_TraffickingStatus`` (see :data:`HTCDS_TRAFFICKING_STATUS`). "Potential" never
    labels a child a victim: the pages say "korban potensial"."""

    POTENTIAL = "potential", _("Korban potensial")
    IDENTIFIED = "identified", _("Teridentifikasi sebagai korban")
    NOT_IDENTIFIED = "not_identified", _("Tidak teridentifikasi sebagai korban")


HTCDS_TRAFFICKING_STATUS: dict[str, str] = {
    IdentificationStatus.POTENTIAL: "PossibleVictimOfTrafficking",
    IdentificationStatus.IDENTIFIED: "ActualVictimOfTrafficking",
    IdentificationStatus.NOT_IDENTIFIED: "NotAVictimOfTrafficking",
}


class ExploitationForm(models.TextChoices):
    TRAFFICKING = "trafficking", _("Perdagangan anak (TPPO)")
    COMMERCIAL_SEXUAL_EXPLOITATION = "commercial_sexual_exploitation", _("Eksploitasi seksual komersial anak")
    WORST_FORMS_CHILD_LABOUR = "worst_forms_child_labour", _("Bentuk-bentuk pekerjaan terburuk untuk anak")
    FORCED_LABOUR_CHILDREN = "forced_labour_children", _("Kerja paksa anak")
    OTHER_EXPLOITATION = "other_exploitation", _("Eksploitasi lainnya")


# HTCDS vic_TypeOfExploitation for each form (trafficking is the process: its purposes say the type).
HTCDS_FORM_EXPLOITATION: dict[str, str | None] = {
    ExploitationForm.TRAFFICKING: None,
    ExploitationForm.COMMERCIAL_SEXUAL_EXPLOITATION: "SexualExploitation",
    ExploitationForm.WORST_FORMS_CHILD_LABOUR: "ChildLabour",
    ExploitationForm.FORCED_LABOUR_CHILDREN: "ForcedLabour",
    ExploitationForm.OTHER_EXPLOITATION: "Other",
}


class TraffickingAct(models.TextChoices):
    RECRUITMENT = "recruitment", _("Perekrutan")
    TRANSPORTATION = "transportation", _("Pengangkutan")
    TRANSFER = "transfer", _("Pemindahan")
    HARBOURING = "harbouring", _("Penampungan")
    RECEIPT = "receipt", _("Penerimaan")


class TraffickingMeans(models.TextChoices):
    """Recorded when known; not needed to identify a child (Palermo Protocol art. 3(c))."""

    THREAT = "threat", _("Ancaman")
    FORCE = "force", _("Kekerasan")
    COERCION = "coercion", _("Pemaksaan")
    ABDUCTION = "abduction", _("Penculikan")
    FRAUD = "fraud", _("Pemalsuan")
    DECEPTION = "deception", _("Penipuan")
    ABUSE_OF_POWER = "abuse_of_power", _("Penyalahgunaan kekuasaan")
    ABUSE_OF_VULNERABILITY = "abuse_of_vulnerability", _("Penyalahgunaan posisi rentan")
    DEBT_BONDAGE = "debt_bondage", _("Jeratan utang")
    GIVING_PAYMENTS = "giving_payments", _("Memberi bayaran atau manfaat")


class ExploitationPurpose(models.TextChoices):
    """Purposes of trafficking: the HTCDS ``vic_TypeOfExploitation`` picklist (see
    :data:`HTCDS_PURPOSE`)."""

    FORCED_LABOUR = "forced_labour", _("Kerja paksa")
    SEXUAL_EXPLOITATION = "sexual_exploitation", _("Eksploitasi seksual")
    CHILD_LABOUR = "child_labour", _("Pekerja anak")
    FORCED_MARRIAGE = "forced_marriage", _("Perkawinan paksa")
    SERVITUDE = "servitude", _("Perbudakan / penghambaan")
    FORCED_MILITARY = "forced_military", _("Perekrutan oleh kelompok bersenjata")
    ORGAN_REMOVAL = "organ_removal", _("Pengambilan organ")
    FORCED_BEGGING = "forced_begging", _("Mengemis paksa")
    FORCED_ADOPTION = "forced_adoption", _("Adopsi ilegal / paksa")
    SURROGACY = "surrogacy", _("Ibu pengganti paksa")
    OTHER = "other", _("Lainnya")


HTCDS_PURPOSE: dict[str, str] = {
    ExploitationPurpose.FORCED_LABOUR: "ForcedLabour",
    ExploitationPurpose.SEXUAL_EXPLOITATION: "SexualExploitation",
    ExploitationPurpose.CHILD_LABOUR: "ChildLabour",
    ExploitationPurpose.FORCED_MARRIAGE: "ForcedMarriage",
    ExploitationPurpose.SERVITUDE: "Servitude",
    ExploitationPurpose.FORCED_MILITARY: "ForcedMilitaryByNonStateActors",
    ExploitationPurpose.ORGAN_REMOVAL: "OrganRemoval",
    ExploitationPurpose.FORCED_BEGGING: "ForcedBegging",
    ExploitationPurpose.FORCED_ADOPTION: "ForcedAdoption",
    ExploitationPurpose.SURROGACY: "Surrogacy",
    ExploitationPurpose.OTHER: "Other",
}


class DecisionOrgType(models.TextChoices):
    """HTCDS ``vic_TraffickingStatusDecisionMakingOrg`` (see :data:`HTCDS_DECISION_ORG`)."""

    POLICE = "police", _("Kepolisian")
    NGO = "ngo", _("Lembaga masyarakat (LSM)")
    COURT_OR_PROSECUTION = "court_or_prosecution", _("Pengadilan atau kejaksaan")
    GOVERNMENT = "government", _("Instansi pemerintah non-kepolisian (mis. UPTD PPA, Dinas Sosial)")
    OTHER = "other", _("Lainnya")


HTCDS_DECISION_ORG: dict[str, str] = {
    DecisionOrgType.POLICE: "Police",
    DecisionOrgType.NGO: "NGO",
    DecisionOrgType.COURT_OR_PROSECUTION: "CourtOrProsecution",
    DecisionOrgType.GOVERNMENT: "NonPoliceGovernmentalOrganization",
    DecisionOrgType.OTHER: "Other",
}


class Identification(models.Model):
    """The decision whether the child is a victim of exploitation, and of which forms. Decisions
    are versioned: a new one supersedes the current one, and every version is kept."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="identifications")
    version = models.PositiveIntegerField(_("versi"), default=1)
    # HTCDS vic_TraffickingStatus
    status = models.CharField(_("keputusan"), max_length=16, choices=IdentificationStatus.choices)
    # ExploitationForm codes; with the purposes they give HTCDS vic_TypeOfExploitation.
    forms = models.JSONField(_("bentuk eksploitasi"), default=list, blank=True)
    acts = models.JSONField(_("perbuatan"), default=list, blank=True)  # TraffickingAct codes
    means = models.JSONField(_("cara"), default=list, blank=True)  # TraffickingMeans codes (optional for children)
    purposes = models.JSONField(_("tujuan eksploitasi"), default=list, blank=True)  # ExploitationPurpose codes
    # Codes of data/ilo_forced_labour_indicators.json found (forced labour of children).
    ilo_indicators = models.JSONField(_("indikator kerja paksa ILO"), default=list, blank=True)
    other_description = models.TextField(_("uraian eksploitasi lainnya"), blank=True)
    evidence_notes = models.TextField(_("catatan dasar keputusan"))
    # HTCDS vic_TraffickingStatusDecisionMakingOrg
    decision_org_type = models.CharField(
        _("jenis lembaga yang memutuskan"), max_length=24, choices=DecisionOrgType.choices
    )
    decided_by = models.CharField(_("diputuskan oleh"), max_length=200)
    decided_on = models.DateField(_("tanggal keputusan"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    superseded_at = models.DateTimeField(_("digantikan"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supersedes"
    )

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        ordering = ["case", "-version"]
        verbose_name = _("keputusan identifikasi")
        verbose_name_plural = _("keputusan identifikasi")
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="identification_version_unique"),
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(superseded_at__isnull=True),
                name="identification_one_current_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} v{self.version}"

    def audit_label(self) -> str:
        return f"identifikasi {self.case_id} v{self.version}"

    def audit_organisation_id(self) -> int | None:
        return self.case.organisation_id

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    @property
    def htcds_trafficking_status(self) -> str:
        return HTCDS_TRAFFICKING_STATUS[self.status]

    @property
    def htcds_decision_org(self) -> str:
        return HTCDS_DECISION_ORG[self.decision_org_type]

    @property
    def htcds_types_of_exploitation(self) -> list[str]:
        found = [HTCDS_FORM_EXPLOITATION.get(f) for f in self.forms] + [HTCDS_PURPOSE.get(p) for p in self.purposes]
        return sorted({t for t in found if t})

    def labels(self, field: str) -> list[str]:
        """Display labels of a multi-choice field (forms, acts, means, purposes, ilo_indicators)."""
        from .reference import ilo_indicators

        if field == "ilo_indicators":
            known = ilo_indicators()
            return [known[c].name if c in known else c for c in self.ilo_indicators]
        choices = {
            "forms": ExploitationForm,
            "acts": TraffickingAct,
            "means": TraffickingMeans,
            "purposes": ExploitationPurpose,
        }[field]
        names = dict(choices.choices)
        return [str(names.get(c, c)) for c in getattr(self, field)]

    @property
    def form_labels(self) -> list[str]:
        return self.labels("forms")

    @property
    def act_labels(self) -> list[str]:
        return self.labels("acts")

    @property
    def means_labels(self) -> list[str]:
        return self.labels("means")

    @property
    def purpose_labels(self) -> list[str]:
        return self.labels("purposes")

    @property
    def indicator_labels(self) -> list[str]:
        return self.labels("ilo_indicators")
