"""Uploading and removing case documents."""

from __future__ import annotations

from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from sigap.audit import services as audit
from sigap.audit.models import Action
from sigap.cases.models import Case
from sigap.cases.workflow import access_case_for_work, can_work_on
from sigap.people.models import User
from sigap.people.roles import Permission

from . import doctypes, storage
from .models import Document

CHUNK = 64 * 1024


def max_bytes() -> int:
    return int(getattr(settings, "SIGAP_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024))


def can_upload(actor: Any, case: Case) -> bool:
    return can_work_on(actor, case) and case.is_open


def can_delete(actor: Any, document: Document) -> bool:
    """The uploader, or a supervisor of the case's owning organisation."""
    if not getattr(actor, "is_authenticated", False) or document.is_deleted:
        return False
    if actor.pk == document.uploaded_by_id and can_work_on(actor, document.case):
        return True
    return actor.can(Permission.APPROVE) and actor.organisation_id == document.case.organisation_id


def _too_large(size: int) -> ValidationError:
    return ValidationError(
        _("Berkas terlalu besar (%(size)s). Ukuran berkas paling besar %(max)s.")
        % {"size": filesizeformat(size), "max": filesizeformat(max_bytes())}
    )


def _extension(name: str) -> str:
    suffix = PurePath(name).suffix.lower()
    return suffix[1:] if suffix.startswith(".") else ""


def check_file(upload: Any, doc_type: str) -> tuple[str, str, str]:
    """Validate an uploaded file before anything is written: not empty, not too large, an allowed
    extension for the type, and content that matches the extension. Returns (original name,
    extension, content type)."""
    original = PurePath(str(getattr(upload, "name", "") or "").replace("\\", "/")).name.strip()[:255]
    kind = doctypes.get(doc_type)
    if kind is None:
        raise ValidationError(_("Pilih jenis dokumen."))
    size = getattr(upload, "size", None)
    if not size:
        raise ValidationError(_("Berkas kosong. Pilih berkas yang berisi dokumen."))
    if size > max_bytes():
        raise _too_large(size)
    ext = _extension(original)
    if ext not in doctypes.EXTENSIONS:
        raise ValidationError(
            _("Jenis berkas %(ext)s tidak diterima. Unggah berkas %(allowed)s.")
            % {"ext": f".{ext}" if ext else _("tanpa ekstensi"), "allowed": doctypes.listing(list(doctypes.EXTENSIONS))}
        )
    if ext not in kind.extensions:
        raise ValidationError(
            _("Untuk %(type)s hanya berkas %(allowed)s yang diterima.")
            % {"type": kind.name.lower(), "allowed": doctypes.listing(kind.extensions)}
        )
    expected, content_type = doctypes.EXTENSIONS[ext]
    found = storage.sniff(upload.file if hasattr(upload, "file") else upload)
    if found != expected:
        raise ValidationError(
            _("Isi berkas tidak sesuai dengan ekstensinya (.%(ext)s). Periksa kembali berkasnya.") % {"ext": ext}
        )
    return original, ext, content_type


def _write(upload: Any, pending: storage.PendingFile) -> None:
    source: IO[bytes] = upload.file if hasattr(upload, "file") else upload
    source.seek(0)
    chunks = upload.chunks(CHUNK) if hasattr(upload, "chunks") else iter(lambda: source.read(CHUNK), b"")
    for chunk in chunks:
        pending.write(chunk)
        if pending.size > max_bytes():
            raise _too_large(pending.size)
    pending.close()
    if pending.size == 0:
        raise ValidationError(_("Berkas kosong. Pilih berkas yang berisi dokumen."))


@transaction.atomic
def upload_document(
    actor: User, case_id: int, upload: Any, *, doc_type: str, title: str = "", confidential: bool = False
) -> Document:
    """Store a document for a case the actor works on. The file is checked first, written under a
    temporary name inside the transaction, and takes its final name only when the transaction
    commits; a failure or a rollback leaves no file behind."""
    case = access_case_for_work(case_id, actor)
    original, ext, content_type = check_file(upload, doc_type)
    title = (title or "").strip() or PurePath(original).stem or original
    stored_name = storage.new_stored_name(ext)
    pending = storage.PendingFile(storage.path_for(case.pk, stored_name))
    try:
        _write(upload, pending)
        document = Document(
            case=case,
            doc_type=doc_type,
            title=title[:200],
            original_name=original,
            stored_name=stored_name,
            content_type=content_type,
            size=pending.size,
            sha256=pending.sha256,
            confidential=bool(confidential),
            organisation=actor.organisation,
            uploaded_by=actor,
        )
        document.full_clean(exclude=["case", "uploaded_by", "organisation"])
        document.save()
        audit.record(
            actor,
            Action.CREATE,
            document,
            {"type": doc_type, "size": document.size, "sha256": document.sha256, "confidential": document.confidential},
        )
        transaction.on_commit(storage.commit_callback(pending))
    except BaseException:
        pending.discard()
        raise
    return document


@transaction.atomic
def delete_document(actor: User, document_id: int, reason: str = "") -> Document:
    """Soft delete: the document disappears from lists and downloads; the row and the file stay for
    the record. Only the uploader or a supervisor of the owning organisation may do it."""
    document = (
        Document.objects.visible_to(actor).select_for_update().select_related("case").filter(pk=document_id).first()
    )
    if document is None:
        raise PermissionDenied(_("Dokumen tidak ditemukan dalam cakupan akses Anda."))
    if not can_delete(actor, document):
        raise PermissionDenied(
            _("Hanya pengunggah atau supervisor organisasi pemilik kasus yang dapat menghapus dokumen ini.")
        )
    document.deleted_at = timezone.now()
    document.deleted_by = actor
    document.delete_reason = reason.strip()[:300]
    document.save(update_fields=["deleted_at", "deleted_by", "delete_reason"])
    audit.record(actor, Action.WITHDRAW, document, {"deleted": True, "reason": document.delete_reason})
    return document
