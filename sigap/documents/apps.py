from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks


class DocumentsConfig(AppConfig):
    name = "sigap.documents"
    label = "documents"
    verbose_name = "Dokumen kasus"

    def ready(self) -> None:
        from sigap.cases import sections as case_sections

        from . import doctypes
        from .sections import TEMPLATE, context

        doctypes.types()  # fail at start when the data file is broken
        case_sections.register(case_sections.Section("documents", 60, TEMPLATE, context))
        checks.register(check_documents_dir, checks.Tags.security)


def check_documents_dir(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Documents must never sit where a static or media route could serve them."""
    from pathlib import Path

    from django.conf import settings

    from .storage import is_inside

    target = Path(settings.SIGAP_DOCUMENTS_DIR)
    served: list[Path] = []
    for value in (getattr(settings, "STATIC_ROOT", None), getattr(settings, "MEDIA_ROOT", None)):
        if value:
            served.append(Path(value))
    for entry in getattr(settings, "STATICFILES_DIRS", []):
        served.append(Path(entry[1] if isinstance(entry, (tuple, list)) else entry))
    served.append(Path(settings.BASE_DIR) / "sigap")
    errors: list[checks.CheckMessage] = []
    for path in served:
        if is_inside(target, path) or is_inside(path, target):
            errors.append(
                checks.Error(
                    f"SIGAP_DOCUMENTS_DIR ({target}) overlaps a served or source path ({path}).",
                    hint="Keep case documents outside static, media and the code (default: var/documents).",
                    id="documents.E001",
                )
            )
    return errors
