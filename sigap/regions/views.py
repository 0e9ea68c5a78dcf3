"""The picker's htmx endpoints. Public: region names are public data."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from .forms import SAFE_NAME_RE, RegionPickerWidget
from .lookup import LEVEL_KEYS, SEARCH_MIN_LENGTH, normalise_query, path_labels, search_regions
from .models import Level, level_of


def _field(request: HttpRequest) -> tuple[str, str, bool] | None:
    """The field name, element id and required flag the picker was rendered with, if well formed."""
    name = request.GET.get("name", "")
    base_id = request.GET.get("id") or f"id_{name}"
    if not SAFE_NAME_RE.match(name) or not SAFE_NAME_RE.match(base_id):
        return None
    return name, base_id, request.GET.get("required") == "1"


def render_picker(
    name: str,
    code: str | None,
    *,
    base_id: str | None = None,
    required: bool = False,
    autofocus_level: int | None = None,
) -> str:
    """The picker's HTML for field ``name`` with ``code`` chosen, as the form widget renders it."""
    widget = RegionPickerWidget()
    widget.is_required = required
    widget.autofocus_level = autofocus_level
    return widget.render(name, code or "", attrs={"id": base_id or f"id_{name}"})


@require_GET
def picker(request: HttpRequest) -> HttpResponse:
    """GET ?name=<field>&code=<code>: the picker with that code chosen.

    A select posts its own value as ``<field>__<level>``; its empty option falls back to ``parent``.
    """
    field = _field(request)
    if field is None:
        return HttpResponseBadRequest("Nama kolom tidak sah.")
    name, base_id, required = field
    code = request.GET.get("code")
    if code is None:
        code = next(
            (request.GET[f"{name}__{key}"] for key in LEVEL_KEYS.values() if f"{name}__{key}" in request.GET), ""
        )
    if not code.strip():
        code = request.GET.get("parent", "")
    try:
        focus = Level(int(request.GET.get("focus", ""))) if request.GET.get("focus") else None
    except ValueError:
        focus = None
    return HttpResponse(render_picker(name, code, base_id=base_id, required=required, autofocus_level=focus))


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """GET ?name=<field>&q=<text>: up to 20 regions whose name matches, as buttons that choose them."""
    field = _field(request)
    if field is None:
        return HttpResponseBadRequest("Nama kolom tidak sah.")
    name, base_id, required = field
    q = request.GET.get("q")
    if q is None:
        q = request.GET.get(f"{name}__q", "")
    q = normalise_query(q)
    regions = search_regions(q)
    labels = path_labels(regions)
    query = {"name": name, "id": base_id}
    if required:
        query["required"] = "1"
    base_url = f"{reverse('regions:picker')}?{urlencode(query)}"
    results = [
        {
            "code": r.code,
            "label": labels[r.code],
            "url": f"{base_url}&{urlencode({'code': r.code, 'focus': level_of(r.code)})}",
        }
        for r in regions
    ]
    context = {
        "q": q,
        "too_short": 0 < len(q) < SEARCH_MIN_LENGTH,
        "results": results,
        "wrapper_id": f"{base_id}__picker",
    }
    return render(request, "regions/search_results.html", context)
