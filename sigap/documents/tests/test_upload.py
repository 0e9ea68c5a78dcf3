import hashlib

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from sigap.audit.models import AuditEvent
from sigap.documents import services, storage
from sigap.documents.apps import check_documents_dir
from sigap.documents.models import Document

from .helpers import EXE, HTML, JPEG, PDF, PNG, docx, files_under, make_case, odt, plain_zip, share, upload


def test_an_uploaded_document_is_stored_under_a_random_name_in_the_cases_folder(
    world, documents_dir, django_capture_on_commit_callbacks
):
    case = make_case(world)
    with django_capture_on_commit_callbacks(execute=True):
        doc = services.upload_document(
            world.worker_sby, case.pk, upload("LP Budi.pdf"), doc_type="police_letter", title="Laporan polisi"
        )
    assert doc.original_name == "LP Budi.pdf"
    assert doc.stored_name.endswith(".pdf") and "Budi" not in doc.stored_name and len(doc.stored_name) == 36
    assert (doc.content_type, doc.size, doc.sha256) == ("application/pdf", len(PDF), hashlib.sha256(PDF).hexdigest())
    assert doc.path == documents_dir / f"case-{case.pk}" / doc.stored_name
    assert files_under(documents_dir) == [doc.path]
    assert doc.path.read_bytes() == PDF
    event = AuditEvent.objects.get(action="create", object_type="document")
    assert event.changes["sha256"] == doc.sha256
    assert "Budi" not in str(event.changes) and "Budi" not in event.object_label


def test_documents_are_kept_outside_every_static_path(world, documents_dir, django_capture_on_commit_callbacks):
    case = make_case(world)
    with django_capture_on_commit_callbacks(execute=True):
        doc = services.upload_document(world.worker_sby, case.pk, upload(), doc_type="other")
    served = [settings.STATIC_ROOT, *[d[1] if isinstance(d, tuple) else d for d in settings.STATICFILES_DIRS]]
    assert not any(storage.is_inside(doc.path, s) for s in served)
    assert check_documents_dir() == []
    assert "/static/" not in reverse("documents:download", args=[doc.pk])


def test_the_system_check_refuses_a_documents_folder_under_static(settings):
    settings.SIGAP_DOCUMENTS_DIR = settings.BASE_DIR / "sigap" / "static" / "documents"
    assert {e.id for e in check_documents_dir()} == {"documents.E001"}
    settings.SIGAP_DOCUMENTS_DIR = settings.STATIC_ROOT / "dokumen"
    assert {e.id for e in check_documents_dir()} == {"documents.E001"}


@pytest.mark.parametrize(
    ("name", "content", "doc_type"),
    [
        ("surat.pdf", PDF, "police_letter"),
        ("foto.PNG", PNG, "identity_document"),
        ("foto.jpg", JPEG, "medical_report"),
        ("foto.jpeg", JPEG, "consent_form"),
        ("laporan.docx", "DOCX", "social_report"),
        ("laporan.odt", "ODT", "social_report"),
    ],
)
def test_allowed_files_are_accepted_with_their_content_type(world, name, content, doc_type):
    content = {"DOCX": docx(), "ODT": odt()}.get(content, content)
    doc = services.upload_document(world.worker_sby, make_case(world).pk, upload(name, content), doc_type=doc_type)
    assert doc.size == len(content)
    assert doc.content_type in {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.oasis.opendocument.text",
    }


@pytest.mark.parametrize(
    ("name", "content", "doc_type", "message"),
    [
        ("program.exe", EXE, "other", "Jenis berkas .exe tidak diterima"),
        ("tanpa-ekstensi", PDF, "other", "tidak diterima"),
        ("surat.pdf", EXE, "other", "Isi berkas tidak sesuai dengan ekstensinya (.pdf)"),
        ("surat.pdf", PNG, "other", "Isi berkas tidak sesuai"),
        ("foto.png", HTML, "other", "Isi berkas tidak sesuai"),
        ("foto.jpg", PNG, "other", "Isi berkas tidak sesuai"),
        ("laporan.docx", "ZIP", "other", "Isi berkas tidak sesuai"),
        ("laporan.odt", "DOCX", "other", "Isi berkas tidak sesuai"),
        ("laporan.docx", b"PK\x03\x04rusak", "other", "Isi berkas tidak sesuai"),
        ("foto.png", PNG, "social_report", "hanya berkas PDF, DOCX, ODT"),
    ],
)
def test_disallowed_or_disguised_files_are_refused(world, documents_dir, name, content, doc_type, message):
    content = {"ZIP": plain_zip(), "DOCX": docx()}.get(content, content)
    with pytest.raises(ValidationError) as exc:
        services.upload_document(world.worker_sby, make_case(world).pk, upload(name, content), doc_type=doc_type)
    assert message in " ".join(exc.value.messages)
    assert not Document.objects.exists()
    assert files_under(documents_dir) == []


def test_an_empty_file_is_refused(world, documents_dir):
    with pytest.raises(ValidationError, match="Berkas kosong"):
        services.upload_document(world.worker_sby, make_case(world).pk, upload("kosong.pdf", b""), doc_type="other")
    assert files_under(documents_dir) == []


def test_a_file_over_the_size_limit_is_refused_with_a_clear_message(world, settings, documents_dir):
    settings.SIGAP_DOCUMENT_MAX_BYTES = 100
    content = PDF + b"0" * (101 - len(PDF))
    with pytest.raises(ValidationError) as exc:
        services.upload_document(world.worker_sby, make_case(world).pk, upload("besar.pdf", content), doc_type="other")
    assert "Berkas terlalu besar" in exc.value.messages[0]
    assert "paling besar 100" in exc.value.messages[0]
    assert files_under(documents_dir) == []


def test_a_file_that_lies_about_its_size_is_stopped_while_it_is_written(world, settings, documents_dir):
    settings.SIGAP_DOCUMENT_MAX_BYTES = 100
    lying = upload("besar.pdf", PDF + b"0" * 500)
    lying.size = 50
    with pytest.raises(ValidationError, match="terlalu besar"):
        services.upload_document(world.worker_sby, make_case(world).pk, lying, doc_type="other")
    assert files_under(documents_dir) == []


def test_the_upload_page_shows_indonesian_messages(as_user, world, settings):
    case = make_case(world)
    client = as_user("worker_sby")
    url = reverse("documents:upload", args=[case.pk])
    assert client.get(url).status_code == 200
    empty = client.post(url, {"doc_type": "other", "title": "Kosong", "file": upload("kosong.pdf", b"")})
    assert empty.status_code == 400
    assert "Berkas kosong" in empty.content.decode()
    assert 'value="Kosong"' in empty.content.decode()
    disguised = client.post(url, {"doc_type": "other", "file": upload("surat.pdf", EXE)})
    assert disguised.status_code == 400
    assert "Isi berkas tidak sesuai dengan ekstensinya" in disguised.content.decode()
    settings.SIGAP_DOCUMENT_MAX_BYTES = 50
    big = client.post(url, {"doc_type": "other", "file": upload("besar.pdf", PDF)})
    assert big.status_code == 400
    assert "Berkas terlalu besar" in big.content.decode()
    assert not Document.objects.exists()


def test_the_upload_page_saves_and_returns_to_the_case(
    as_user, world, documents_dir, django_capture_on_commit_callbacks
):
    case = make_case(world)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user("worker_sby").post(
            reverse("documents:upload", args=[case.pk]),
            {"doc_type": "court_order", "title": "Penetapan", "file": upload("penetapan.pdf"), "confidential": "on"},
        )
    assert response.status_code == 302
    assert response.url.endswith("#section-documents")
    doc = Document.objects.get()
    assert (doc.title, doc.doc_type, doc.confidential, doc.uploaded_by) == (
        "Penetapan",
        "court_order",
        True,
        world.worker_sby,
    )
    assert doc.path.exists()


def test_only_the_cases_own_people_may_upload(as_user, world):
    case = make_case(world)
    share(case, world.dinsos_sby)
    with pytest.raises(PermissionDenied):
        services.upload_document(world.worker_dinsos, case.pk, upload(), doc_type="other")
    with pytest.raises(PermissionDenied):
        services.upload_document(world.worker_malang, case.pk, upload(), doc_type="other")
    url = reverse("documents:upload", args=[case.pk])
    assert as_user("worker_dinsos").get(url).status_code == 403
    assert as_user("worker_dinsos").post(url, {"doc_type": "other", "file": upload()}).status_code == 403
    assert as_user("worker_malang").get(url).status_code == 404
    assert not Document.objects.exists()


def test_a_path_in_the_file_name_is_dropped(world, documents_dir, django_capture_on_commit_callbacks):
    case = make_case(world)
    with django_capture_on_commit_callbacks(execute=True):
        doc = services.upload_document(world.worker_sby, case.pk, upload("../../..\\etc/surat.pdf"), doc_type="other")
    assert doc.original_name == "surat.pdf"
    assert doc.title == "surat"
    assert storage.is_inside(doc.path, documents_dir / f"case-{case.pk}")


class Boom(Exception):
    pass


def test_a_failure_inside_the_upload_leaves_no_file_behind(world, documents_dir, monkeypatch):
    case = make_case(world)

    def fail(*args, **kwargs):
        raise Boom

    monkeypatch.setattr(services.audit, "record", fail)
    with pytest.raises(Boom):
        services.upload_document(world.worker_sby, case.pk, upload(), doc_type="other")
    assert files_under(documents_dir) == []
    assert not Document.objects.exists()


def test_a_rolled_back_transaction_leaves_no_file_behind(world, documents_dir):
    case = make_case(world)
    with pytest.raises(Boom), transaction.atomic():
        services.upload_document(world.worker_sby, case.pk, upload(), doc_type="other")
        assert len(files_under(documents_dir)) == 1  # written, under its temporary name
        raise Boom
    assert files_under(documents_dir) == []
    assert not Document.objects.exists()


def test_the_file_takes_its_final_name_only_on_commit(world, documents_dir, django_capture_on_commit_callbacks):
    case = make_case(world)
    with django_capture_on_commit_callbacks(execute=True):
        doc = services.upload_document(world.worker_sby, case.pk, upload(), doc_type="other")
        (pending,) = files_under(documents_dir)
        assert pending.name.startswith(".") and pending.name.endswith(".part")
        assert not doc.path.exists()
    assert files_under(documents_dir) == [doc.path]


@pytest.mark.django_db(transaction=True)
def test_a_real_commit_and_a_real_rollback(world, documents_dir):
    case = make_case(world)
    doc = services.upload_document(world.worker_sby, case.pk, upload(), doc_type="other")
    assert files_under(documents_dir) == [doc.path]
    with pytest.raises(Boom), transaction.atomic():
        services.upload_document(world.worker_sby, case.pk, upload("kedua.pdf"), doc_type="other")
        raise Boom
    assert files_under(documents_dir) == [doc.path]
    assert Document.objects.count() == 1


def test_stale_temporary_files_are_cleaned_up(world, documents_dir):
    folder = documents_dir / "case-1"
    folder.mkdir(parents=True)
    stale = folder / ".abc.pdf.part"
    stale.write_bytes(PDF)
    kept = folder / "abc.pdf"
    kept.write_bytes(PDF)
    assert storage.remove_stale_parts(older_than_seconds=-1) == [stale]
    assert files_under(documents_dir) == [kept]
