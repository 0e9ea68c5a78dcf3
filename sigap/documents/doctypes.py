"""Document types (``data/document_types.json``) and the files Sigap accepts, read and validated once
per process."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from sigap.text import bilingual

PATH = Path(__file__).parent / "data" / "document_types.json"
CODE = re.compile(r"^[a-z][a-z0-9_]*$")

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
# The global allow-list: extension → (the kind of content it must hold, the Content-Type served).
EXTENSIONS: dict[str, tuple[str, str]] = {
    "pdf": ("pdf", "application/pdf"),
    "jpg": ("jpeg", "image/jpeg"),
    "jpeg": ("jpeg", "image/jpeg"),
    "png": ("png", "image/png"),
    "docx": ("docx", DOCX),
    "odt": ("odt", ODT),
}


@dataclass(frozen=True)
class DocumentType:
    code: str
    name_id: str
    name_en: str
    extensions: tuple[str, ...]

    @property
    def name(self) -> str:
        return bilingual(self.name_id, self.name_en)


@cache
def types() -> dict[str, DocumentType]:
    try:
        raw = json.loads(PATH.read_text(encoding="utf-8"))["types"]
        items = [
            DocumentType(
                str(t["code"]),
                str(t["name_id"]),
                str(t["name_en"]),
                tuple(str(e).lower() for e in t.get("extensions") or EXTENSIONS),
            )
            for t in raw
        ]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ImproperlyConfigured(f"{PATH}: {exc}") from exc
    if not items:
        raise ImproperlyConfigured(f"{PATH}: no document types")
    for t in items:
        if not CODE.match(t.code):
            raise ImproperlyConfigured(f"{PATH}: bad code {t.code!r}")
        if not t.name_id or not t.name_en:
            raise ImproperlyConfigured(f"{PATH}: {t.code}: needs name_id and name_en")
        unknown = set(t.extensions) - set(EXTENSIONS)
        if unknown:
            raise ImproperlyConfigured(f"{PATH}: {t.code}: extensions outside the allow-list: {sorted(unknown)}")
    if len({t.code for t in items}) != len(items):
        raise ImproperlyConfigured(f"{PATH}: repeated code")
    return {t.code: t for t in items}


def choices() -> list[tuple[str, str]]:
    return [(t.code, t.name) for t in types().values()]


def get(code: str) -> DocumentType | None:
    return types().get(code)


def listing(extensions: tuple[str, ...] | list[str]) -> str:
    """``PDF, JPG, PNG`` — for messages (jpeg folds into jpg)."""
    shown = [e.upper() for e in extensions if e != "jpeg" or "jpg" not in extensions]
    return ", ".join(shown)
