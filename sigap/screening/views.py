"""Screening pages: the instruments and their licences, filling an instrument for a child, the result
with its reasons, the case-page section and licensed-tool results. Views parse, call services, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sigap.audit import services as audit
from sigap.audit.models import Action
from sigap.cases.models import Case
from sigap.cases.workflow import can_work_on
from sigap.intake.models import Report
from sigap.paging import CappedPaginator
from sigap.people.roles import AGGREGATE_ONLY_ROLES, Role
from sigap.text import refusal

from . import external, services
from .forms import ExternalResultForm, ScreeningForm, text
from .models import ExternalResult, InstrumentVersion, Screening

PAGE_SIZE = 50


def _instrument_rows() -> list[dict[str, Any]]:
    rows = []
    for stored in InstrumentVersion.objects.order_by("instrument_id", "-loaded_at"):
        definition = stored.definition
        rows.append(
            {
                "stored": stored,
                "title": text(definition["title"]),
                "description": text(definition["description"]),
                "audience": text(definition.get("audience")),
                "licence": definition["licence"],
                "licence_note": text(definition["licence"].get("note")),
                "population": text(definition["validation"]["population"]),
                "items": len(definition["items"]),
            }
        )
    return rows


@login_required
def instrument_list(request: HttpRequest) -> HttpResponse:
    """Every instrument version with its licence and validation status, and the licensed tools whose
    results may be recorded. No personal data."""
    services.current_versions()  # stores a shipped version on first use; no writes otherwise
    return render(
        request,
        "screening/instruments.html",
        {
            "rows": _instrument_rows(),
            "tools": list(external.tools().values()),
            "can_screen": services.can_screen(request.user),
        },
    )


@login_required
def instrument_detail(request: HttpRequest, instrument_id: str, version: str) -> HttpResponse:
    stored = InstrumentVersion.objects.filter(instrument_id=instrument_id, version=version).first()
    if stored is None:
        raise Http404
    definition = stored.definition
    items = [
        {
            "item": item,
            "label": text(item["label"]),
            "hint": text(item.get("hint")),
            "choices": [(c["value"], text(c["label"]), c.get("points")) for c in item.get("choices", [])],
        }
        for item in definition["items"]
    ]
    bands = [{"band": b, "label": text(b["label"])} for b in definition["bands"]]
    rules = [{"rule": r, "text": text(r.get("text"))} for r in definition["scoring"].get("rules", [])]
    return render(
        request,
        "screening/instrument_detail.html",
        {
            "stored": stored,
            "title": text(definition["title"]),
            "description": text(definition["description"]),
            "population": text(definition["validation"]["population"]),
            "items": items,
            "bands": bands,
            "rules": rules,
            "trigger_note": text(definition.get("triggers", {}).get("positive", {}).get("note")),
        },
    )


@login_required
def screening_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if user.role in AGGREGATE_ONLY_ROLES:
        raise PermissionDenied(_("Hasil skrining hanya untuk petugas yang menanganinya."))
    visible = Screening.objects.visible_to(user).select_related("instrument", "organisation")
    only_positive = request.GET.get("positif") == "1"
    if only_positive:
        visible = visible.filter(positive=True)
    page = CappedPaginator(visible.order_by("-created_at"), PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record_many(user, Action.LIST, page.object_list)  # the rows carry children's names
    current = services.current_versions()
    return render(
        request,
        "screening/list.html",
        {
            "page": page,
            "only_positive": only_positive,
            "current": [(v, text(v.definition["title"])) for v in current],
            "can_screen": services.can_screen(user),
        },
    )


def _linked(request: HttpRequest) -> tuple[Case | None, Report | None]:
    user: Any = request.user
    case = report = None
    if request.GET.get("kasus", "").isdigit():
        case = Case.objects.visible_to(user).select_related("child").filter(pk=int(request.GET["kasus"])).first()
        if case is None:
            raise PermissionDenied(_("Anda tidak berwenang melihat kasus ini."))
    if request.GET.get("laporan", "").isdigit():
        report = Report.objects.visible_to(user).filter(pk=int(request.GET["laporan"])).first()
        if report is None:
            raise PermissionDenied(_("Anda tidak berwenang melihat laporan ini."))
    return case, report


@login_required
@require_http_methods(["GET", "POST"])
def screening_create(request: HttpRequest, instrument_id: str) -> HttpResponse:
    user: Any = request.user
    if not services.can_screen(user):
        raise PermissionDenied(_("Anda tidak berwenang melakukan skrining."))
    try:
        stored = services.current_version(instrument_id)
    except ValidationError as exc:
        raise Http404 from exc
    case, report = _linked(request)
    with_subject = case is None
    instrument = stored.instrument
    if request.method == "POST":
        form = ScreeningForm(instrument, request.POST, with_subject=with_subject)
        if form.is_valid():
            d = form.cleaned_data
            subject = None
            if with_subject:
                subject = services.Subject(
                    name=d.get("child_name") or "",
                    age=d.get("child_age"),
                    sex=d.get("child_sex") or "U",
                    region=d.get("region"),
                )
            try:
                screening, _created = services.record_screening(
                    user,
                    instrument_id,
                    form.raw_answers(),
                    idempotency_key=d["submission_key"],
                    subject=subject,
                    case=case,
                    report=report,
                    version=stored.version,
                    screened_on=d.get("screened_on"),
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    form.add_service_errors(exc.message_dict)
                else:
                    form.add_error(None, refusal(exc))
            else:
                return redirect("screening:detail", screening.pk)
    else:
        initial: dict[str, Any] = {}
        if report is not None:
            named = report.children.first()
            if named is not None:
                initial.update(child_name=named.name, child_age=named.approx_age, child_sex=named.sex)
            initial["region"] = report.region_id
        form = ScreeningForm(instrument, initial=initial, with_subject=with_subject)
    return render(
        request,
        "screening/form.html",
        {
            "form": form,
            "stored": stored,
            "title": text(instrument.definition["title"]),
            "description": text(instrument.definition["description"]),
            "population": text(instrument.definition["validation"]["population"]),
            "case": case,
            "report": report,
        },
    )


@login_required
def screening_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    try:
        screening = services.read_screening(user, pk)
    except PermissionDenied:
        raise Http404 from None
    stored = screening.instrument
    definition = stored.definition
    band = stored.instrument.band(screening.band)
    answers = []
    for item in stored.instrument.answerable:
        if item["id"] in screening.answers:
            value = screening.answers[item["id"]]
            answers.append({"label": text(item["label"]), "answer": _answer_words(item, value)})
    return render(
        request,
        "screening/detail.html",
        {
            "screening": screening,
            "title": text(definition["title"]),
            "band_label": text(band["label"]),
            "population": text(definition["validation"]["population"]),
            "reasons": [{**r, "text": text(r["text"]), "answer": text(r.get("answer"))} for r in screening.reasons],
            "answers": answers,
            "trigger_note": text(definition.get("triggers", {}).get("positive", {}).get("note")),
            "sees_report": screening.filed_report_id is not None
            and Report.objects.visible_to(user).filter(pk=screening.filed_report_id).exists(),
        },
    )


def _answer_words(item: dict[str, Any], value: Any) -> str:
    if item["type"] == "yes_no":
        return {"yes": _("Ya"), "no": _("Tidak"), "unknown": _("Tidak tahu")}.get(value, str(value))
    if item["type"] in ("select_one", "select_multiple"):
        chosen = value if isinstance(value, list) else [value]
        return "; ".join(text(c["label"]) for c in item["choices"] if c["value"] in chosen)
    return str(value)


# --- Case page ------------------------------------------------------------------------------------


def _band_name(tool: external.ExternalTool | None, band: str) -> str:
    return tool.band_name(band) if tool is not None and band else band


def case_section(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    user: Any = request.user
    reports = case.reports.values("pk")
    linked = Q(case=case) | Q(report__in=reports) | Q(filed_report__in=reports)
    screenings = list(
        Screening.objects.visible_to(user).filter(linked).select_related("instrument").order_by("-created_at")[:20]
    )
    results = list(ExternalResult.objects.visible_to(user).filter(case=case)[:20])
    tools = external.tools()
    return {
        "screenings": [(s, text(s.instrument.definition["title"])) for s in screenings],
        "results": [(r, tools.get(r.tool), _band_name(tools.get(r.tool), r.band)) for r in results],
        "can_screen": services.can_screen(user),
        "can_record": can_work_on(user, case) and user.role != Role.CADRE,
        "current": [(v.instrument_id, text(v.definition["title"])) for v in services.current_versions()],
    }


@login_required
@require_http_methods(["GET", "POST"])
def external_result_create(request: HttpRequest, case_id: int) -> HttpResponse:
    user: Any = request.user
    case = Case.objects.visible_to(user).filter(pk=case_id).first()
    if case is None or not can_work_on(user, case):
        raise PermissionDenied(_("Anda tidak berwenang mencatat hasil pada kasus ini."))
    form = ExternalResultForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.record_external_result(
                user,
                case,
                tool=d["tool"],
                tool_version=d["tool_version"],
                administered_on=d["administered_on"],
                score=d.get("score"),
                band=d.get("band") or "",
                screener_name=d.get("screener_name") or "",
                note=d.get("note") or "",
            )
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
                for field, errs in exc.message_dict.items():
                    for e in errs:
                        form.add_error(field if field in form.fields else None, e)
            else:
                form.add_error(None, refusal(exc))
        else:
            messages.success(request, _("Hasil alat berlisensi dicatat."))
            return redirect(reverse("cases:detail", args=[case.pk]) + "#section-screening")
    return render(
        request,
        "screening/external_form.html",
        {"form": form, "case": case, "tools": list(external.tools().values())},
    )
