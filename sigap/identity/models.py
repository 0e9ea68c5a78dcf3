"""The child record: one per child, shared by the cases that concern them."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sigap.intake.models import Sex
from sigap.people.models import Organisation
from sigap.regions.models import Placed


class ChildQuerySet(models.QuerySet["Child"]):
    def visible_to(self, user: object) -> ChildQuerySet:
        """A child is visible through a case the user may see."""
        from sigap.cases.models import Case

        return self.filter(models.Exists(Case.objects.visible_to(user).filter(child=models.OuterRef("pk"))))


class Child(Placed):
    name = models.CharField(_("nama"), max_length=120, blank=True)
    nickname = models.CharField(_("nama panggilan"), max_length=60, blank=True)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    birth_year_estimated = models.PositiveSmallIntegerField(_("perkiraan tahun lahir"), null=True, blank=True)
    nik = models.CharField(_("NIK"), max_length=16, blank=True, db_index=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
        verbose_name=_("digabung ke"),
        help_text=_("Catatan ini milik anak yang sama dengan catatan tujuan; catatannya sendiri tetap disimpan."),
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_by_org = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("didaftarkan oleh"),
    )

    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("anak")
        verbose_name_plural = _("anak")
        indexes = [models.Index(fields=["regency_code", "name"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name and self.nickname:
            return f"{self.name} ({self.nickname})"
        return self.name or self.nickname or str(_("(tanpa nama)"))

    def audit_label(self) -> str:
        return f"anak #{self.pk}"

    def audit_organisation_id(self) -> int | None:
        return self.registered_by_org_id

    def age(self, today: date | None = None) -> int | None:
        today = today or timezone.localdate()
        if self.birth_date:
            b = self.birth_date
            return today.year - b.year - ((today.month, today.day) < (b.month, b.day))
        if self.birth_year_estimated:
            return today.year - self.birth_year_estimated
        return None


class Relationship(models.TextChoices):
    MOTHER = "mother", _("Ibu")
    FATHER = "father", _("Ayah")
    STEP_PARENT = "step_parent", _("Orang tua tiri")
    GUARDIAN = "guardian", _("Wali")
    GRANDPARENT = "grandparent", _("Kakek/nenek")
    SIBLING = "sibling", _("Saudara kandung")
    RELATIVE = "relative", _("Kerabat lain")
    OTHER = "other", _("Lainnya")


PARENT_RELATIONSHIPS = frozenset({Relationship.MOTHER, Relationship.FATHER, Relationship.STEP_PARENT})


class FamilyMemberQuerySet(models.QuerySet["FamilyMember"]):
    def visible_to(self, user: object) -> FamilyMemberQuerySet:
        return self.filter(child__in=Child.objects.visible_to(user))


class FamilyMember(models.Model):
    """A parent, guardian or relative of a child. ``suspected_involvement`` marks a person suspected
    of taking part in the child's exploitation: their consent cannot be the basis for processing,
    and the child returns to a family with such a member only after a best-interests determination."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="family")
    name = models.CharField(_("nama"), max_length=120)
    relationship = models.CharField(_("hubungan"), max_length=16, choices=Relationship.choices)
    is_caregiver = models.BooleanField(_("pengasuh utama"), default=False)
    is_legal_guardian = models.BooleanField(_("wali yang sah"), default=False)
    lives_with_child = models.BooleanField(_("tinggal bersama anak"), default=False)
    phone = models.CharField(_("telepon"), max_length=40, blank=True)
    suspected_involvement = models.BooleanField(_("diduga terlibat"), default=False)
    suspicion_note = models.TextField(_("keterangan dugaan"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = FamilyMemberQuerySet.as_manager()

    class Meta:
        ordering = ["child", "relationship", "name"]
        verbose_name = _("anggota keluarga")
        verbose_name_plural = _("anggota keluarga")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relationship_display()})"

    @property
    def is_parent_or_guardian(self) -> bool:
        return (
            self.relationship in PARENT_RELATIONSHIPS
            or self.is_legal_guardian
            or (self.relationship == Relationship.GUARDIAN)
        )

    def audit_label(self) -> str:
        return f"keluarga anak #{self.child_id}"

    def audit_organisation_id(self) -> int | None:
        return self.child.registered_by_org_id


class MergeStatus(models.TextChoices):
    REQUESTED = "requested", _("Menunggu persetujuan")
    APPROVED = "approved", _("Digabung")
    REJECTED = "rejected", _("Ditolak")
    UNDONE = "undone", _("Dibatalkan (dipisah kembali)")


class ChildMergeQuerySet(models.QuerySet["ChildMerge"]):
    def visible_to(self, user: object) -> ChildMergeQuerySet:
        """Merges whose both records the user may see."""
        visible = Child.objects.visible_to(user).values("pk")
        return self.filter(survivor__in=visible, merged__in=visible)


class ChildMerge(models.Model):
    """A decision that two child records are the same child. Nothing is moved: the merged record points
    at the surviving one (``Child.merged_into``) while the merge is in force, both records and their
    cases stay as they were, and undoing the merge clears the pointer. The rows are never deleted, so
    the history of requests, decisions and undoings stays complete."""

    survivor = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="merges_absorbed")
    status = models.CharField(_("status"), max_length=16, choices=MergeStatus.choices, default=MergeStatus.REQUESTED)
    probability = models.FloatField(_("probabilitas sama"), null=True, blank=True)
    evidence = models.JSONField(default=dict, blank=True)
    model_version = models.CharField(max_length=40, blank=True)
    reason = models.TextField(_("alasan"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("catatan keputusan"), blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undo_reason = models.TextField(_("alasan pemisahan"), blank=True)

    objects = ChildMergeQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("penggabungan catatan anak")
        verbose_name_plural = _("penggabungan catatan anak")
        constraints = [
            models.UniqueConstraint(
                fields=["merged"],
                condition=models.Q(status__in=["requested", "approved"]),
                name="child_merge_one_open_per_record",
            ),
            models.CheckConstraint(condition=~models.Q(survivor=models.F("merged")), name="child_merge_two_records"),
        ]

    def audit_label(self) -> str:
        return f"anak #{self.merged_id} → #{self.survivor_id}"

    def audit_organisation_id(self) -> int | None:
        return self.organisation_id
