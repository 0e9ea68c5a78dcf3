"""Indonesia's administrative areas (Kemendagri codes) and the mixin that places a record in them.

Codes are hierarchical: ``32`` (province) > ``32.04`` (regency/city) > ``32.04.12`` (district)
> ``32.04.12.2003`` (village), so the ancestors of a region are read off its code.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    PROVINCE = 1, _("Provinsi")
    REGENCY = 2, _("Kabupaten/Kota")
    DISTRICT = 3, _("Kecamatan")
    VILLAGE = 4, _("Desa/Kelurahan")


def level_of(code: str) -> int:
    """The administrative level of a Kemendagri code, from its number of segments."""
    return code.count(".") + 1


def ancestor_codes(code: str) -> list[str]:
    """The codes from the region itself up to its province: ``32.04.12`` → [``32.04.12``, ``32.04``, ``32``]."""
    parts = code.split(".")
    return [".".join(parts[:n]) for n in range(len(parts), 0, -1)]


class Region(models.Model):
    code = models.CharField(_("kode Kemendagri"), max_length=13, primary_key=True)
    name = models.CharField(_("nama"), max_length=100, db_index=True)
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("induk")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        indexes = [models.Index(fields=["parent", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def kind(self) -> str:
        """A readable kind: Provinsi, Kabupaten, Kota, Kecamatan, Desa or Kelurahan."""
        if self.level == Level.REGENCY:
            return "Kota" if self.name.startswith("Kota ") else "Kabupaten"
        if self.level == Level.VILLAGE:
            # Kemendagri: the 4th segment starts with 1 for a kelurahan, 2 for a desa.
            return "Kelurahan" if self.code.rsplit(".", 1)[-1].startswith("1") else "Desa"
        return str(Level(self.level).label)

    def ancestors(self) -> list[Region]:
        """This region and its ancestors, from the province down."""
        codes = ancestor_codes(self.code)
        found = {r.code: r for r in Region.objects.filter(code__in=codes)}
        return [found[c] for c in reversed(codes) if c in found]

    def full_name(self) -> str:
        return ", ".join(r.name for r in reversed(self.ancestors()))


LEVEL_FIELDS = {
    Level.PROVINCE: "province_code",
    Level.REGENCY: "regency_code",
    Level.DISTRICT: "district_code",
    Level.VILLAGE: "region_id",
}


class Placed(models.Model):
    """A record with a place: the most specific region known, and its ancestors denormalised.

    The ancestor codes make "inside this jurisdiction" an indexed equality test at any level.
    """

    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("wilayah")
    )
    province_code = models.CharField(max_length=2, blank=True, default="", db_index=True, editable=False)
    regency_code = models.CharField(max_length=5, blank=True, default="", db_index=True, editable=False)
    district_code = models.CharField(max_length=8, blank=True, default="", db_index=True, editable=False)

    class Meta:
        abstract = True

    def sync_place(self) -> None:
        codes = ancestor_codes(self.region_id) if self.region_id else []
        by_level = {level_of(c): c for c in codes}
        self.province_code = by_level.get(1, "")
        self.regency_code = by_level.get(2, "")
        self.district_code = by_level.get(3, "")

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.sync_place()
        super().save(*args, **kwargs)

    @staticmethod
    def q_within(code: str | None, prefix: str = "") -> Q:
        """Records placed inside region ``code`` (``None`` means the whole country)."""
        if code is None:
            return Q()
        level = level_of(code)
        return Q(**{f"{prefix}{LEVEL_FIELDS[Level(level)]}": code})
