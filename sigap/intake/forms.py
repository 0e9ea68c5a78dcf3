from __future__ import annotations

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sigap.regions.forms import RegionField

from . import reference
from .models import Channel, CloseReason, RiskLevel, Sex
from .services import ChildInput, ReportInput

MAX_CHILDREN = 3


class ReportForm(forms.Form):
    """The public report form; logged-in operators and reporters also choose the channel."""

    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    channel = forms.ChoiceField(
        label=_("Saluran laporan"), choices=Channel.choices, initial=Channel.WEB, required=False
    )
    description = forms.CharField(
        label=_("Apa yang terjadi?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_("Ceritakan apa yang Anda lihat atau ketahui: siapa, apa yang dilakukan anak, sejak kapan."),
        error_messages={"required": _("Ceritakan apa yang terjadi.")},
    )
    concerns = forms.MultipleChoiceField(
        label=_("Jenis kekhawatiran"),
        choices=reference.concern_choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Pilih minimal satu jenis kekhawatiran.")},
    )
    region = RegionField(label=_("Di mana?"), required=False)
    location_detail = forms.CharField(
        label=_("Keterangan lokasi"),
        max_length=300,
        required=False,
        help_text=_("Nama jalan, tempat, atau patokan. Boleh dikosongkan."),
    )
    occurred_on = forms.DateField(
        label=_("Tanggal kejadian"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Tanggal tidak valid.")},
    )
    occurred_text = forms.CharField(
        label=_("Keterangan waktu"),
        max_length=200,
        required=False,
        help_text=_("Misalnya: setiap malam sejak bulan lalu."),
    )
    anonymous = forms.BooleanField(label=_("Saya ingin melapor tanpa nama (anonim)"), required=False)
    reporter_name = forms.CharField(label=_("Nama Anda"), max_length=120, required=False)
    reporter_phone = forms.CharField(
        label=_("Nomor telepon / WhatsApp"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    reporter_email = forms.EmailField(
        label=_("Email"), required=False, error_messages={"invalid": _("Alamat email tidak valid.")}
    )
    consent_to_contact = forms.BooleanField(
        label=_("Saya bersedia dihubungi petugas tentang laporan ini"), required=False
    )

    def __init__(self, *args, show_channel: bool = False, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4().hex)
        if not show_channel:
            del self.fields["channel"]

    def child_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [(self[f"child_{i}_name"], self[f"child_{i}_age"], self[f"child_{i}_sex"]) for i in range(MAX_CHILDREN)]

    def clean_occurred_on(self):  # type: ignore[no-untyped-def]
        value = self.cleaned_data.get("occurred_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("Tanggal kejadian tidak boleh di masa depan."))
        return value

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        wants_contact = not data.get("anonymous") and data.get("consent_to_contact")
        if wants_contact and not (data.get("reporter_phone") or data.get("reporter_email")):
            self.add_error("reporter_phone", _("Isi nomor telepon atau email agar petugas dapat menghubungi Anda."))
        if not data.get("region") and not (data.get("location_detail") or "").strip():
            self.add_error("region", _("Pilih wilayah atau tuliskan keterangan lokasi."))
        return data

    def to_input(self) -> ReportInput:
        d = self.cleaned_data
        children = []
        for i in range(MAX_CHILDREN):
            name, age, sex = (
                d.get(f"child_{i}_name") or "",
                d.get(f"child_{i}_age"),
                d.get(f"child_{i}_sex") or Sex.UNKNOWN,
            )
            if name.strip() or age is not None or sex != Sex.UNKNOWN:
                children.append(ChildInput(name=name, approx_age=age, sex=sex))
        return ReportInput(
            description=d["description"],
            concerns=list(d["concerns"]),
            region=d.get("region"),
            location_detail=d.get("location_detail") or "",
            occurred_on=d.get("occurred_on"),
            occurred_text=d.get("occurred_text") or "",
            children=children,
            anonymous=bool(d.get("anonymous")),
            reporter_name=d.get("reporter_name") or "",
            reporter_phone=d.get("reporter_phone") or "",
            reporter_email=d.get("reporter_email") or "",
            consent_to_contact=bool(d.get("consent_to_contact")),
            channel=d.get("channel") or Channel.WEB,
        )


def _child_fields(i: int) -> dict[str, forms.Field]:
    return {
        f"child_{i}_name": forms.CharField(label=_("Nama atau panggilan"), max_length=120, required=False),
        f"child_{i}_age": forms.IntegerField(
            label=_("Perkiraan usia (tahun)"),
            required=False,
            min_value=0,
            max_value=17,
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            error_messages={
                "min_value": _("Usia tidak boleh negatif."),
                "max_value": _("Laporan ini untuk anak di bawah 18 tahun. Isi usia 0 sampai 17."),
                "invalid": _("Isi usia dengan angka."),
            },
        ),
        f"child_{i}_sex": forms.ChoiceField(
            label=_("Jenis kelamin"), choices=Sex.choices, initial=Sex.UNKNOWN, required=False
        ),
    }


# Up to MAX_CHILDREN children, as numbered fields declared once (each form copies them).
for _i in range(MAX_CHILDREN):
    ReportForm.base_fields.update(_child_fields(_i))


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Kode lacak"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "autocomplete": "off", "placeholder": "ABCDE-FGHJK"}
        ),
        error_messages={"required": _("Masukkan kode lacak Anda.")},
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().upper().replace(" ", "")
        if len(code) == 10 and "-" not in code:
            code = f"{code[:5]}-{code[5:]}"
        return code


class TriageForm(forms.Form):
    risk_level = forms.ChoiceField(
        label=_("Tingkat risiko"),
        choices=RiskLevel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih tingkat risiko.")},
    )
    risk_reason = forms.CharField(
        label=_("Alasan"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Tuliskan alasan penilaian risiko.")},
    )


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Alasan penutupan"),
        choices=CloseReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih alasan penutupan.")},
    )
    note = forms.CharField(
        label=_("Catatan"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
