"""Case documents: police letters, court orders, medical and social reports, identity papers, consent
forms. The files are kept outside every served path and downloaded only through an access-checked,
audited view."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sigap.cases.models import Case
from sigap.people.models import Organisation
from sigap.people.roles import Scope

from . import doctypes, storage


class DocumentQuerySet(models.QuerySet["Document"]):
    def visible_to(self, user: Any) -> DocumentQuerySet:
        """Documents (not deleted) of the cases the user may see; confidential ones only for the case's
        owning organisation (and people whose scope is all)."""
        visible = self.filter(deleted_at__isnull=True, case__in=Case.objects.visible_to(user))
        if getattr(user, "scope", None) == Scope.ALL:
            return visible
        org = getattr(user, "organisation_id", None)
        if org is None:
            return visible.filter(confidential=False)
        return visible.filter(models.Q(confidential=False) | models.Q(case__organisation_id=org))


class Document(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    doc_type = models.CharField(_("jenis dokumen"), max_length=32, choices=doctypes.choices)
    title = models.CharField(_("judul"), max_length=200)
    original_name = models.CharField(_("nama berkas asal"), max_length=255)
    stored_name = models.CharField(max_length=64, unique=True)  # random: uuid4 hex + extension
    content_type = models.CharField(_("jenis isi"), max_length=100)
    size = models.PositiveBigIntegerField(_("ukuran (bita)"))
    sha256 = models.CharField(max_length=64)
    confidential = models.BooleanField(
        _("rahasia"),
        default=False,
        help_text=_("Hanya organisasi pemilik kasus yang dapat mengunduh dokumen rahasia."),
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # the uploader's organisation at the time
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("diunggah"), default=timezone.now)
    deleted_at = models.DateTimeField(_("dihapus"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    delete_reason = models.CharField(_("alasan penghapusan"), max_length=300, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("dokumen")
        verbose_name_plural = _("dokumen")
        indexes = [models.Index(fields=["case", "deleted_at", "uploaded_at"])]

    def __str__(self) -> str:
        return self.title

    def audit_label(self) -> str:
        return f"dokumen {self.case_id}"

    def audit_organisation_id(self) -> int | None:
        return self.case.organisation_id

    @property
    def path(self) -> Path:
        return storage.path_for(self.case_id, self.stored_name)

    @property
    def type_name(self) -> str:
        t = doctypes.get(self.doc_type)
        return t.name if t else self.doc_type

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
