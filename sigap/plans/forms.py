from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sigap.people.models import Organisation

from . import catalogue
from .models import CasePlan, GoalStatus

DATE_ERRORS = {"invalid": _("Tanggal tidak valid.")}


def _date_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={**DATE_ERRORS, "required": _("Isi tanggal.")},
    )


class PlanForm(forms.Form):
    objectives = forms.CharField(
        label=_("Tujuan rencana"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Apa yang ingin dicapai bersama anak dan keluarganya."),
        error_messages={"required": _("Tuliskan tujuan rencana kasus.")},
    )
    action_plan = forms.CharField(
        label=_("Rencana tindakan"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("Langkah-langkah, siapa melakukan apa dan kapan."),
    )
    planned_end = _date_field(_("Rencana selesai"), required=False)


class GoalForm(forms.Form):
    description = forms.CharField(
        label=_("Tujuan baru"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": _("Tuliskan tujuan yang ingin dicapai.")},
    )


class GoalUpdateForm(forms.Form):
    description = forms.CharField(
        label=_("Tujuan"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices)


class ServiceForm(forms.Form):
    service_type = forms.ChoiceField(
        label=_("Jenis layanan"), error_messages={"required": _("Pilih jenis layanan dari katalog.")}
    )
    provider = forms.ModelChoiceField(
        label=_("Organisasi penyedia"),
        queryset=Organisation.objects.none(),
        help_text=_("Layanan oleh organisasi lain biasanya diminta melalui rujukan."),
        error_messages={"required": _("Pilih organisasi penyedia layanan.")},
    )
    goal = forms.TypedChoiceField(label=_("Untuk tujuan"), required=False, coerce=int, empty_value=None)
    requested_on = _date_field(
        _("Tanggal permohonan"),
        help_text=_("Tenggat 7 hari untuk rehabilitasi, pemulangan dan reintegrasi dihitung dari tanggal ini."),
    )
    notes = forms.CharField(label=_("Catatan"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, plan: CasePlan | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        service_type = self.fields["service_type"]
        assert isinstance(service_type, forms.ChoiceField)
        service_type.choices = [("", "—"), *catalogue.grouped_choices()]
        provider = self.fields["provider"]
        assert isinstance(provider, forms.ModelChoiceField)
        provider.queryset = Organisation.objects.filter(is_active=True).order_by("name")
        goals = list(plan.goals.all()) if plan else []
        goal = self.fields["goal"]
        assert isinstance(goal, forms.ChoiceField)
        goal.choices = [("", "—"), *((g.pk, g.description[:80]) for g in goals)]
        if not goals:
            goal.widget = forms.HiddenInput()
        self.fields["requested_on"].initial = timezone.localdate()


class StartForm(forms.Form):
    started_on = _date_field(_("Tanggal mulai"))


class CompleteForm(forms.Form):
    completed_on = _date_field(_("Tanggal selesai"))
    outcome = forms.CharField(
        label=_("Hasil layanan"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Tuliskan hasil layanan.")},
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Tuliskan alasannya.")},
    )


class SubmitForm(forms.Form):
    prefix = "plan"  # the case page holds other sections' forms
    comment = forms.CharField(
        label=_("Catatan untuk supervisor"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
