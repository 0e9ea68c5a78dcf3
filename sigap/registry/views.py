"""Registry screening pages: runs and upload, a run's progress and where risk concentrates, the
district and village outreach lists, the district XLSX and the rejected rows.

Runs and areas come from ``visible_to``; the children on the lists only for those
:func:`services.sees_outreach` allows (an analyst gets the aggregates and a 403 on every list and
workbook). Every page or file that shows children is audited."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, FloatField, Max, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sigap.people.roles import AGGREGATE_ONLY_ROLES, Role
from sigap.people.typing import AuthenticatedRequest
from sigap.regions.models import Region
from sigap.text import bilingual, refusal

from . import engine, schema, services, xlsx
from . import points as points_module
from .forms import EntryStatusForm, UploadForm
from .models import (
    OUTREACH_ROLES,
    RUN_STAFF_ROLES,
    OutreachEntry,
    RegistryRun,
    RunArea,
    RunError,
    RunStatus,
    VisitStatus,
)

ERRORS_ON_PAGE = 200
CHART_DISTRICTS = 30
DISTRICT_PAGE = 50  # children per page of a district's outreach list (a village's list is one page)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _language() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id"


def _may_use(user: Any) -> bool:
    """Whether the registry pages are for this person at all (reporters, cadres and operators: no)."""
    return (
        services.can_screen(user)
        or user.role in RUN_STAFF_ROLES
        or user.role in AGGREGATE_ONLY_ROLES
        or (user.role == Role.SYSTEM_ADMIN)
    )


def _may_update(user: Any, run: RegistryRun) -> bool:
    return user.role in OUTREACH_ROLES and user.organisation_id == run.organisation_id


def _run(request: AuthenticatedRequest, pk: int) -> RegistryRun:
    run = RegistryRun.objects.visible_to(request.user).select_related("organisation", "uploaded_by").filter(pk=pk)
    found = run.first()
    if found is None:
        raise Http404
    return found


def _names(codes: set[str] | list[str]) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=list(codes)).values_list("code", "name"))


def _with_words(entries: list[OutreachEntry]) -> list[OutreachEntry]:
    model = points_module.load()
    language = _language()
    for entry in entries:
        entry.factor_words = engine.factor_words(list(entry.factors or []), language, model)  # type: ignore[attr-defined]
    return entries


def _district_rows(areas: QuerySet[RunArea]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in areas.values("district_code")
        .annotate(
            scored=Sum("children"),
            at_or_above=Sum("at_or_above_threshold"),
            highest=Max("max_score"),
            score_sum=Sum(F("mean_score") * F("children"), output_field=FloatField()),
        )
        .order_by("-at_or_above", "district_code")
    ]
    names = _names({r["district_code"] for r in rows})
    top = max((r["at_or_above"] or 0 for r in rows), default=0)
    for r in rows:
        r["name"] = names.get(r["district_code"], r["district_code"])
        r["mean_score"] = (r["score_sum"] or 0) / r["scored"] if r["scored"] else 0.0
        r["percent"] = round(100 * (r["at_or_above"] or 0) / top) if top else 0
    return rows


# --- runs and upload --------------------------------------------------------------------------------------


@login_required
def run_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not _may_use(user):
        raise PermissionDenied
    may_screen = services.can_screen(user)
    form = None
    status = 200
    if may_screen:
        form = UploadForm(
            request.POST or None,
            request.FILES or None,
            default_threshold=services.default_threshold(),
            max_bytes=services.max_bytes(),
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            try:
                run = services.start_run(
                    user, d["file"], as_of=d["as_of"], per_village=d["per_village"], threshold=d.get("threshold")
                )
            except ValidationError as exc:
                form.add_error("file", refusal(exc))
            except PermissionDenied as exc:
                form.add_error(None, refusal(exc))
            else:
                messages.success(
                    request, _("Berkas diterima. Penyaringan berjalan; halaman ini memperbarui kemajuannya.")
                )
                return redirect("registry:detail", run.pk)
        status = 400
    runs = RegistryRun.objects.visible_to(user).select_related("organisation", "uploaded_by")
    page = Paginator(runs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/run_list.html",
        {"page": page, "form": form, "aggregate_only": user.role in AGGREGATE_ONLY_ROLES},
        status=status,
    )


@login_required
@require_GET
def run_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    user = request.user
    context: dict[str, Any] = {
        "run": run,
        "sees_outreach": services.sees_outreach(user, run),
        "aggregate_only": user.role in AGGREGATE_ONLY_ROLES,
    }
    if run.status == RunStatus.DONE:
        areas = RunArea.objects.visible_to(user).filter(run=run)
        districts = _district_rows(areas)
        context["districts"] = districts
        context["chart"] = districts[:CHART_DISTRICTS]
        totals = areas.aggregate(children=Sum("children"), at_or_above=Sum("at_or_above_threshold"))
        context["totals"] = totals
        errors = RunError.objects.visible_to(user).filter(run=run)
        context["may_see_errors"] = user.role not in AGGREGATE_ONLY_ROLES
        context["errors"] = _error_rows(list(errors[:ERRORS_ON_PAGE]))
    return render(request, "registry/run_detail.html", context)


@login_required
@require_GET
def run_progress(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The progress fragment the run page polls every 2 seconds; once the run has ended, htmx is
    told to reload the page so that the results appear."""
    run = _run(request, pk)
    response = render(request, "registry/_progress.html", {"run": run})
    if not run.is_active and _is_htmx(request):
        response["HX-Refresh"] = "true"
    return response


def _error_rows(errors: list[RunError]) -> list[RunError]:
    for error in errors:
        reason = schema.REASONS.get(error.reason_code)
        error.reason_text = bilingual(reason.text_id, reason.text_en) if reason else error.reason  # type: ignore[attr-defined]
    return errors


# --- district and village ---------------------------------------------------------------------------------


@login_required
@require_GET
def district(request: AuthenticatedRequest, pk: int, code: str) -> HttpResponse:
    run = _run(request, pk)
    user = request.user
    areas = list(RunArea.objects.visible_to(user).filter(run=run, district_code=code).order_by("village_code"))
    if not areas:
        raise Http404
    names = _names({code, *(a.village_code for a in areas)})
    for area in areas:
        area.name = names.get(area.village_code, area.village_code)  # type: ignore[attr-defined]
    sees = services.sees_outreach(user, run)
    entries: list[OutreachEntry] = []
    page = None
    if sees:
        listed = (
            OutreachEntry.objects.visible_to(user)
            .filter(run=run, district_code=code)
            .select_related("run")
            .order_by("rank_in_district")
        )
        page = Paginator(listed, DISTRICT_PAGE).get_page(request.GET.get("page"))
        entries = list(page.object_list)
        services.record_list_read(user, entries)
        for entry in entries:
            entry.village_name = names.get(entry.village_code, entry.village_code)  # type: ignore[attr-defined]
    context = {
        "run": run,
        "code": code,
        "name": names.get(code, code),
        "areas": areas,
        "entries": _with_words(entries),
        "page": page,
        "sees_outreach": sees,
        "may_update": _may_update(user, run),
        "statuses": VisitStatus.choices,
        "next": request.get_full_path(),
    }
    return render(request, "registry/district.html", context)


@login_required
@require_GET
def village(request: AuthenticatedRequest, pk: int, code: str) -> HttpResponse:
    run = _run(request, pk)
    user = request.user
    if not services.sees_outreach(user, run):
        raise PermissionDenied(_("Daftar nama anak hanya untuk pekerja kasus dan supervisor organisasi pemilik."))
    area = RunArea.objects.visible_to(user).filter(run=run, village_code=code).first()
    if area is None:
        raise Http404
    entries = list(
        OutreachEntry.objects.visible_to(user)
        .filter(run=run, village_code=code)
        .select_related("run")
        .order_by("rank_in_village")
    )
    services.record_list_read(user, entries)
    names = _names({code, area.district_code})
    context = {
        "run": run,
        "area": area,
        "code": code,
        "name": names.get(code, code),
        "district_name": names.get(area.district_code, area.district_code),
        "entries": _with_words(entries),
        "statuses": VisitStatus.choices,
        "may_update": _may_update(user, run),
        "next": request.get_full_path(),
    }
    return render(request, "registry/village.html", context)


@login_required
@require_GET
def district_xlsx(request: AuthenticatedRequest, pk: int, code: str) -> HttpResponse:
    run = _run(request, pk)
    user = request.user
    if not services.sees_outreach(user, run):
        raise PermissionDenied(_("Daftar nama anak hanya untuk pekerja kasus dan supervisor organisasi pemilik."))
    areas = RunArea.objects.visible_to(user).filter(run=run, district_code=code)
    if not areas.exists():
        raise Http404
    entries = OutreachEntry.objects.visible_to(user).filter(run=run, district_code=code)
    labels = dict(VisitStatus.choices)
    rows: list[dict[str, Any]] = [
        {**row, "status": labels.get(row["status"], row["status"]) if row["status"] != VisitStatus.TO_VISIT else ""}
        for row in entries.values(
            "village_code",
            "rank_in_village",
            "name",
            "nik",
            "birth_date",
            "age",
            "sex",
            "household_id",
            "score",
            "factors",
            "status",
            "status_note",
        )
    ]
    totals = areas.aggregate(children=Sum("children"), at_or_above_threshold=Sum("at_or_above_threshold"))
    names = _names({code, *(str(r["village_code"]) for r in rows)})
    buffer = io.BytesIO()
    written = xlsx.district_workbook(
        buffer,
        info=run_info(run),
        district_code=code,
        district_name=names.get(code, code),
        rows=rows,
        village_names=names,
        totals={k: int(v or 0) for k, v in totals.items()},
        language=_language(),
    )
    services.record_download(user, run, "xlsx", {"district": code, "children": written})
    response = HttpResponse(buffer.getvalue(), content_type=xlsx.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="penjangkauan-{run.pk}-{code}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def run_info(run: RegistryRun) -> xlsx.RunInfo:
    return xlsx.RunInfo(
        label=_("Penyaringan registri #%(n)s") % {"n": run.pk},
        source_name=run.source_name,
        as_of=run.as_of,
        created=run.created_at,
        points_version=run.points_version,
        threshold=run.threshold,
        per_village=run.per_village,
    )


# --- rejected rows ----------------------------------------------------------------------------------------


class _Echo:
    def write(self, value: str) -> str:
        return value


def _safe(value: str) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    return (
        "'" + value
        if value[:1] in ("=", "+", "@", "\t", "\r") or (value[:1] == "-" and value[1:2].isalpha())
        else value
    )


@login_required
@require_GET
def errors_csv(request: AuthenticatedRequest, pk: int) -> StreamingHttpResponse:
    run = _run(request, pk)
    user = request.user
    if user.role in AGGREGATE_ONLY_ROLES:
        raise PermissionDenied
    errors = RunError.objects.visible_to(user).filter(run=run).order_by("row_number", "id")
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        yield writer.writerow([_("nomor_baris"), _("kolom"), _("nilai"), _("kode_alasan"), _("alasan")])
        for e in errors.values_list("row_number", "column", "value", "reason_code", "reason").iterator(chunk_size=5000):
            yield writer.writerow([e[0], e[1], _safe(e[2]), e[3], _safe(e[4])])

    services.record_download(user, run, "errors.csv", {"rows": run.rows_rejected})
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="baris-ditolak-{run.pk}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- visit status -----------------------------------------------------------------------------------------


@login_required
@require_POST
def entry_status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    entry = OutreachEntry.objects.visible_to(request.user).select_related("run").filter(pk=pk).first()
    if entry is None:
        raise Http404
    form = EntryStatusForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            entry = services.update_entry_status(
                request.user, entry.pk, form.cleaned_data["status"], form.cleaned_data.get("note") or ""
            )
        except (ValidationError, PermissionDenied) as exc:
            error = refusal(exc)
    else:
        error = " ".join(str(e) for errs in form.errors.values() for e in errs)
    if _is_htmx(request):
        _with_words([entry])
        context = {"entry": entry, "statuses": VisitStatus.choices, "error": error, "saved": not error}
        return render(request, "registry/_entry_status.html", context, status=400 if error else 200)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Status kunjungan disimpan."))
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("registry:village", args=[entry.run_id, entry.village_code])
    return redirect(target)
