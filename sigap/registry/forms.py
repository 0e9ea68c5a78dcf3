from __future__ import annotations

from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import schema
from .models import VisitStatus

MAX_PER_VILLAGE = 500


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas registri"),
        error_messages={
            "required": _("Pilih berkas registri (CSV atau Parquet) yang akan disaring."),
            "empty": _("Berkas kosong. Pilih berkas registri yang berisi data anak."),
            "invalid": _("Berkas tidak terbaca. Pilih berkas lagi."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.parquet"}),
    )
    as_of = forms.DateField(
        label=_("Tanggal acuan usia"),
        help_text=_("Usia anak dihitung pada tanggal ini, biasanya tanggal data registri diambil."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"],
        error_messages={
            "required": _("Isi tanggal acuan usia."),
            "invalid": _("Tanggal acuan usia tidak sah. Tulis seperti 2026-01-31."),
        },
    )
    per_village = forms.IntegerField(
        label=_("Anak per desa dalam daftar penjangkauan"),
        min_value=1,
        max_value=MAX_PER_VILLAGE,
        initial=20,
        help_text=_("Paling banyak sekian anak dengan skor tertinggi per desa masuk daftar kunjungan."),
        error_messages={
            "required": _("Isi jumlah anak per desa."),
            "invalid": _("Jumlah anak per desa harus bilangan bulat."),
            "min_value": _("Jumlah anak per desa paling sedikit %(limit_value)s."),
            "max_value": _("Jumlah anak per desa paling banyak %(limit_value)s."),
        },
    )
    threshold = forms.IntegerField(
        label=_("Ambang skor (boleh dikosongkan)"),
        required=False,
        min_value=0,
        max_value=100,
        error_messages={
            "invalid": _("Ambang skor harus bilangan bulat."),
            "min_value": _("Ambang skor paling kecil %(limit_value)s."),
            "max_value": _("Ambang skor paling besar %(limit_value)s."),
        },
    )

    def __init__(self, *args: Any, default_threshold: int | None = None, max_bytes: int | None = None, **kwargs: Any):
        kwargs.setdefault("initial", {"as_of": timezone.localdate(), "per_village": 20})
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("CSV (UTF-8) atau Parquet, paling besar %(max)s. Kolom wajib: %(cols)s.") % {
            "max": filesizeformat(max_bytes or 0),
            "cols": ", ".join(schema.REQUIRED),
        }
        if default_threshold is not None:
            self.fields["threshold"].help_text = _(
                "Hanya anak dengan skor sekurang-kurangnya ambang ini yang masuk daftar. Kosongkan untuk ambang "
                "bawaan tabel poin (%(n)s)."
            ) % {"n": default_threshold}


class EntryStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status kunjungan"),
        choices=VisitStatus.choices,
        error_messages={"required": _("Pilih status kunjungan."), "invalid_choice": _("Pilih status kunjungan.")},
    )
    note = forms.CharField(label=_("Catatan"), max_length=300, required=False)
