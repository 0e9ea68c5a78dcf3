from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import InstrumentVersion


@admin.register(InstrumentVersion)
class InstrumentVersionAdmin(admin.ModelAdmin):
    """Instrument versions with their licence and validation status. Read-only: instruments change by
    editing their data file and raising the version, never here, so old results stay as scored."""

    list_display = ("title", "instrument_id", "version", "licence", "validation_status", "is_current", "loaded_at")
    list_filter = ("validation_status", "is_current", "instrument_id")
    search_fields = ("title", "instrument_id")
    readonly_fields = (
        "instrument_id",
        "version",
        "title",
        "licence",
        "validation_status",
        "is_current",
        "digest",
        "loaded_at",
        "definition",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
