from django.urls import reverse

from sigap.inbox.models import Notification
from sigap.inbox.services import notify


def test_a_notification_appears_in_the_inbox_and_opening_it_marks_it_read(world, as_user):
    notify([world.worker_sby], "test", "Rujukan baru untuk kasus KS-2026-000001", url="/kasus/")
    client = as_user("worker_sby")
    home = client.get(reverse("inbox:list")).content.decode()
    assert "Rujukan baru untuk kasus KS-2026-000001" in home
    n = Notification.objects.get()
    r = client.post(reverse("inbox:open", args=[n.pk]))
    assert r.status_code == 302 and r["Location"] == "/kasus/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_nobody_reads_or_opens_another_persons_notifications(world, as_user):
    notify([world.worker_sby], "test", "Untuk pekerja Surabaya")
    other = as_user("worker_malang")
    assert "Untuk pekerja Surabaya" not in other.get(reverse("inbox:list")).content.decode()
    n = Notification.objects.get()
    other.post(reverse("inbox:open", args=[n.pk]))
    n.refresh_from_db()
    assert n.read_at is None


def test_a_link_outside_sigap_is_not_followed(world, as_user):
    notify([world.worker_sby], "test", "x", url="https://example.com/")
    n = Notification.objects.get()
    r = as_user("worker_sby").post(reverse("inbox:open", args=[n.pk]))
    assert r["Location"] == reverse("inbox:list")


def test_email_goes_out_only_after_the_change_commits(world, mailoutbox, django_capture_on_commit_callbacks):
    world.worker_sby.email = "pekerja@example.org"
    world.worker_sby.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify([world.worker_sby, world.worker_sby, world.worker_malang], "test", "Tugas baru")
    assert mailoutbox == []
    for cb in callbacks:
        cb()
    assert [m.to for m in mailoutbox] == [["pekerja@example.org"]]
    assert Notification.objects.count() == 2  # once per person
    assert Notification.objects.get(recipient=world.worker_sby).emailed_at is not None
