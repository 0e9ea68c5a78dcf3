from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from . import doctypes


class UploadForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Jenis dokumen"), choices=doctypes.choices)
    title = forms.CharField(
        label=_("Judul"),
        max_length=200,
        required=False,
        help_text=_("Misalnya: Surat pemberitahuan perkembangan penyidikan (SP2HP). Jangan tulis nama anak."),
    )
    file = forms.FileField(
        label=_("Berkas"),
        error_messages={
            "required": _("Pilih berkas yang akan diunggah."),
            "empty": _("Berkas kosong. Pilih berkas yang berisi dokumen."),
            "invalid": _("Berkas tidak terbaca. Pilih berkas lagi."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.odt"}),
    )
    confidential = forms.BooleanField(
        label=_("Rahasia: hanya organisasi pemilik kasus yang dapat mengunduh"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF, JPG, PNG, DOCX atau ODT; paling besar %(max)s.") % {"max": _max_size()}


def _max_size() -> str:
    from django.template.defaultfilters import filesizeformat

    from .services import max_bytes

    return str(filesizeformat(max_bytes()))


class DeleteForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan penghapusan"),
        max_length=300,
        error_messages={"required": _("Tuliskan alasan penghapusan.")},
        widget=forms.Textarea(attrs={"rows": 2}),
    )
