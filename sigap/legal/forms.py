from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sigap.cases.models import Case
from sigap.identity.models import FamilyMember
from sigap.people.models import Organisation

from .models import (
    POLICE_ORG_TYPE,
    AllegedPerpetrator,
    LpskRequest,
    PerpetratorRole,
    PoliceReport,
    ProsecutionEvent,
    ProtectionType,
    Restitution,
)
from .reference import country_choices, stage_choices

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_ERRORS = {"invalid": _("Tanggal tidak valid.")}
DATETIME_ERRORS = {"invalid": _("Tanggal dan jam tidak valid."), "required": _("Isi tanggal dan jam.")}


def police_units() -> Any:
    return Organisation.objects.filter(type=POLICE_ORG_TYPE, is_active=True).order_by("name")


class LegalForm(forms.ModelForm):  # type: ignore[type-arg]
    """A record form: dates as date pickers with Indonesian error messages."""

    def __init__(self, *args: Any, case: Case, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        self.user = user
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
                field.widget.is_required = field.required
                field.error_messages.update(DATE_ERRORS)


class PoliceReportForm(LegalForm):
    class Meta:
        model = PoliceReport
        fields = ["number", "reported_on", "police_unit", "organisation", "status", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "organisation": _("Pilih bila Unit PPA tersebut memakai Sigap."),
            "police_unit": _("Misalnya Unit PPA Satreskrim Polrestabes Surabaya."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = police_units()  # type: ignore[attr-defined]


class LpskRequestForm(LegalForm):
    protection_types = forms.MultipleChoiceField(
        label=_("Jenis perlindungan"),
        choices=ProtectionType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Pilih paling sedikit satu jenis perlindungan.")},
    )

    class Meta:
        model = LpskRequest
        fields = ["requested_on", "protection_types", "status", "decided_on", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class ProsecutionEventForm(LegalForm):
    stage = forms.ChoiceField(label=_("Tahap"), choices=stage_choices)

    class Meta:
        model = ProsecutionEvent
        fields = ["stage", "occurred_on", "reference_number", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class RestitutionForm(LegalForm):
    class Meta:
        model = Restitution
        fields = [
            "status",
            "claimed_amount",
            "claimed_on",
            "ordered_amount",
            "ordered_on",
            "paid_amount",
            "paid_on",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("claimed_amount", "ordered_amount", "paid_amount"):
            field = self.fields[name]
            field.widget.attrs.update({"inputmode": "numeric", "min": "0", "step": "1"})
            field.error_messages.update(
                {
                    "invalid": _("Isi angka rupiah tanpa titik atau koma."),
                    "min_value": _("Jumlah tidak boleh negatif."),
                    "max_decimal_places": _("Isi jumlah rupiah tanpa sen."),
                }
            )


class AllegedPerpetratorForm(LegalForm):
    nationality = forms.ChoiceField(
        label=_("Kewarganegaraan"), choices=lambda: [("", "—"), *country_choices()], required=False
    )
    roles = forms.MultipleChoiceField(
        label=_("Peran dalam proses"),
        choices=PerpetratorRole.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    suspicion_note = forms.CharField(
        label=_("Keterangan dugaan untuk data keluarga"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Dicatat pada data anggota keluarga yang dipilih, yang akan ditandai diduga terlibat."),
    )

    class Meta:
        model = AllegedPerpetrator
        fields = [
            "name",
            "sex",
            "estimated_age",
            "nationality",
            "relationship_to_child",
            "roles",
            "family_member",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"estimated_age": {"max_value": _("Isi perkiraan usia yang wajar.")}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = FamilyMember.objects.visible_to(self.user).filter(child_id=self.case.child_id)
        field = self.fields["family_member"]
        field.queryset = members  # type: ignore[attr-defined]
        field.help_text = _("Bila terduga pelaku adalah anggota keluarga anak: ia akan ditandai diduga terlibat.")
        field.label_from_instance = lambda m: str(m)  # type: ignore[attr-defined]


class PoliceClockForm(forms.Form):
    victim_reported_at = forms.DateTimeField(
        label=_("Waktu korban melapor ke layanan"),
        required=False,
        widget=DATETIME,
        error_messages=DATETIME_ERRORS,
        help_text=_("Kosongkan untuk memakai waktu laporan pertama kasus ini diterima."),
    )


class PoliceReferralForm(forms.Form):
    victim_reported_at = forms.DateTimeField(
        label=_("Waktu korban melapor ke layanan"),
        required=False,
        widget=DATETIME,
        error_messages=DATETIME_ERRORS,
        help_text=_("Kosongkan untuk memakai awal jam 3 × 24 jam yang berjalan (atau laporan pertama)."),
    )
    referred_at = forms.DateTimeField(
        label=_("Waktu laporan diteruskan ke kepolisian"), widget=DATETIME, error_messages=DATETIME_ERRORS
    )
    to_unit = forms.CharField(label=_("Kesatuan/unit kepolisian tujuan"), max_length=200, required=False)
    to_organisation = forms.ModelChoiceField(
        label=_("Unit PPA di Sigap"), queryset=Organisation.objects.none(), required=False
    )
    notes = forms.CharField(label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].queryset = police_units()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("to_unit") or "").strip() and not data.get("to_organisation"):
            self.add_error("to_unit", _("Isi kesatuan/unit kepolisian tujuan."))
        return data
