from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sigap.cases.models import Case, CaseShare
from sigap.paging import CappedPaginator

from .helpers import make_case


def test_a_long_list_pages_in_order_with_its_related_rows_and_an_exact_count(world):
    cases = [make_case(world, name=f"Anak {i}") for i in range(5)]
    now = timezone.now()
    for c, hours in zip(cases, [3, 1, 2, 1, 5], strict=True):  # two opened at the same moment
        Case.objects.filter(pk=c.pk).update(opened_at=now - timedelta(hours=hours))
    qs = Case.objects.visible_to(world.worker_sby).select_related("child").order_by("-opened_at", "-pk")
    expected = [c.pk for c in qs]
    paginator = CappedPaginator(qs, 2)
    pages = [paginator.page(n) for n in (1, 2, 3)]
    assert [c.pk for p in pages for c in p] == expected
    assert (paginator.count, paginator.num_pages, paginator.capped) == (5, 3, False)
    with CaptureQueriesContext(connection) as queries:
        names = [c.child.name for c in pages[0]]
    assert names and len(queries) == 0  # the children came with the page


def test_a_case_shared_with_the_organisation_is_listed_until_the_share_ends(world, as_user):
    case = make_case(world)
    share = CaseShare.objects.create(case=case, organisation=world.dinsos_sby, reason="referral")
    client = as_user("worker_dinsos")
    assert case.number in client.get("/kasus/").text
    share.ended_at = timezone.now()
    share.save()
    assert case.number not in client.get("/kasus/").text
