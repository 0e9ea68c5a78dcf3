from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sigap.intake.models import Sex
from sigap.regions.forms import RegionField


class OpenCaseForm(forms.Form):
    """Either an existing child (``existing_child``) or the data of a new child record."""

    reported_child = forms.IntegerField(required=False, widget=forms.HiddenInput)
    existing_child = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Nama lengkap anak"), max_length=120, required=False)
    nickname = forms.CharField(label=_("Nama panggilan"), max_length=60, required=False)
    sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=Sex.choices, initial=Sex.UNKNOWN)
    birth_date = forms.DateField(
        label=_("Tanggal lahir"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Tanggal tidak valid.")},
    )
    approx_age = forms.IntegerField(
        label=_("Perkiraan usia (tahun)"),
        required=False,
        min_value=0,
        max_value=17,
        error_messages={"max_value": _("Isi usia 0 sampai 17."), "min_value": _("Isi usia 0 sampai 17.")},
    )
    region = RegionField(label=_("Tempat tinggal anak"), required=False)

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if not data.get("existing_child") and not (
            (data.get("name") or "").strip() or (data.get("nickname") or "").strip()
        ):
            self.add_error("name", _("Isi nama atau nama panggilan anak, atau pilih anak yang sudah terdaftar."))
        return data


class AttachForm(forms.Form):
    case = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": _("Pilih kasus dari hasil pencarian.")}
    )
    note = forms.CharField(label=_("Catatan"), max_length=500, required=False)
