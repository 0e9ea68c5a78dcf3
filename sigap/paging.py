"""Pagination for long lists: counting stops at a cap, so a page never counts a million rows."""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Paginator

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most ``COUNT_CAP`` + 1 rows; ``capped`` says the real number is larger."""

    @cached_property
    def count(self) -> int:
        return int(self.object_list[: COUNT_CAP + 1].count())  # type: ignore[index,union-attr,attr-defined]

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP
