from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sigap.audit import services as audit
from sigap.audit.models import Action
from sigap.cases.models import Case, Note, Task, TaskStatus
from sigap.cases.workflow import can_work_on
from sigap.identity.models import FamilyMember
from sigap.people.models import Organisation
from sigap.people.roles import CASEWORK_ROLES
from sigap.people.typing import AuthenticatedRequest
from sigap.text import refusal

from . import services
from .forms import OVERRIDE, ConsentForm, HandOffForm, ReasonForm, casework_users
from .models import PURPOSE_OF, Consent, HandOff, HandOffKind, HandOffStatus


def _visible_case(request: AuthenticatedRequest, pk: int) -> Case:
    case = Case.objects.visible_to(request.user).select_related("child", "organisation").filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


# --- lists -----------------------------------------------------------------------------------


def _with_due(qs: models.QuerySet[HandOff]) -> Any:
    due = Task.objects.filter(
        kind=services.RESPONSE_CLOCK,
        subject_type="handoff",
        subject_id=models.OuterRef("pk"),
        status=TaskStatus.OPEN,
    ).order_by("due_at")
    return qs.annotate(
        due_at=models.Subquery(due.values("due_at")[:1]),
        waiting=models.Case(
            models.When(status=HandOffStatus.IN_PROGRESS, then=models.Value(0)), default=models.Value(1)
        ),
    ).select_related("case", "from_organisation", "to_organisation", "to_user")


def _list(request: AuthenticatedRequest, q: models.Q, template_key: str) -> HttpResponse:
    qs = _with_due(HandOff.objects.visible_to(request.user).filter(q)).order_by("waiting", "due_at", "-created_at")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    audit.record_many(request.user, Action.LIST, page.object_list)
    context = {"page": page, "direction": template_key, "now": timezone.now()}
    return render(request, "referrals/handoff_list.html", context)


@login_required
def incoming(request: AuthenticatedRequest) -> HttpResponse:
    """Hand-offs to my organisation (or to me), those waiting for an answer first."""
    user = request.user
    q = models.Q(to_user=user)
    if user.organisation_id is not None:
        q |= models.Q(to_organisation_id=user.organisation_id)
    return _list(request, q, "incoming")


@login_required
def outgoing(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    q = models.Q(created_by=user)
    if user.organisation_id is not None:
        q |= models.Q(from_organisation_id=user.organisation_id)
    return _list(request, q, "outgoing")


# --- one hand-off ----------------------------------------------------------------------------


def _visible_handoff(request: AuthenticatedRequest, pk: int) -> HandOff:
    handoff = (
        HandOff.objects.visible_to(request.user)
        .select_related("case", "case__child", "from_organisation", "to_organisation", "to_user", "created_by")
        .select_related("responded_by", "revoked_by", "service", "consent")
        .filter(pk=pk)
        .first()
    )
    if handoff is None:
        raise Http404
    return handoff


def _detail(request: AuthenticatedRequest, handoff: HandOff, status: int = 200, **extra: Any) -> HttpResponse:
    """The hand-off page. Before acceptance the receiving side sees only what the hand-off carries:
    the service, the child's name, sex and age, the risk level, the reason and the notes the sender
    chose to share; nothing else of the case."""
    user = request.user
    case = handoff.case
    case_visible = Case.objects.visible_to(user).filter(pk=case.pk).exists()
    # The child's identity goes with a hand-off while it waits for an answer or while the person
    # may see the case; once the receiving side's access has ended (rejected, revoked, closed,
    # transferred away) the page keeps the record of the hand-off without the child.
    shows_identity = handoff.is_in_progress or case_visible
    audit.record(user, Action.VIEW, handoff)
    if shows_identity:
        audit.record(user, Action.VIEW, case.child)
    task = services.response_task(handoff)
    context = {
        "handoff": handoff,
        "shows_identity": shows_identity,
        "child": case.child,
        "risk_level": case.risk_level,
        "risk_label": case.get_risk_level_display(),
        "case_number": case.number,
        "shared_notes": list(handoff.shared_notes.filter(shareable=True, confidential=False).order_by("created_at")),
        "case_visible": case_visible,
        "due_at": task.due_at if task and task.status == TaskStatus.OPEN else None,
        "can_respond": handoff.is_in_progress and services.can_respond(user, handoff),
        "can_revoke": services.can_revoke(user, handoff),
        "can_complete": services.can_complete(user, handoff),
        "is_sender": services.is_sender(user, handoff),
        "reject_form": ReasonForm(prefix="reject"),
        "revoke_form": ReasonForm(prefix="revoke"),
        **extra,
    }
    return render(request, "referrals/detail.html", context, status=status)


@login_required
def detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _detail(request, _visible_handoff(request, pk))


@login_required
@require_POST
def accept(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    handoff = _visible_handoff(request, pk)
    try:
        services.accept_handoff(request.user, handoff.pk)
    except (ValidationError, PermissionDenied) as exc:
        return _detail(request, handoff, 400, action_error=refusal(exc))
    messages.success(request, _("Rujukan diterima."))
    return redirect("referrals:detail", pk=handoff.pk)


@login_required
@require_POST
def reject(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    handoff = _visible_handoff(request, pk)
    form = ReasonForm(request.POST, prefix="reject")
    if form.is_valid():
        try:
            services.reject_handoff(request.user, handoff.pk, form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, refusal(exc))
        else:
            messages.success(request, _("Rujukan ditolak."))
            return redirect("referrals:detail", pk=handoff.pk)
    return _detail(request, handoff, 400, reject_form=form)


@login_required
@require_POST
def revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    handoff = _visible_handoff(request, pk)
    form = ReasonForm(request.POST, prefix="revoke")
    if form.is_valid():
        try:
            services.revoke_handoff(request.user, handoff.pk, form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, refusal(exc))
        else:
            messages.success(request, _("Rujukan dibatalkan."))
            return redirect("referrals:detail", pk=handoff.pk)
    return _detail(request, handoff, 400, revoke_form=form)


@login_required
@require_POST
def complete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    handoff = _visible_handoff(request, pk)
    try:
        services.complete_handoff(request.user, handoff.pk)
    except (ValidationError, PermissionDenied) as exc:
        return _detail(request, handoff, 400, action_error=refusal(exc))
    messages.success(request, _("Rujukan ditandai selesai."))
    return redirect("referrals:detail", pk=handoff.pk)


# --- making a hand-off -----------------------------------------------------------------------


def _usable_consents(case: Case, kinds: list[str]) -> list[Consent]:
    purposes = {PURPOSE_OF[k] for k in kinds}
    return list(
        Consent.objects.usable()
        .filter(case=case, purpose__in=purposes)
        .select_related("given_by_family_member")
        .order_by("purpose", "-given_at")
    )


@login_required
def create(request: AuthenticatedRequest, case_pk: int) -> HttpResponse:
    case = _visible_case(request, case_pk)
    kinds = services.allowed_kinds(request.user, case)
    if not kinds:
        raise PermissionDenied
    audit.record(request.user, Action.VIEW, case)
    notes = Note.objects.visible_to(request.user).filter(case=case, shareable=True, confidential=False)
    consents = _usable_consents(case, kinds)
    form = HandOffForm(request.POST or None, actor=request.user, case=case, kinds=kinds, consents=consents, notes=notes)
    form.fields["to_organisation"].widget.attrs.update(
        {
            "hx-get": reverse("referrals:user_options"),
            "hx-trigger": "change",
            "hx-target": "#id_to_user",
            "hx-include": "this",
        }
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            basis = d.get("basis") or ""
            try:
                handoff = services.create_handoff(
                    request.user,
                    case.pk,
                    d["kind"],
                    d["to_organisation"].pk if d.get("to_organisation") else None,
                    to_user_id=d["to_user"].pk if d.get("to_user") else None,
                    service_type=d.get("service_type") or "",
                    reason=d["reason"],
                    details=d.get("details") or "",
                    consent_id=int(basis) if basis.isdigit() else None,
                    override=basis == OVERRIDE,
                    override_reason=d.get("override_reason") or "",
                    shared_note_ids=[n.pk for n in d.get("shared_notes") or []],
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, refusal(exc))
            else:
                messages.success(
                    request,
                    _("%(kind)s untuk kasus %(case)s dikirim.")
                    % {"kind": handoff.get_kind_display(), "case": case.number},
                )
                return redirect("referrals:detail", pk=handoff.pk)
        status = 400
    context = {
        "case": case,
        "form": form,
        "kinds": kinds,
        "requesting": kinds == [HandOffKind.TRANSFER_REQUEST],
        "has_consents": bool(consents),
        "notes_count": notes.count(),
    }
    return render(request, "referrals/handoff_form.html", context, status=status)


@login_required
def organisation_options(request: AuthenticatedRequest) -> HttpResponse:
    """Options of the receiving-organisation select, filtered by name (htmx)."""
    if not request.user.has_role(*CASEWORK_ROLES):
        raise PermissionDenied
    q = request.GET.get("q", "").strip()
    orgs = Organisation.objects.filter(is_active=True).order_by("name")
    if q:
        orgs = orgs.filter(name__icontains=q)
    selected = request.GET.get("to_organisation", "")
    return render(
        request, "referrals/_organisation_options.html", {"organisations": orgs[:100], "selected": selected, "q": q}
    )


@login_required
def user_options(request: AuthenticatedRequest) -> HttpResponse:
    """Options of the receiving-user select for the chosen organisation (htmx)."""
    if not request.user.has_role(*CASEWORK_ROLES):
        raise PermissionDenied
    raw = request.GET.get("to_organisation", "")
    users = casework_users(int(raw)) if raw.isdigit() else casework_users(None)
    return render(request, "referrals/_user_options.html", {"users": users})


# --- consent ---------------------------------------------------------------------------------


def _consent_page(
    request: AuthenticatedRequest, case: Case, form: ConsentForm | None = None, status: int = 200, **extra: Any
) -> HttpResponse:
    family = FamilyMember.objects.visible_to(request.user).filter(child=case.child)
    can_edit = can_work_on(request.user, case)
    consents = list(
        Consent.objects.visible_to(request.user)
        .filter(case=case)
        .select_related("given_by_family_member", "recorded_by", "withdrawn_by", "case")
    )
    usable = set(Consent.objects.usable().filter(case=case).values_list("pk", flat=True))
    rows = [(c, c.pk in usable, None if c.pk in usable else services.consent_problem(c)) for c in consents]
    audit.record(request.user, Action.VIEW, case)
    audit.record(request.user, Action.VIEW, case.child)
    context = {
        "case": case,
        "rows": rows,
        "can_edit": can_edit and case.is_open,
        "can_withdraw": can_edit,
        "form": form or ConsentForm(family=family),
        "parent_blocked": services.suspected_parent_or_guardian(case.child_id),
        **extra,
    }
    return render(request, "referrals/consents.html", context, status=status)


@login_required
def consents(request: AuthenticatedRequest, case_pk: int) -> HttpResponse:
    case = _visible_case(request, case_pk)
    if request.method != "POST":
        return _consent_page(request, case)
    family = FamilyMember.objects.visible_to(request.user).filter(child=case.child)
    form = ConsentForm(request.POST, family=family)
    if form.is_valid():
        d = form.cleaned_data
        member = d.get("given_by_family_member")
        try:
            with transaction.atomic():
                for purpose in d["purposes"]:
                    services.record_consent(
                        request.user,
                        case.pk,
                        purpose=purpose,
                        basis=d["basis"],
                        scope=d["scope"],
                        law=d.get("law") or "",
                        given_by_child=bool(d.get("given_by_child")),
                        given_by_family_member_id=member.pk if member else None,
                        given_by_name=d.get("given_by_name") or "",
                        given_at=d.get("given_at"),
                    )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, refusal(exc))
        else:
            messages.success(request, _("Persetujuan / dasar hukum dicatat."))
            return redirect("referrals:consents", case_pk=case.pk)
    return _consent_page(request, case, form, 400)


@login_required
@require_POST
def withdraw_consent(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    consent = Consent.objects.visible_to(request.user).filter(pk=pk).first()
    if consent is None:
        raise Http404
    case = _visible_case(request, consent.case_id)
    form = ReasonForm(request.POST, prefix=f"withdraw-{consent.pk}")
    if form.is_valid():
        try:
            services.withdraw_consent(request.user, consent.pk, form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, refusal(exc))
        else:
            messages.success(request, _("Persetujuan ditarik."))
            return redirect("referrals:consents", case_pk=case.pk)
    return _consent_page(request, case, status=400, withdraw_form=form, withdraw_pk=consent.pk)


# --- the case page's section -----------------------------------------------------------------


def case_section(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    user = request.user
    consents = list(Consent.objects.visible_to(user).filter(case=case).select_related("given_by_family_member", "case"))
    usable = set(Consent.objects.usable().filter(case=case).values_list("pk", flat=True))
    handoffs = list(
        HandOff.objects.visible_to(user)
        .filter(case=case)
        .select_related("from_organisation", "to_organisation", "to_user")
    )
    audit.record_many(user, Action.LIST, [*consents, *handoffs])
    kinds = services.allowed_kinds(user, case) if case.is_open else []
    return {
        "consents": [(c, c.pk in usable) for c in consents],
        "handoffs": handoffs,
        "can_handoff": bool(kinds),
        "can_request_transfer": kinds == [HandOffKind.TRANSFER_REQUEST],
        "can_edit_consents": can_work_on(user, case),
    }
