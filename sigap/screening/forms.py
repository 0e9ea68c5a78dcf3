"""Forms built from an instrument's items, and the licensed-tool result form."""

from __future__ import annotations

import json
import secrets
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sigap.intake.models import Sex
from sigap.regions.forms import RegionField
from sigap.text import bilingual

from . import external
from .instruments import Instrument

YES_NO_CHOICES = [("yes", _("Ya")), ("no", _("Tidak")), ("unknown", _("Tidak tahu"))]
SUBJECT_FIELDS = ("child_name", "child_age", "child_sex", "region")


def text(value: dict[str, str] | None) -> str:
    """An instrument's bilingual text in the active language."""
    return bilingual(value["id"], value["en"]) if value else ""


def field_name(item_id: str) -> str:
    return f"q_{item_id}"


def _item_field(item: dict[str, Any]) -> forms.Field:
    kind = item["type"]
    common: dict[str, Any] = {"label": text(item["label"]), "help_text": text(item.get("hint")), "required": False}
    if kind == "yes_no":
        return forms.ChoiceField(choices=YES_NO_CHOICES, widget=forms.RadioSelect, **common)
    if kind in ("select_one", "select_multiple"):
        choices = [(c["value"], text(c["label"])) for c in item["choices"]]
        if kind == "select_one":
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    if kind in ("integer", "decimal"):
        attrs = {"inputmode": "numeric" if kind == "integer" else "decimal"}
        return forms.CharField(widget=forms.TextInput(attrs=attrs), **common)
    if kind == "date":
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, **common)


class ScreeningForm(forms.Form):
    """The instrument's items as fields (``q_<item id>``), and the child's details unless the screening
    belongs to a case. Required answers and skip logic are the service's to check, so the person sees
    every problem at once and keeps what they entered."""

    submission_key = forms.CharField(widget=forms.HiddenInput)
    child_name = forms.CharField(label=_("Nama atau panggilan anak"), max_length=120, required=False)
    child_age = forms.IntegerField(label=_("Usia anak (tahun)"), min_value=0, max_value=17, required=False)
    child_sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=Sex.choices, initial=Sex.UNKNOWN, required=False)
    region = RegionField(label=_("Desa/kelurahan tempat anak tinggal"), required=False)
    screened_on = forms.DateField(
        label=_("Tanggal skrining"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, instrument: Instrument, *args: Any, with_subject: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        if not with_subject:
            for name in SUBJECT_FIELDS:
                del self.fields[name]
        if not self.is_bound:
            self.initial.setdefault("submission_key", secrets.token_urlsafe(16))
            self.initial.setdefault("screened_on", timezone.localdate())
        self.item_rows: list[dict[str, Any]] = []
        for item in instrument.items:
            row: dict[str, Any] = {"item": item, "relevant": json.dumps(item.get("relevant") or None)}
            if item["type"] != "note":
                name = field_name(item["id"])
                self.fields[name] = _item_field(item)
                row["name"] = name
                row["required"] = item.get("required", True) and item["type"] != "text"
            else:
                row["note"] = text(item["label"])
            self.item_rows.append(row)

    @property
    def subject_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in SUBJECT_FIELDS if name in self.fields]

    @property
    def items(self) -> list[dict[str, Any]]:
        rows = []
        for row in self.item_rows:
            rows.append({**row, "field": self[row["name"]] if "name" in row else None})
        return rows

    def raw_answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {item["id"]: data.get(field_name(item["id"])) for item in self.instrument.answerable}

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for key, messages in errors.items():
            name = key if key in SUBJECT_FIELDS else field_name(key)
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


class ExternalResultForm(forms.Form):
    tool = forms.ChoiceField(label=_("Alat"), choices=())
    tool_version = forms.CharField(label=_("Versi alat"), max_length=40, required=False)
    administered_on = forms.DateField(
        label=_("Tanggal"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    score = forms.DecimalField(label=_("Skor"), max_digits=7, decimal_places=2, required=False)
    band = forms.ChoiceField(label=_("Kategori hasil"), choices=(), required=False)
    screener_name = forms.CharField(
        label=_("Nama penyaring"), max_length=120, required=False, help_text=_("Jika bukan Anda.")
    )
    note = forms.CharField(label=_("Catatan"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tools = external.tools()
        tool_field = self.fields["tool"]
        band_field = self.fields["band"]
        assert isinstance(tool_field, forms.ChoiceField) and isinstance(band_field, forms.ChoiceField)
        tool_field.choices = [("", "—"), *[(t.code, t.name) for t in tools.values()]]
        bands: dict[str, str] = {}
        for tool in tools.values():
            for code, name_id, name_en in tool.bands:
                bands.setdefault(code, bilingual(name_id, name_en))
        band_field.choices = [("", "—"), *bands.items()]
