from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm

from .models import Organisation, User
from .roles import Permission


class SigapUserChangeForm(UserChangeForm):
    granted_permissions = forms.MultipleChoiceField(
        label="Izin tambahan", choices=Permission.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "jurisdiction", "is_active"]
    list_filter = ["type", "is_active"]
    search_fields = ["name"]
    raw_id_fields = ["jurisdiction"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("Sigap", {"fields": ("organisation", "role", "record_scope", "granted_permissions", "phone")}),
    )
    form = SigapUserChangeForm
    raw_id_fields = ["organisation"]
