"""Pagination for long lists: counting stops at a cap, so a page never counts a million rows."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most ``COUNT_CAP`` + 1 rows; ``capped`` says the real number is larger."""

    @cached_property
    def count(self) -> int:
        # The order does not change the number; without it the database stops at the cap instead of
        # sorting every match first.
        qs: Any = self.object_list
        return int(qs.order_by()[: COUNT_CAP + 1].count())

    def page(self, number: Any) -> Page:
        """The page's primary keys first, then its rows: a database that must sort every match (an
        OR of indexed conditions) sorts narrow rows, not rows joined to their related tables."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        qs: Any = self.object_list
        ids = list(qs.values_list("pk", flat=True)[bottom:top])
        rows = {obj.pk: obj for obj in qs.filter(pk__in=ids).order_by()}
        return Page([rows[pk] for pk in ids if pk in rows], number, self)

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP
