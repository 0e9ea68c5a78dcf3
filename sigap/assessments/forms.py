"""Forms of the assessments app. They only parse input; the services validate and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sigap.intake.models import RiskLevel

from . import reference
from .models import (
    DOMAINS,
    AssessmentKind,
    CareOption,
    ConcernLevel,
    DecisionOrgType,
    ExploitationForm,
    ExploitationPurpose,
    IdentificationStatus,
    TraffickingAct,
    TraffickingMeans,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": _("Tanggal tidak valid."), "required": _("Isi tanggal.")}
BID_PANEL_ROWS = 6


def _text(label: Any, rows: int = 4, required: bool = False, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), help_text=help_text
    )


def _date(label: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=DATE, error_messages=DATE_ERRORS)


class AssessmentForm(forms.Form):
    """The draft: every domain with its concern level, screening scores, the child's own views and
    the recommended risk level. Nothing is required to save a draft; completeness is checked on
    submission."""

    kind = forms.ChoiceField(label=_("Jenis asesmen"), choices=AssessmentKind.choices)

    def __init__(self, *args: Any, with_kind: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_kind:
            del self.fields["kind"]
        concern_choices = [("", _("— belum dinilai —")), *ConcernLevel.choices]
        for text, concern, label in DOMAINS:
            self.fields[text] = _text(label)
            self.fields[concern] = forms.ChoiceField(
                label=_("Tingkat kekhawatiran"), choices=concern_choices, required=False
            )
        for instrument in reference.instruments().values():
            places = 2 if instrument.decimal else 0
            self.fields[f"score_{instrument.code}"] = forms.DecimalField(
                label=instrument.name,
                required=False,
                min_value=instrument.score_min,
                max_value=instrument.score_max,
                decimal_places=places,
                widget=forms.NumberInput(attrs={"step": "0.01" if places else "1", "inputmode": "decimal"}),
                help_text=f"{instrument.score_min}–{instrument.score_max}. {instrument.note}",
                error_messages={
                    "min_value": _("Skor minimal %(limit_value)s."),
                    "max_value": _("Skor maksimal %(limit_value)s."),
                    "invalid": _("Isi angka."),
                    "max_decimal_places": _("Terlalu banyak angka desimal."),
                },
            )
        self.fields["child_views"] = _text(
            _("Pandangan anak sendiri"),
            help_text=_(
                "Apa yang anak katakan tentang situasi dan keinginannya, dengan kata-katanya sendiri. "
                "Wajib sebelum diajukan; jika anak tidak dapat menyampaikannya, jelaskan alasannya."
            ),
        )
        self.fields["recommended_risk"] = forms.ChoiceField(
            label=_("Rekomendasi tingkat risiko"),
            choices=[("", _("— pilih —")), *RiskLevel.choices],
            required=False,
        )

    @staticmethod
    def initial_from(assessment: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {"kind": assessment.kind}
        for text, concern, _label in DOMAINS:
            initial[text] = getattr(assessment, text)
            initial[concern] = getattr(assessment, concern)
        for code, score in (assessment.mental_health_scores or {}).items():
            initial[f"score_{code}"] = score
        initial["child_views"] = assessment.child_views
        initial["recommended_risk"] = assessment.recommended_risk
        return initial

    def domain_rows(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        return [(label, self[text], self[concern]) for text, concern, label in DOMAINS]

    def score_fields(self) -> list[tuple[Any, forms.BoundField]]:
        return [(i, self[f"score_{i.code}"]) for i in reference.instruments().values()]

    def service_fields(self) -> dict[str, Any]:
        """The cleaned data as the service's keyword arguments (without ``kind``)."""
        d = self.cleaned_data
        out: dict[str, Any] = {}
        for text, concern, _label in DOMAINS:
            out[text] = d.get(text, "")
            out[concern] = d.get(concern, "")
        out["mental_health_scores"] = {
            code: d[f"score_{code}"] for code in reference.instruments() if d.get(f"score_{code}") is not None
        }
        out["child_views"] = d.get("child_views", "")
        out["recommended_risk"] = d.get("recommended_risk", "")
        return out


class SubmitForm(forms.Form):
    comment = forms.CharField(
        label=_("Catatan untuk supervisor"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BIAForm(forms.Form):
    assessed_on = _date(_("Tanggal"))
    participants = forms.CharField(
        label=_("Dilakukan oleh / yang terlibat"),
        max_length=500,
        help_text=_("Jabatan dan lembaga, mis. pekerja sosial UPTD PPA, psikolog, wali kelas."),
    )
    summary = _text(_("Ringkasan situasi anak"), required=True)
    child_views = _text(_("Pandangan anak"), required=True)
    recommendation = _text(_("Rekomendasi"), required=True)


class BIDForm(forms.Form):
    """Panel rows (at least three filled), the options considered with notes, the child's views and
    the decision with reasons."""

    child_views = _text(
        _("Pandangan anak"),
        required=True,
        help_text=_("Wajib. Jika anak tidak dapat menyampaikannya, jelaskan alasannya."),
    )
    decision = forms.ChoiceField(label=_("Keputusan"), choices=CareOption.choices, widget=forms.RadioSelect)
    reasons = _text(_("Alasan keputusan"), required=True)
    decided_on = _date(_("Tanggal keputusan"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(BID_PANEL_ROWS):
            self.fields[f"panel_name_{i}"] = forms.CharField(label=_("Nama"), max_length=120, required=False)
            self.fields[f"panel_role_{i}"] = forms.CharField(label=_("Peran / lembaga"), max_length=200, required=False)
        for code, label in CareOption.choices:
            self.fields[f"option_{code}"] = forms.BooleanField(label=label, required=False)
            self.fields[f"notes_{code}"] = forms.CharField(
                label=_("Catatan"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
            )

    def panel_rows(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return [(i + 1, self[f"panel_name_{i}"], self[f"panel_role_{i}"]) for i in range(BID_PANEL_ROWS)]

    def option_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [(code, self[f"option_{code}"], self[f"notes_{code}"]) for code in CareOption.values]

    def panel(self) -> list[dict[str, str]]:
        d = self.cleaned_data
        return [
            {"name": d.get(f"panel_name_{i}", ""), "role": d.get(f"panel_role_{i}", "")} for i in range(BID_PANEL_ROWS)
        ]

    def options(self) -> list[dict[str, str]]:
        d = self.cleaned_data
        return [
            {"option": code, "notes": d.get(f"notes_{code}", "")}
            for code in CareOption.values
            if d.get(f"option_{code}")
        ]


def _multi(label: Any, choices: Any, help_text: Any = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple, help_text=help_text
    )


class IdentificationForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Keputusan"),
        choices=IdentificationStatus.choices,
        widget=forms.RadioSelect,
        help_text=_('"Korban potensial" belum berarti anak teridentifikasi sebagai korban.'),
    )
    exploitation_forms = _multi(_("Bentuk eksploitasi"), ExploitationForm.choices)
    acts = _multi(_("Perbuatan (perdagangan anak)"), TraffickingAct.choices)
    means = _multi(
        _("Cara (perdagangan anak) — bila diketahui"),
        TraffickingMeans.choices,
        help_text=_("Tidak wajib: bagi anak, perdagangan orang terpenuhi dengan perbuatan dan tujuan eksploitasi."),
    )
    purposes = _multi(_("Tujuan eksploitasi (perdagangan anak)"), ExploitationPurpose.choices)
    ilo_indicators = _multi(
        _("Indikator kerja paksa ILO (kerja paksa anak)"),
        reference.ilo_choices,
        help_text=_("Sumber: ILO SAP-FL, Indikator Kerja Paksa, 2012."),
    )
    other_description = _text(_("Uraian eksploitasi lainnya"), rows=2)
    evidence_notes = _text(
        _("Catatan dasar keputusan"),
        required=True,
        help_text=_("Ringkas dan netral: fakta yang mendasari keputusan, tanpa rincian yang tidak perlu."),
    )
    decision_org_type = forms.ChoiceField(label=_("Jenis lembaga yang memutuskan"), choices=DecisionOrgType.choices)
    decided_by = forms.CharField(
        label=_("Diputuskan oleh"),
        max_length=200,
        help_text=_("Jabatan atau tim dan lembaganya, mis. Tim identifikasi UPTD PPA Kota Surabaya."),
    )
    decided_on = _date(_("Tanggal keputusan"))

    @staticmethod
    def initial_from(decision: Any) -> dict[str, Any]:
        names = (
            "status",
            "acts",
            "means",
            "purposes",
            "ilo_indicators",
            "other_description",
            "evidence_notes",
            "decision_org_type",
            "decided_by",
        )
        return {"exploitation_forms": decision.forms, **{n: getattr(decision, n) for n in names}}
