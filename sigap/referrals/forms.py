from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from sigap.cases.models import Case, Note
from sigap.identity.models import FamilyMember
from sigap.people.models import Organisation, User
from sigap.people.roles import CASEWORK_ROLES, Permission
from sigap.plans import catalogue

from .models import Basis, Consent, HandOffKind, Law, Purpose, ReferralReason

OVERRIDE = "override"


def casework_users(organisation_id: int | None) -> QuerySet[User]:
    if organisation_id is None:
        return User.objects.none()
    return User.objects.filter(organisation_id=organisation_id, is_active=True, role__in=CASEWORK_ROLES).order_by(
        "first_name", "username"
    )


class UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.get_username()} · {obj.get_role_display()}"


class NoteChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        when = timezone.localtime(obj.created_at).strftime("%d-%m-%Y")
        return f"{when}: {Truncator(obj.text).chars(160)}"


def consent_label(consent: Consent) -> str:
    giver = consent.giver
    when = timezone.localtime(consent.given_at).strftime("%d-%m-%Y")
    text = f"{consent.get_purpose_display()} — {consent.basis_label}"
    if giver:
        text += f" — {giver}"
    return f"{text} ({when})"


class HandOffForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis"), widget=forms.RadioSelect)
    to_organisation = forms.ModelChoiceField(
        label=_("Organisasi penerima"),
        queryset=Organisation.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label=_("— pilih organisasi —"),
        error_messages={"invalid_choice": _("Pilih organisasi penerima yang aktif.")},
    )
    to_user = UserChoiceField(
        label=_("Pengguna penerima (opsional untuk rujukan dan pengalihan)"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— siapa saja di organisasi penerima —"),
        error_messages={"invalid_choice": _("Pilih pekerja kasus dari organisasi penerima.")},
    )
    service_type = forms.ChoiceField(label=_("Layanan yang diminta"), required=False)
    reason = forms.ChoiceField(
        label=_("Alasan"), choices=ReferralReason.choices, initial=ReferralReason.ADDITIONAL_SERVICES
    )
    details = forms.CharField(
        label=_("Keterangan"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Pengaturan khusus dan logistik. Jangan menuliskan informasi yang tidak perlu diketahui penerima."),
    )
    basis = forms.ChoiceField(label=_("Dasar rujukan"), required=False, widget=forms.RadioSelect)
    override_reason = forms.CharField(
        label=_("Alasan pengecualian"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    shared_notes = NoteChoiceField(
        label=_("Catatan yang dibagikan kepada penerima sebelum menerima"),
        queryset=Note.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        actor: User,
        case: Case,
        kinds: list[str],
        consents: list[Consent],
        notes: QuerySet[Note],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        f = self.fields
        f["kind"].choices = [(k, HandOffKind(k).label) for k in kinds]  # type: ignore[attr-defined]
        if len(kinds) == 1:
            f["kind"].initial = kinds[0]
        f["service_type"].choices = [("", _("— pilih layanan —")), *catalogue.choices()]  # type: ignore[attr-defined]
        basis_choices: list[tuple[str, Any]] = [("", _("Otomatis: dasar terbaru yang berlaku untuk tujuan rujukan"))]
        basis_choices += [(str(c.pk), consent_label(c)) for c in consents]
        if actor.can(Permission.HANDOFF_OVERRIDE):
            basis_choices.append((OVERRIDE, _("Pengecualian tanpa persetujuan (wajib menuliskan alasan)")))
        f["basis"].choices = basis_choices  # type: ignore[attr-defined]
        f["shared_notes"].queryset = notes  # type: ignore[attr-defined]
        org_id: int | None = None  # the users of the chosen organisation are loaded when it is chosen
        if self.is_bound:
            raw = self.data.get(self.add_prefix("to_organisation"))
            org_id = int(raw) if raw and str(raw).isdigit() else None
        f["to_user"].queryset = casework_users(org_id)  # type: ignore[attr-defined]
        self.organisation_id = org_id

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == HandOffKind.REFERRAL and not data.get("service_type"):
            self.add_error("service_type", _("Pilih layanan yang dirujuk."))
        if kind in (HandOffKind.REFERRAL, HandOffKind.TRANSFER) and not data.get("to_organisation"):
            self.add_error("to_organisation", _("Pilih organisasi penerima."))
        if kind == HandOffKind.ASSIGNMENT and not data.get("to_user"):
            self.add_error("to_user", _("Pilih pekerja kasus yang akan ditugaskan."))
        if data.get("basis") == OVERRIDE and not (data.get("override_reason") or "").strip():
            self.add_error("override_reason", _("Tuliskan alasan pengecualian."))
        return data


class FamilyMemberChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        label = str(obj)
        if obj.suspected_involvement:
            label += " — " + str(_("diduga terlibat"))
        return label


class ConsentForm(forms.Form):
    purposes = forms.MultipleChoiceField(
        label=_("Tujuan yang dicakup"),
        choices=Purpose.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Pilih minimal satu tujuan.")},
    )
    basis = forms.ChoiceField(
        label=_("Dasar"),
        choices=Basis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih dasar pemrosesan data.")},
    )
    law = forms.ChoiceField(
        label=_("Undang-undang (untuk kewajiban hukum)"), choices=[("", "—"), *Law.choices], required=False
    )
    given_by_family_member = FamilyMemberChoiceField(
        label=_("Diberikan oleh anggota keluarga"),
        queryset=FamilyMember.objects.none(),
        required=False,
        empty_label=_("— bukan anggota keluarga yang tercatat —"),
    )
    given_by_name = forms.CharField(
        label=_("Atau nama orang dewasa lain yang memberikan persetujuan"), required=False, max_length=120
    )
    given_by_child = forms.BooleanField(label=_("Anak juga memberikan persetujuan (assent)"), required=False)
    given_at = forms.DateTimeField(
        label=_("Waktu diberikan"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        error_messages={"invalid": _("Waktu tidak valid.")},
    )
    scope = forms.CharField(
        label=_("Cakupan: informasi apa yang boleh dibagikan kepada siapa"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Tuliskan cakupan persetujuan.")},
    )

    def __init__(self, *args: Any, family: QuerySet[FamilyMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["given_by_family_member"].queryset = family  # type: ignore[attr-defined]
        if not self.is_bound:
            self.fields["given_at"].initial = timezone.localtime().replace(second=0, microsecond=0)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("basis") == Basis.LEGAL_OBLIGATION and not data.get("law"):
            self.add_error("law", _("Pilih undang-undang yang menjadi dasar kewajiban hukum."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Tuliskan alasannya.")},
    )
