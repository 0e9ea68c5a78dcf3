"""Cases: a child's protection work, owned by one organisation and one worker."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sigap.identity.models import Child
from sigap.intake.models import Report, RiskLevel
from sigap.people.access import ScopeFields, scope_filter
from sigap.people.models import Organisation
from sigap.people.roles import Scope
from sigap.regions.models import Placed


class CaseStatus(models.TextChoices):
    """The workflow stages, in order. HTCDS ``cas_Status`` is a mapping: every open stage before
    follow-up is Active, follow-up is FollowUp, closed is Closed (ClosedReferred when transferred)."""

    REGISTERED = "registered", _("Terdaftar")
    ASSESSMENT = "assessment", _("Asesmen")
    IDENTIFICATION = "identification", _("Identifikasi")
    CASE_PLAN = "case_plan", _("Rencana kasus")
    IMPLEMENTATION = "implementation", _("Pelaksanaan layanan")
    FOLLOW_UP = "follow_up", _("Pemantauan & tinjauan")
    CLOSURE_PROPOSED = "closure_proposed", _("Usul penutupan")
    CLOSED = "closed", _("Ditutup")


OPEN_STATUSES = tuple(s for s in CaseStatus.values if s != CaseStatus.CLOSED)


class ClosureReason(models.TextChoices):
    GOALS_MET = "goals_met", _("Tujuan rencana kasus tercapai")
    TRANSFERRED = "transferred", _("Dialihkan ke organisasi lain")
    MOVED_AWAY = "moved_away", _("Anak pindah domisili")
    AGED_OUT = "aged_out", _("Anak telah dewasa (18 tahun)")
    DIED = "died", _("Anak meninggal dunia")
    LOST_CONTACT = "lost_contact", _("Kehilangan kontak")
    OTHER = "other", _("Lainnya")


class CaseQuerySet(models.QuerySet["Case"]):
    # A community reporter (identified scope) never sees a case: the case file is not theirs.
    SCOPE = ScopeFields(organisation="organisation", own=("worker",), identified=())

    def visible_to(self, user: Any) -> CaseQuerySet:
        """Cases the user's scope covers, plus cases shared with the user's organisation (or, for the
        own scope, with the user) by an accepted hand-off that has not ended."""
        q = scope_filter(user, self.SCOPE)
        shared = _shared_with(user)
        if q is None:
            return self.filter(shared) if shared is not None else self.none()
        if q == models.Q():
            return self.all()
        return self.filter(q | shared) if shared is not None else self.filter(q)

    def open(self) -> CaseQuerySet:
        # A list of the open stages (not "not closed"): the database can then walk the
        # (organisation, status, opened_at) index for each.
        return self.filter(status__in=OPEN_STATUSES)


class PkInSubquery(models.Expression):
    """``pk IN (subquery)``; on PostgreSQL ``pk = ANY(ARRAY(subquery))``.

    ORed with the owner and worker conditions, both forms let the database combine index lookups
    (SQLite's multi-index OR, PostgreSQL's bitmap OR), so a list costs what the organisation's own
    cases cost. A correlated ``EXISTS`` (or, on PostgreSQL, ``IN``) there is a filter that must be
    tried on every row: counting an organisation's cases read half the table."""

    conditional = True
    output_field = models.BooleanField()

    def __init__(self, queryset: models.QuerySet[Any]) -> None:
        super().__init__()
        self.lhs: Any = models.F("pk")
        self.subquery: Any = models.Subquery(queryset)

    def get_source_expressions(self) -> list[Any]:
        return [self.lhs, self.subquery]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.lhs, self.subquery = exprs

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = compiler.compile(self.lhs)
        sub, sub_params = compiler.compile(self.subquery)
        return f"{lhs} IN {sub}", (*lhs_params, *sub_params)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = compiler.compile(self.lhs)
        sub, sub_params = compiler.compile(self.subquery)
        return f"{lhs} = ANY(ARRAY{sub})", (*lhs_params, *sub_params)


def _shared_with(user: Any) -> models.Q | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    scope = user.scope
    if scope in (Scope.NONE, Scope.IDENTIFIED, Scope.ALL):
        return None
    active = CaseShare.objects.filter(ended_at__isnull=True)
    if scope == Scope.OWN or user.organisation_id is None:
        active = active.filter(user=user)
    else:
        active = active.filter(organisation_id=user.organisation_id)
    return models.Q(PkInSubquery(active.values("case_id")))


class Case(Placed):
    number = models.CharField(_("nomor kasus"), max_length=20, unique=True, null=True, blank=True)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cases", verbose_name=_("anak"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cases", verbose_name=_("organisasi pemilik")
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("pekerja kasus"),
    )
    risk_level = models.CharField(_("tingkat risiko"), max_length=8, choices=RiskLevel.choices)
    status = models.CharField(_("tahap"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.REGISTERED)
    status_changed_at = models.DateTimeField(_("tahap berubah"), default=timezone.now)
    opened_at = models.DateTimeField(_("dibuka"), default=timezone.now, db_index=True)
    first_contact_at = models.DateTimeField(_("kontak pertama dengan anak"), null=True, blank=True)
    closed_at = models.DateTimeField(_("ditutup"), null=True, blank=True)
    closure_reason = models.CharField(
        _("alasan penutupan"), max_length=16, choices=ClosureReason.choices, blank=True
    )  # HTCDS cas_ReasonForCaseClosure
    closure_note = models.TextField(_("catatan penutupan"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reports = models.ManyToManyField(Report, through="CaseReport", related_name="cases", verbose_name=_("laporan"))

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("kasus")
        verbose_name_plural = _("kasus")
        indexes = [
            models.Index(fields=["organisation", "status", "opened_at"]),
            models.Index(fields=["organisation", "opened_at"]),
            models.Index(fields=["worker", "opened_at"]),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    def audit_label(self) -> str:
        return str(self)

    def audit_organisation_id(self) -> int | None:
        return self.organisation_id

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED

    @property
    def htcds_status(self) -> str:
        if self.status == CaseStatus.CLOSED:
            return "ClosedReferred" if self.closure_reason == ClosureReason.TRANSFERRED else "Closed"
        return "FollowUp" if self.status == CaseStatus.FOLLOW_UP else "Active"


class CaseReport(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="report_links")
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="case_links")
    linked_at = models.DateTimeField(default=timezone.now)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "report"], name="case_report_unique")]


class CaseShare(models.Model):
    """Access to a case granted to another organisation (or one person) by an accepted hand-off. Until
    a hand-off is accepted there is no share: the receiving side sees only what the hand-off shows."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="case_shares")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="case_shares"
    )
    reason = models.CharField(_("alasan"), max_length=32)  # e.g. "referral"
    source_id = models.BigIntegerField(null=True, blank=True)  # the hand-off that granted it
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["organisation", "case"], condition=models.Q(ended_at__isnull=True), name="share_active_org"
            ),
            models.Index(fields=["user", "case"], condition=models.Q(ended_at__isnull=True), name="share_active_user"),
        ]


class ApprovalKind(models.TextChoices):
    ASSESSMENT = "assessment", _("Asesmen")
    CASE_PLAN = "case_plan", _("Rencana kasus")
    CLOSURE = "closure", _("Penutupan kasus")


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu")
    APPROVED = "approved", _("Disetujui")
    REJECTED = "rejected", _("Ditolak")


class Approval(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="approvals")
    kind = models.CharField(_("jenis"), max_length=16, choices=ApprovalKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("diminta"), default=timezone.now)
    comment = models.TextField(_("catatan permintaan"), blank=True)
    # What is being approved: an assessment or plan id of the app that owns it; closure details.
    subject_id = models.BigIntegerField(null=True, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)
    decision_comment = models.TextField(_("catatan keputusan"), blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("persetujuan")
        verbose_name_plural = _("persetujuan")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"], condition=models.Q(status="pending"), name="approval_one_pending"
            )
        ]
        indexes = [models.Index(fields=["status", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.case}"

    def audit_label(self) -> str:
        return f"{self.kind} {self.case_id}"

    def audit_organisation_id(self) -> int | None:
        return self.case.organisation_id

    @property
    def closure_reason_label(self) -> str:
        reason = self.payload.get("reason", "")
        return str(ClosureReason(reason).label) if reason in ClosureReason.values else ""


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Terbuka")
    DONE = "done", _("Selesai")
    CANCELLED = "cancelled", _("Dibatalkan")


class TaskQuerySet(models.QuerySet["Task"]):
    def visible_to(self, user: Any) -> TaskQuerySet:
        """Tasks for the person: assigned to them, or to their organisation for their role. A task
        carries a case number and a title, never a child's identity."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.scope == Scope.NONE:
            return self.none()
        q = models.Q(assignee=user)
        if user.organisation_id is not None:
            q |= models.Q(assignee__isnull=True, organisation_id=user.organisation_id, role__in=["", user.role])
            if user.can("approve"):  # supervisors see every task of their organisation
                q |= models.Q(organisation_id=user.organisation_id)
        return self.filter(q)

    def open(self) -> TaskQuerySet:
        return self.filter(status=TaskStatus.OPEN)

    def overdue(self, now: Any = None) -> TaskQuerySet:
        return self.open().filter(due_at__lt=now or timezone.now())


class Task(models.Model):
    """A deadline someone must meet: statutory (3 × 24 h to police, 7 days for rehabilitation) or
    a service standard (first contact, assessment, approval waiting time, follow-up)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(_("jenis"), max_length=32, db_index=True)  # a key of data/clocks.json
    title = models.CharField(_("tugas"), max_length=200)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="tasks")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    role = models.CharField(_("peran"), max_length=32, blank=True)  # for an unassigned task
    status = models.CharField(_("status"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    starts_at = models.DateTimeField(_("jam mulai"), default=timezone.now)
    due_at = models.DateTimeField(_("tenggat"))
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject_type = models.CharField(max_length=32, blank=True)  # e.g. "approval", "handoff", "service"
    subject_id = models.BigIntegerField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    breach_notified_at = models.DateTimeField(null=True, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("tugas")
        verbose_name_plural = _("tugas")
        indexes = [
            models.Index(fields=["assignee", "status", "due_at"]),
            models.Index(fields=["organisation", "status", "due_at"]),
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["case", "kind", "status"]),
            # "my tasks": the open unassigned tasks of my organisation for my role
            models.Index(
                fields=["organisation", "role", "due_at"],
                condition=models.Q(status="open", assignee__isnull=True),
                name="task_open_unassigned",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, now: Any = None) -> bool:
        return self.status == TaskStatus.OPEN and self.due_at < (now or timezone.now())

    def audit_label(self) -> str:
        return f"{self.kind} {self.case_id}"

    def audit_organisation_id(self) -> int | None:
        return self.organisation_id


class NoteQuerySet(models.QuerySet["Note"]):
    def visible_to(self, user: Any) -> NoteQuerySet:
        """Notes of the cases the user may see; a confidential note only for the case's owning
        organisation and the organisation that wrote it."""
        visible = self.filter(case__in=Case.objects.visible_to(user))
        if user is not None and getattr(user, "scope", None) == Scope.ALL:
            return visible
        org = getattr(user, "organisation_id", None)
        if org is None:
            return visible.filter(confidential=False)
        return visible.filter(
            models.Q(confidential=False) | models.Q(case__organisation_id=org) | models.Q(organisation_id=org)
        )


class Note(models.Model):
    """A case note (HTCDS ``cco_CaseComment``). Confidential notes stay inside the owning
    organisation; shareable notes go with a hand-off before it is accepted."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("catatan"))
    confidential = models.BooleanField(_("rahasia"), default=False)
    shareable = models.BooleanField(_("boleh dibagikan saat rujukan"), default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("catatan")
        verbose_name_plural = _("catatan")
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(confidential=True) & models.Q(shareable=True)),
                name="note_not_confidential_and_shared",
            )
        ]

    def audit_label(self) -> str:
        return f"catatan {self.case_id}"

    def audit_organisation_id(self) -> int | None:
        return self.organisation_id


class FollowUpKind(models.TextChoices):
    ENTRY = "entry", _("Awal (baseline)")
    MONTH_6 = "month_6", _("6 bulan")
    MONTH_12 = "month_12", _("12 bulan")
    REVIEW = "review", _("Tinjauan berkala")


class FollowUpStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Terjadwal")
    DONE = "done", _("Selesai")
    MISSED = "missed", _("Tidak terlaksana")


class YesNoUnknown(models.TextChoices):
    YES = "yes", _("Ya")
    NO = "no", _("Tidak")
    UNKNOWN = "unknown", _("Tidak diketahui")


class LivingSituation(models.TextChoices):
    PARENTS = "parents", _("Bersama orang tua")
    RELATIVES = "relatives", _("Bersama kerabat")
    FOSTER = "foster", _("Keluarga asuh / pengganti")
    SHELTER = "shelter", _("Rumah aman / shelter")
    INSTITUTION = "institution", _("Lembaga kesejahteraan sosial anak (LKSA)")
    INDEPENDENT = "independent", _("Mandiri")
    STREET = "street", _("Di jalan / tanpa tempat tinggal tetap")
    UNKNOWN = "unknown", _("Tidak diketahui")


class SocialSupport(models.TextChoices):
    NONE = "none", _("Tidak ada")
    SOME = "some", _("Sebagian")
    STRONG = "strong", _("Kuat")
    UNKNOWN = "unknown", _("Tidak diketahui")


class LegalContact(models.TextChoices):
    NONE = "none", _("Tidak ada proses hukum")
    ONGOING = "ongoing", _("Masih mengikuti proses hukum")
    CONCLUDED = "concluded", _("Proses hukum selesai")
    WITHDRAWN = "withdrawn", _("Menarik diri dari proses hukum")
    UNKNOWN = "unknown", _("Tidak diketahui")


class FollowUp(models.Model):
    """A scheduled follow-up with outcome measures (entry, 6 and 12 months, reviews) that feed
    programme evaluation."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(_("jenis"), max_length=16, choices=FollowUpKind.choices)
    due_on = models.DateField(_("jadwal"))
    status = models.CharField(
        _("status"), max_length=16, choices=FollowUpStatus.choices, default=FollowUpStatus.SCHEDULED
    )
    done_on = models.DateField(_("tanggal pelaksanaan"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    re_exploited = models.CharField(_("kembali tereksploitasi"), max_length=8, choices=YesNoUnknown.choices, blank=True)
    re_exploitation_forms = models.JSONField(_("bentuk eksploitasi"), default=list, blank=True)
    in_school = models.CharField(_("bersekolah"), max_length=8, choices=YesNoUnknown.choices, blank=True)
    living_situation = models.CharField(_("tempat tinggal"), max_length=16, choices=LivingSituation.choices, blank=True)
    mental_health_scores = models.JSONField(_("skor skrining kesehatan jiwa"), default=dict, blank=True)
    social_support = models.CharField(_("dukungan sosial"), max_length=8, choices=SocialSupport.choices, blank=True)
    legal_contact = models.CharField(_("proses hukum"), max_length=16, choices=LegalContact.choices, blank=True)
    notes = models.TextField(_("catatan"), blank=True)

    class Meta:
        ordering = ["due_on"]
        verbose_name = _("pemantauan")
        verbose_name_plural = _("pemantauan")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"], condition=~models.Q(kind="review"), name="followup_one_per_milestone"
            )
        ]

    def audit_label(self) -> str:
        return f"{self.kind} {self.case_id}"

    def audit_organisation_id(self) -> int | None:
        return self.case.organisation_id
