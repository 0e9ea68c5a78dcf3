"""A cascading region picker for any Django form.

    region = RegionField(label=_("Wilayah kejadian"), required=False, min_level=Level.REGENCY)

The widget shows four selects (Provinsi → Kabupaten/Kota → Kecamatan → Desa/Kelurahan) and a search
box. Choosing re-renders the picker through htmx (``regions:picker``); the deepest chosen code is posted
under the field's name in a hidden input. Without JavaScript the selects still post their values, and a
re-render (e.g. after a validation error) offers the next level, so the picker also works step by step.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .lookup import LEVEL_KEYS, is_region_code, picker_state
from .models import Level, Region, level_of

# Field names and element ids the picker endpoints accept (form prefixes use "-").
SAFE_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,99}$")
# Widget attributes passed on to every select.
SELECT_ATTRS = ("aria-describedby", "aria-invalid")


def chain_from_picks(picks: list[str]) -> str:
    """The deepest code of a consistent chain of per-level choices (province first); "" if none."""
    chosen = ""
    for level, value in enumerate(picks, start=1):
        value = (value or "").strip()
        if not value or not is_region_code(value) or level_of(value) != level:
            break
        if chosen and not value.startswith(chosen + "."):
            break
        chosen = value
    return chosen


class RegionPickerWidget(forms.Widget):
    """Four cascading selects and a name search; the hidden input ``name`` holds the deepest chosen code."""

    template_name = "regions/picker.html"
    #: The level whose select gets ``autofocus`` (set by the picker endpoint after a choice).
    autofocus_level: int | None = None

    def format_value(self, value: Any) -> str:
        if isinstance(value, Region):
            return value.code
        return "" if value is None else str(value).strip()

    def use_required_attribute(self, initial: Any) -> bool:
        return False  # the server says what is missing, in Indonesian

    def id_for_label(self, id_: str) -> str:
        return f"{id_}__province" if id_ else id_

    def value_from_datadict(self, data: Mapping[str, Any], files: Any, name: str) -> str | None:
        # A browser posts every enabled select; they win over the hidden input, which may lag behind
        # when JavaScript has not run (slow connection) or a re-render is still on its way.
        if f"{name}__province" in data:
            return chain_from_picks([data.get(f"{name}__{key}", "") for key in LEVEL_KEYS.values()])
        return data.get(name)

    def value_omitted_from_data(self, data: Mapping[str, Any], files: Any, name: str) -> bool:
        return name not in data and f"{name}__province" not in data

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        base_id = str(widget_attrs.get("id") or f"id_{name}")
        state = picker_state(context["widget"]["value"])
        query = {"name": name, "id": base_id}
        if self.is_required:
            query["required"] = "1"
        picker_url = f"{reverse('regions:picker')}?{urlencode(query)}"
        focus = self.autofocus_level
        if focus is not None:
            enabled = [lvl.level for lvl in state.levels if lvl.enabled]
            focus = max((lvl for lvl in enabled if lvl <= focus), default=None)
        levels = []
        for lvl in state.levels:
            next_level = min(lvl.level + 1, Level.VILLAGE)
            levels.append(
                {
                    "key": lvl.key,
                    "id": f"{base_id}__{lvl.key}",
                    "name": f"{name}__{lvl.key}",
                    "label": lvl.label,
                    "placeholder": lvl.placeholder,
                    "options": lvl.options,
                    "selected": lvl.selected,
                    "enabled": lvl.enabled,
                    "autofocus": lvl.level == focus,
                    "url": f"{picker_url}&{urlencode({'parent': lvl.parent_code, 'focus': next_level})}",
                }
            )
        context["picker"] = {
            "id": base_id,
            "wrapper_id": f"{base_id}__picker",
            "code": state.code,
            "label": state.label,
            "levels": levels,
            "disabled": bool(widget_attrs.get("disabled")),
            "select_attrs": {k: v for k, v in widget_attrs.items() if k in SELECT_ATTRS},
            "search_url": f"{reverse('regions:search')}?{urlencode(query)}",
            "search_name": f"{name}__q",
        }
        return context


class RegionField(forms.Field):
    """A region chosen with :class:`RegionPickerWidget`; cleans to a :class:`Region` (or ``None``)."""

    widget = RegionPickerWidget
    default_error_messages: ClassVar[dict[str, Any]] = {
        "required": _("Pilih wilayah."),
        "invalid_choice": _("Pilih wilayah dari daftar."),
        "min_level": _("Pilih sampai tingkat %(level)s atau lebih rinci."),
        "min_level_village": _("Pilih sampai tingkat desa/kelurahan."),
    }
    level_names: ClassVar[dict[int, Any]] = {
        Level.PROVINCE: _("provinsi"),
        Level.REGENCY: _("kabupaten/kota"),
        Level.DISTRICT: _("kecamatan"),
        Level.VILLAGE: _("desa/kelurahan"),
    }

    def __init__(self, *, min_level: int | None = None, **kwargs: Any) -> None:
        self.min_level = Level(min_level) if min_level else None
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return value.code if isinstance(value, Region) else value

    def to_python(self, value: Any) -> Region | None:
        if isinstance(value, Region):
            return value
        value = "" if value is None else str(value).strip()
        if value in self.empty_values:
            return None
        region = Region.objects.filter(pk=value).first() if is_region_code(value) else None
        if region is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return region

    def validate(self, value: Region | None) -> None:
        super().validate(value)
        if value is not None and self.min_level and value.level < self.min_level:
            if self.min_level == Level.VILLAGE:
                raise ValidationError(self.error_messages["min_level_village"], code="min_level")
            raise ValidationError(
                self.error_messages["min_level"], code="min_level", params={"level": self.level_names[self.min_level]}
            )

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        return (self.prepare_value(initial) or "") != (self.prepare_value(data) or "")
