import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from sigap.audit.models import AuditEvent
from sigap.documents import services
from sigap.documents.models import Document

from .helpers import PDF, PNG, make_case, share, upload


@pytest.fixture
def stored(world, django_capture_on_commit_callbacks):
    """An upload that has committed, so its file carries its final name."""

    def make(case, name="surat.pdf", content=PDF, confidential=False, by=None):
        with django_capture_on_commit_callbacks(execute=True):
            return services.upload_document(
                by or world.worker_sby,
                case.pk,
                upload(name, content),
                doc_type="other",
                title="Surat",
                confidential=confidential,
            )

    return make


def downloads():
    return AuditEvent.objects.filter(action="download", object_type="document")


def test_a_download_is_an_attachment_with_safe_headers(as_user, world, stored):
    doc = stored(make_case(world), "foto anak.png", PNG)
    response = as_user("worker2_sby").get(reverse("documents:download", args=[doc.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "foto anak.png" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_every_download_writes_exactly_one_audit_row(as_user, world, stored):
    doc = stored(make_case(world))
    client = as_user("worker_sby")
    before = AuditEvent.objects.count()
    for expected in (1, 2):
        b"".join(client.get(reverse("documents:download", args=[doc.pk])).streaming_content)
        assert downloads().count() == expected
    assert AuditEvent.objects.count() - before == 2
    event = downloads().first()
    assert event.changes == {"document": doc.pk, "sha256": doc.sha256}
    assert (event.actor_username, event.object_id, event.organisation_id) == (
        "worker_sby",
        str(doc.pk),
        doc.case.organisation_id,
    )


def test_another_organisation_gets_404_and_no_audit_row(as_user, world, stored):
    doc = stored(make_case(world))
    for username in ("worker_malang", "supervisor_malang", "worker_dinsos", "analyst", "analyst_all", "reporter"):
        response = as_user(username).get(reverse("documents:download", args=[doc.pk]))
        assert response.status_code == 404, username
    assert not downloads().exists()
    assert not Document.objects.visible_to(world.worker_malang).exists()


def test_a_shared_organisation_downloads_ordinary_but_not_confidential_documents(as_user, world, stored):
    case = make_case(world)
    ordinary = stored(case)
    secret = stored(case, "visum.pdf", confidential=True)
    share(case, world.dinsos_sby)
    client = as_user("worker_dinsos")
    assert client.get(reverse("documents:download", args=[ordinary.pk])).status_code == 200
    assert client.get(reverse("documents:download", args=[secret.pk])).status_code == 404
    assert list(Document.objects.visible_to(world.worker_dinsos)) == [ordinary]
    assert downloads().count() == 1
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("documents:download", args=[ordinary.pk]) in page
    assert reverse("documents:download", args=[secret.pk]) not in page
    assert "visum" not in page


def test_the_owning_organisation_and_scope_all_download_confidential_documents(as_user, world, stored):
    secret = stored(make_case(world), confidential=True)
    assert as_user("supervisor_sby").get(reverse("documents:download", args=[secret.pk])).status_code == 200
    assert Document.objects.visible_to(world.sysadmin).filter(pk=secret.pk).exists()


def test_a_missing_file_is_a_404_not_a_crash(as_user, world, stored):
    doc = stored(make_case(world))
    doc.path.unlink()
    assert as_user("worker_sby").get(reverse("documents:download", args=[doc.pk])).status_code == 404
    assert not downloads().exists()


def test_the_case_page_lists_documents_with_download_and_upload_links(as_user, world, stored):
    case = make_case(world)
    doc = stored(case)
    page = as_user("worker_sby").get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="section-documents"' in page
    assert reverse("documents:download", args=[doc.pk]) in page
    assert reverse("documents:upload", args=[case.pk]) in page
    assert "Surat" in page and "worker_sby" in page
    assert AuditEvent.objects.filter(action="list", object_type="document", object_id=str(doc.pk)).exists()


def test_the_uploader_soft_deletes_a_document_with_a_reason(as_user, world, stored):
    case = make_case(world)
    doc = stored(case)
    client = as_user("worker_sby")
    response = client.post(reverse("documents:delete", args=[doc.pk]), {"reason": "Salah unggah"})
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.deleted_at is not None and doc.deleted_by == world.worker_sby
    assert doc.path.exists()  # kept for the record
    assert client.get(reverse("documents:download", args=[doc.pk])).status_code == 404
    assert not Document.objects.visible_to(world.worker_sby).exists()
    event = AuditEvent.objects.get(action="withdraw", object_type="document")
    assert event.changes == {"deleted": True, "reason": "Salah unggah"}


def test_a_reason_is_needed_to_delete(as_user, world, stored):
    doc = stored(make_case(world))
    response = as_user("worker_sby").post(reverse("documents:delete", args=[doc.pk]), {"reason": ""})
    assert response.status_code == 400
    assert "Tuliskan alasan penghapusan" in response.content.decode()


def test_only_the_uploader_or_a_supervisor_may_delete(as_user, world, stored):
    case = make_case(world)
    doc = stored(case)
    share(case, world.dinsos_sby)
    for outsider in (world.worker2_sby, world.worker_dinsos):
        with pytest.raises(PermissionDenied):
            services.delete_document(outsider, doc.pk, "Coba")
    assert as_user("worker2_sby").post(reverse("documents:delete", args=[doc.pk]), {"reason": "x"}).status_code == 403
    assert as_user("worker_malang").get(reverse("documents:delete", args=[doc.pk])).status_code == 404
    services.delete_document(world.supervisor_sby, doc.pk, "Duplikat")
    doc.refresh_from_db()
    assert doc.deleted_by == world.supervisor_sby
