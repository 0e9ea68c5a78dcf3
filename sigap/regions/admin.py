from django.contrib import admin
from django.http import HttpRequest

from .models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    """Read-only: regions come from `manage.py load_regions`. Searchable, so other admins can use
    ``autocomplete_fields = ["region"]`` instead of a select with 91,000 options."""

    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("name", "=code")
    list_select_related = ("parent",)
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Region | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Region | None = None) -> bool:
        return False
