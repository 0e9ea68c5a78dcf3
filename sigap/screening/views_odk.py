"""Pages for offline field collection with ODK / KoboToolbox: download the forms (XLSForm and XForm),
import an export of submissions and see what was imported and which rows were not (with why)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from sigap.people.typing import AuthenticatedRequest
from sigap.text import bilingual, refusal

from . import instruments, odk, services, xlsform
from .instruments import Instrument
from .models import ValidationStatus

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _title(text: dict[str, str]) -> str:
    return bilingual(text["id"], text["en"])


def _form_titles() -> list[tuple[str, str]]:
    rows = [(i.id, _title(i.definition["title"])) for i in instruments.builtin().values()]
    return [*rows, (odk.REPORT, _title(xlsform.report_title()))]


class ImportForm(forms.Form):
    form = forms.ChoiceField(
        label=gettext_lazy("Formulir"),
        error_messages={
            "required": gettext_lazy("Pilih formulir yang kirimannya diimpor."),
            "invalid_choice": gettext_lazy("Pilih formulir dari daftar."),
        },
    )
    file = forms.FileField(
        label=gettext_lazy("Berkas ekspor kiriman"),
        error_messages={
            "required": gettext_lazy("Pilih berkas ekspor kiriman (CSV, JSON, XLSX atau ZIP dari ODK Central)."),
            "empty": gettext_lazy("Berkas kosong. Ekspor ulang kiriman dari ODK Central atau KoboToolbox."),
            "invalid": gettext_lazy("Berkas tidak terbaca. Pilih berkas lagi."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.json,.xlsx,.zip"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["form"].choices = [("", "—"), *_form_titles()]  # type: ignore[attr-defined]
        self.fields["file"].help_text = _(
            "CSV atau ZIP dari ODK Central, JSON (OData), atau CSV/XLSX/JSON dari KoboToolbox; paling besar %(max)s."
        ) % {"max": filesizeformat(odk.max_bytes())}

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > odk.max_bytes():
            raise forms.ValidationError(
                _("Berkas terlalu besar (paling besar %(max)s). Ekspor kiriman per rentang tanggal.")
                % {"max": filesizeformat(odk.max_bytes())}
            )
        return upload


def _instrument(form_id: str) -> Instrument | None:
    return instruments.builtin().get(form_id)


@login_required
@require_GET
def odk_export(request: HttpRequest) -> HttpResponse:
    """The forms to download, with how to use them. The forms hold no personal data."""
    rows = [
        {
            "id": i.id,
            "title": _title(i.definition["title"]),
            "version": i.version,
            "status": i.validation_status,
            "status_label": ValidationStatus(i.validation_status).label,
        }
        for i in instruments.builtin().values()
    ]
    report = {"id": odk.REPORT, "title": _title(xlsform.report_title()), "version": xlsform.report_version()}
    return render(
        request,
        "screening/odk_export.html",
        {"rows": rows, "report": report, "can_import": services.can_screen(request.user)},
    )


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def odk_xlsform(request: HttpRequest, form_id: str) -> HttpResponse:
    if form_id == odk.REPORT:
        return _download(xlsform.report_xlsform(), f"sigap_report-{xlsform.report_version()}.xlsx", XLSX_TYPE)
    instrument = _instrument(form_id)
    if instrument is None:
        raise Http404
    return _download(xlsform.instrument_xlsform(instrument), f"{instrument.id}-{instrument.version}.xlsx", XLSX_TYPE)


@login_required
@require_GET
def odk_xform(request: HttpRequest, form_id: str) -> HttpResponse:
    if form_id == odk.REPORT:
        xml = xlsform.report_xform_xml()
        name = f"sigap_report-{xlsform.report_version()}.xml"
    else:
        instrument = _instrument(form_id)
        if instrument is None:
            raise Http404
        xml, name = xlsform.xform_xml(instrument), f"{instrument.id}-{instrument.version}.xml"
    return _download(xml.encode("utf-8"), name, "application/xml; charset=utf-8")


@login_required
@require_http_methods(["GET", "POST"])
def odk_import(request: AuthenticatedRequest) -> HttpResponse:
    """Upload an export of submissions; the result lists what was created and every row not imported."""
    if not services.can_screen(request.user):
        raise PermissionDenied(_("Hanya petugas yang boleh melakukan skrining yang dapat mengimpor kiriman."))
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            chosen, upload = form.cleaned_data["form"], form.cleaned_data["file"]
            try:
                result = odk.import_submissions(request.user, upload, filename=upload.name or "", form=chosen)
            except (ValidationError, PermissionDenied) as exc:
                form.add_error("file", refusal(exc))
            else:
                titles = dict(_form_titles())
                return render(
                    request,
                    "screening/odk_import_result.html",
                    {"result": result, "form_title": titles.get(chosen, chosen), "filename": upload.name},
                )
        return render(request, "screening/odk_import.html", {"form": form}, status=400)
    form = ImportForm(initial={"form": request.GET.get("form", "")})
    return render(request, "screening/odk_import.html", {"form": form})
