from django.contrib import admin

from .models import ResponseClock, RoutingRule


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    """Routing rules are data: a system admin edits them here."""

    list_display = ["name", "priority", "concern_type", "region", "organisation_type", "organisation", "is_active"]
    list_editable = ["priority", "is_active"]
    raw_id_fields = ["region", "organisation"]


@admin.register(ResponseClock)
class ResponseClockAdmin(admin.ModelAdmin):
    list_display = ["risk_level", "hours"]
