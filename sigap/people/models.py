"""Organisations, the people who work in them, and their roles and record scopes."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from sigap.regions.models import Region

from . import orgtypes
from .roles import AGGREGATE_ONLY_ROLES, DEFAULT_SCOPE, ROLE_PERMISSIONS, Permission, Role, Scope


class Organisation(models.Model):
    name = models.CharField(_("nama"), max_length=200)
    type = models.CharField(_("jenis"), max_length=32, choices=orgtypes.choices, db_index=True)
    jurisdiction = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("wilayah kerja"),
        help_text=_("Kosongkan untuk organisasi nasional."),
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("telepon"), max_length=40, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisasi")
        verbose_name_plural = _("organisasi")
        indexes = [models.Index(fields=["type", "jurisdiction", "is_active"])]

    def __str__(self) -> str:
        return self.name

    @property
    def type_info(self) -> orgtypes.OrganisationType:
        return orgtypes.get(self.type)

    @property
    def is_national(self) -> bool:
        return self.jurisdiction_id is None


class User(AbstractUser):
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("organisasi"),
    )
    role = models.CharField(_("peran"), max_length=32, choices=Role.choices, default=Role.COMMUNITY_REPORTER)
    record_scope = models.CharField(
        _("cakupan data"),
        max_length=16,
        choices=Scope.choices,
        blank=True,
        help_text=_("Kosongkan untuk memakai cakupan bawaan peran."),
    )
    phone = models.CharField(_("telepon"), max_length=40, blank=True)
    granted_permissions = models.JSONField(
        _("izin tambahan"),
        default=list,
        blank=True,
        help_text=_("Izin di luar bawaan peran, diberikan oleh admin, misalnya self_approve atau read_perpetrators."),
    )

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    @property
    def scope(self) -> str:
        """The record scope in force: aggregate-only roles never get identities."""
        if self.role in AGGREGATE_ONLY_ROLES:
            return Scope.NONE
        return self.record_scope or DEFAULT_SCOPE[self.role]

    @property
    def sees_identities(self) -> bool:
        return self.is_active and self.scope != Scope.NONE

    def has_role(self, *roles: str) -> bool:
        return self.is_authenticated and self.is_active and self.role in roles

    @property
    def permissions(self) -> frozenset[str]:
        if not (self.is_authenticated and self.is_active) or self.role in AGGREGATE_ONLY_ROLES:
            return frozenset()
        granted = {p for p in (self.granted_permissions or []) if p in Permission.values}
        return ROLE_PERMISSIONS.get(self.role, frozenset()) | granted

    def can(self, permission: str) -> bool:
        """Whether this person holds ``permission`` (a :class:`Permission`), by role or by grant."""
        return permission in self.permissions
