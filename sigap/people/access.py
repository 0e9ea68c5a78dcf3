"""The one place where a record scope becomes a database filter.

Each model with personal data declares which of its fields hold the owning organisation, the
person(s) it belongs to, the person who identified/reported it, and its place; its
``visible_to(user)`` calls :func:`scope_filter` with them. No view writes its own access filter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from sigap.regions.models import Placed

from .roles import Scope


@dataclass(frozen=True)
class ScopeFields:
    organisation: str
    own: tuple[str, ...] = ()
    identified: tuple[str, ...] = ()
    place_prefix: str = ""


def _any_of(fields: tuple[str, ...], user: Any) -> Q | None:
    q = None
    for field in fields:
        q = Q(**{field: user}) if q is None else q | Q(**{field: user})
    return q


def scope_filter(user: Any, fields: ScopeFields) -> Q | None:
    """A filter selecting the records ``user`` may see, ``Q()`` for all, or ``None`` for none."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    scope = user.scope
    if scope == Scope.ALL:
        return Q()
    if scope == Scope.NONE:
        return None
    if scope == Scope.IDENTIFIED:
        return _any_of(fields.identified, user)
    own = _any_of(fields.own, user)
    if scope == Scope.OWN:
        return own
    org = user.organisation
    if org is None:
        return own
    q = Q(**{fields.organisation: org})
    if scope == Scope.JURISDICTION:
        if org.jurisdiction_id is None:
            return Q()  # a national organisation's jurisdiction is the whole country
        q |= Placed.q_within(org.jurisdiction_id, prefix=fields.place_prefix)
    return q | own if own is not None else q


def filter_visible(queryset: Any, user: Any, fields: ScopeFields) -> Any:
    q = scope_filter(user, fields)
    return queryset.none() if q is None else queryset.filter(q)
