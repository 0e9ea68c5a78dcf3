"""Small text helpers shared by every app."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _


def english() -> bool:
    """Whether the page is being served in English (Bahasa Indonesia is the source language)."""
    return (get_language() or "id").startswith("en")


def bilingual(text_id: str, text_en: str) -> str:
    """The text of a reference-data entry (which carries both) in the active language."""
    return text_en if english() else text_id


def refusal(exc: ValidationError | PermissionDenied) -> str:
    """One line to show on a form when a service refuses: the validation messages, or the
    permission message (a generic one if the refusal carries none)."""
    messages = getattr(exc, "messages", None) or ([str(exc)] if str(exc) else [])
    return " ".join(messages) or _("Anda tidak berwenang melakukan tindakan ini.")
