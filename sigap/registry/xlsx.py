"""One XLSX workbook per district for the outreach teams.

A cover sheet (the run, its dates, the points version, the caution that a score is a visit priority and
never a finding about a child, and the totals), then one sheet per village with its children in rank
order. Written with openpyxl's write-only mode, row by row straight to the file. Every text cell is
written as text, so a value such as ``=HYPERLINK(…)`` in a registry is never taken for a formula.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from . import engine
from . import points as points_module

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_TITLE_CHARS = re.compile(r"[\[\]:*?/\\]")
COLUMN_WIDTHS = (10, 30, 19, 12, 7, 14, 18, 7, 60, 18, 30)


def caution() -> str:
    return _("Skor ini adalah daftar prioritas kunjungan, bukan penilaian bahwa anak menjadi korban.")


@dataclass(frozen=True)
class RunInfo:
    """What the cover sheet says about the screening."""

    label: str
    source_name: str
    as_of: date
    created: datetime | date
    points_version: str
    threshold: int | None
    per_village: int


def headers() -> list[str]:
    return [
        _("Peringkat"),
        _("Nama"),
        _("NIK"),
        _("Tgl lahir"),
        _("Usia"),
        _("Jenis kelamin"),
        _("ID keluarga"),
        _("Skor"),
        _("Faktor utama"),
        _("Status kunjungan"),
        _("Catatan"),
    ]


def sex_word(code: str | None) -> str:
    return {"M": _("Laki-laki"), "F": _("Perempuan")}.get(code or "", code or "")


def _clean(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
DATE_FORMAT = "yyyy-mm-dd"


def _cell(ws: WriteOnlyWorksheet, value: Any, *, bold: bool = False, wrap: bool = False) -> Any:
    """A cell value for ``ws.append``: text is always written as text (never a formula), dates as dates."""
    if isinstance(value, str):
        value = _clean(value)
        if not (bold or wrap or value.startswith("=")):
            return value  # openpyxl writes any other string as text
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"  # text, never a formula
    else:
        cell = WriteOnlyCell(ws, value=value)
        if isinstance(value, date):
            cell.number_format = DATE_FORMAT
    if bold:
        cell.font = BOLD
    if wrap:
        cell.alignment = WRAP
    return cell


def _sheet_title(name: str, used: set[str]) -> str:
    base = SHEET_TITLE_CHARS.sub("-", _clean(name)).strip().strip("'") or "Desa"
    title = base[:31]
    n = 2
    while title.lower() in used:
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(title.lower())
    return title


def district_workbook(
    dest: Path | IO[bytes],
    *,
    info: RunInfo,
    district_code: str,
    district_name: str,
    rows: Iterable[Mapping[str, Any]],
    village_names: Mapping[str, str] | None = None,
    totals: Mapping[str, int] | None = None,
    language: str = "id",
) -> int:
    """Write the district's workbook to ``dest``; returns the number of children written.

    ``rows`` are the district's outreach rows (mappings with ``village_code``, ``rank_in_village``,
    ``name``, ``nik``, ``birth_date``, ``age``, ``sex``, ``household_id``, ``score``, ``factors`` (codes),
    and optionally ``status`` (a label) and ``status_note``). ``totals`` adds the district's aggregates
    (children scored, at or above the threshold) to the cover sheet."""
    village_names = village_names or {}
    model = points_module.load()
    by_village: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        by_village.setdefault(str(row["village_code"]), []).append(row)
    villages = sorted(by_village)
    for code in villages:
        by_village[code].sort(key=lambda r: int(r["rank_in_village"]))
    listed = sum(len(v) for v in by_village.values())

    wb = Workbook(write_only=True)
    cover = wb.create_sheet(_("Ringkasan"))
    cover.column_dimensions["A"].width = 34
    cover.column_dimensions["B"].width = 60
    cover.column_dimensions["C"].width = 18
    place = f"{district_name} ({district_code})" if district_name and district_name != district_code else district_code

    def line(label: str, value: Any = "", *, bold: bool = False) -> None:
        cover.append([_cell(cover, label, bold=True), _cell(cover, value, bold=bold, wrap=True)])

    cover.append([_cell(cover, _("Daftar penjangkauan anak — Kecamatan %(place)s") % {"place": place}, bold=True)])
    cover.append([_cell(cover, caution(), bold=True, wrap=True)])
    cover.append([])
    line(_("Penyaringan"), info.label)
    line(_("Berkas registri"), info.source_name)
    line(_("Tanggal acuan usia"), info.as_of)
    created = info.created.date() if isinstance(info.created, datetime) else info.created
    line(_("Tanggal penyaringan"), created)
    line(_("Versi tabel poin"), info.points_version)
    if info.threshold is not None:
        line(_("Ambang skor"), info.threshold)
    line(_("Anak per desa (paling banyak)"), info.per_village)
    cover.append([])
    line(_("Desa dalam daftar"), len(villages))
    line(_("Anak dalam daftar"), listed)
    if totals:
        if "children" in totals:
            line(_("Anak dinilai di kecamatan ini"), int(totals["children"]))
        if "at_or_above_threshold" in totals:
            line(_("Anak dengan skor ≥ ambang"), int(totals["at_or_above_threshold"]))
    cover.append([])
    cover.append([_cell(cover, h, bold=True) for h in (_("Desa"), _("Kode desa"), _("Anak dalam daftar"))])
    for code in villages:
        cover.append([_cell(cover, village_names.get(code, code)), _cell(cover, code), len(by_village[code])])

    used = {_("Ringkasan").lower()}
    titles = headers()
    for code in villages:
        ws = wb.create_sheet(_sheet_title(village_names.get(code, code), used))
        for index, width in enumerate(COLUMN_WIDTHS):
            ws.column_dimensions[chr(ord("A") + index)].width = width
        ws.freeze_panes = "A2"
        ws.append([_cell(ws, t, bold=True) for t in titles])
        for row in by_village[code]:
            factors = list(row.get("factors") or [])
            ws.append(
                [
                    int(row["rank_in_village"]),
                    _cell(ws, row.get("name") or ""),
                    _cell(ws, row.get("nik") or ""),
                    _cell(ws, row.get("birth_date")) if row.get("birth_date") else None,
                    row.get("age"),
                    _cell(ws, sex_word(row.get("sex"))),
                    _cell(ws, row.get("household_id") or ""),
                    int(row["score"]),
                    _cell(ws, "; ".join(engine.factor_words(factors, language, model)), wrap=True),
                    _cell(ws, str(row.get("status") or "")),
                    _cell(ws, str(row.get("status_note") or "")),
                ]
            )
    wb.save(dest)
    return listed
