from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sigap.identity.models import FamilyMember
from sigap.intake.models import RiskLevel, Sex
from sigap.regions.forms import RegionField

from .models import ClosureReason, LegalContact, LivingSituation, SocialSupport, YesNoUnknown

# Forms of exploitation a follow-up can record (HTCDS vic_TypeOfExploitation codes).
RE_EXPLOITATION_FORMS = [
    ("ChildLabour", _("Pekerja anak / bentuk pekerjaan terburuk")),
    ("ForcedLabour", _("Kerja paksa")),
    ("SexualExploitation", _("Eksploitasi seksual komersial")),
    ("ForcedBegging", _("Dipaksa mengemis")),
    ("ForcedMarriage", _("Perkawinan paksa")),
    ("Other", _("Lainnya")),
]


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


class DecisionForm(forms.Form):
    comment = forms.CharField(label=_("Catatan keputusan"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ClosureForm(forms.Form):
    reason = forms.ChoiceField(label=_("Alasan penutupan"), choices=[("", "—"), *ClosureReason.choices])
    note = forms.CharField(label=_("Keterangan"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    comment = forms.CharField(label=_("Catatan untuk supervisor"), required=False)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Alasan membuka kembali"), widget=forms.Textarea(attrs={"rows": 3}))


class RiskForm(forms.Form):
    risk_level = forms.ChoiceField(label=_("Tingkat risiko"), choices=RiskLevel.choices)
    reason = forms.CharField(label=_("Alasan perubahan"), widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Catatan"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    confidential = forms.BooleanField(label=_("Rahasia (hanya organisasi pemilik kasus)"), required=False)
    shareable = forms.BooleanField(label=_("Boleh dibagikan saat rujukan ke organisasi lain"), required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("confidential") and data.get("shareable"):
            raise forms.ValidationError(_("Catatan rahasia tidak dapat dibagikan. Pilih salah satu."))
        return data


class FamilyMemberForm(forms.ModelForm):
    class Meta:
        model = FamilyMember
        fields = [
            "name",
            "relationship",
            "is_caregiver",
            "is_legal_guardian",
            "lives_with_child",
            "phone",
            "suspected_involvement",
            "suspicion_note",
        ]
        widgets = {"suspicion_note": forms.Textarea(attrs={"rows": 2})}

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("suspected_involvement") and not str(data.get("suspicion_note") or "").strip():
            self.add_error("suspicion_note", _("Jelaskan dasar dugaan keterlibatan."))
        return data


class FollowUpForm(forms.Form):
    done_on = forms.DateField(
        label=_("Tanggal pemantauan"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Tanggal tidak valid.")},
    )
    re_exploited = forms.ChoiceField(label=_("Kembali tereksploitasi"), choices=YesNoUnknown.choices)
    re_exploitation_forms = forms.MultipleChoiceField(
        label=_("Bentuk eksploitasi (jika ya)"),
        choices=RE_EXPLOITATION_FORMS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    in_school = forms.ChoiceField(label=_("Bersekolah"), choices=YesNoUnknown.choices)
    living_situation = forms.ChoiceField(label=_("Tempat tinggal anak"), choices=LivingSituation.choices)
    social_support = forms.ChoiceField(label=_("Dukungan sosial"), choices=SocialSupport.choices)
    legal_contact = forms.ChoiceField(label=_("Proses hukum"), choices=LegalContact.choices)
    mental_health_instrument = forms.CharField(
        label=_("Instrumen skrining kesehatan jiwa (jika dipakai)"), required=False, max_length=40
    )
    mental_health_score = forms.DecimalField(label=_("Skor"), required=False, max_digits=6, decimal_places=1)
    notes = forms.CharField(label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("re_exploited") == YesNoUnknown.YES and not data.get("re_exploitation_forms"):
            self.add_error("re_exploitation_forms", _("Pilih bentuk eksploitasi yang dialami kembali."))
        if bool(data.get("mental_health_instrument")) != (data.get("mental_health_score") is not None):
            self.add_error("mental_health_score", _("Isi nama instrumen dan skornya bersama-sama."))
        return data
