"""Instruments and the concern report as XLSForms, for offline collection with ODK Collect or KoboCollect.

An XLSForm is a workbook with ``survey``, ``choices`` and ``settings`` sheets that ODK Central and
KoboToolbox turn into an XForm (with ``pyxform``). Each instrument's form asks first about the child
(name, age within the instrument's ``subject_age``, sex, village code, date) and then the instrument's
items, named by their ids, with labels and hints in Bahasa Indonesia and English, ``required`` as the
instrument says and the skip logic written in XPath so that the phone asks exactly the questions Sigap
would. A hidden ``sigap_form`` field carries ``<form id>@<version>`` so that an import knows which
version of the instrument the answers belong to, whatever the server does with the form's own version.

The texts the forms share (the child group, yes/no, messages) are in ``data/forms/common.json``; the
report form is ``data/forms/report.json``. See ``docs/odk.md``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from .instruments import COMPARISONS, Instrument, InstrumentError

FORMS_DIR = Path(__file__).resolve().parent / "data" / "forms"
LANGUAGES = ("id", "en")
FORM_KEY_FIELD = "sigap_form"  # hidden field: "<form id>@<version>"
VILLAGE_CODE_PATTERN = r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"
SURVEY_COLUMNS = ("type", "name", "label", "hint", "required", "required_message", "relevant", "constraint")
SURVEY_COLUMNS_TAIL = ("constraint_message", "calculation", "default", "appearance")
TRANSLATED = ("label", "hint", "required_message", "constraint_message")
# Names the forms use themselves; an item may not take them.
RESERVED_NAMES = frozenset({"start", "end", "meta", "instanceID", FORM_KEY_FIELD})
RESERVED_LISTS = frozenset({"yes_no"})
AGE_ITEM = "age"  # an instrument item that asks the age is filled from the child group


def _read(name: str) -> dict[str, Any]:
    path = FORMS_DIR / name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InstrumentError(f"{path.name}: cannot read JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise InstrumentError(f"{path.name}: must be a JSON object")
    return data


@cache
def common() -> dict[str, Any]:
    """``data/forms/common.json``: languages, the child group, yes/no choices, messages."""
    return _read("common.json")


@cache
def _report_file() -> dict[str, Any]:
    return _read("report.json")


def _language_names() -> dict[str, str]:
    return dict(common()["languages"])


def _message(key: str, **values: Any) -> dict[str, str]:
    text = common()["messages"][key]
    return {lang: text[lang].format(**values) for lang in LANGUAGES}


# --- The report form ---------------------------------------------------------------------------------


def report_form_id() -> str:
    return str(_report_file()["id"])


def report_version() -> str:
    return str(_report_file()["version"])


def report_title() -> dict[str, str]:
    return dict(_report_file()["title"])


def report_groups() -> list[dict[str, Any]]:
    """The groups of the report form, with the concern choices filled from intake's concern types."""
    from sigap.intake import reference

    concern_choices = [
        {"value": t.code, "label": {"id": t.name_id, "en": t.name_en}} for t in reference.concern_types().values()
    ]
    groups = []
    for group in _report_file()["groups"]:
        items = []
        for item in group["items"]:
            item = dict(item)
            if item.pop("choices_from", None) == "concern_types":
                item["choices"] = concern_choices
            items.append(item)
        groups.append({**group, "items": items})
    return groups


def report_items() -> list[dict[str, Any]]:
    return [item for group in report_groups() for item in group["items"]]


def subject_items(instrument: Instrument) -> list[dict[str, Any]]:
    """The questions about the child asked before an instrument's items (age bounded by ``subject_age``)."""
    low, high = instrument.age_range
    items = []
    for item in common()["subject"]["items"]:
        item = dict(item)
        if item["id"] == "child_age":
            item.update(min=low, max=high)
        items.append(item)
    return items


# --- Skip logic in XPath -------------------------------------------------------------------------------


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        raise InstrumentError(f"a condition cannot compare with {value!r}")
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    raise InstrumentError(f"a condition value cannot hold both kinds of quotes: {text!r}")


def _wrap(expression: str) -> str:
    return f"({expression})" if " and " in expression or " or " in expression else expression


def xpath_condition(cond: Mapping[str, Any], relevance: Mapping[str, str | None] | None = None) -> str:
    """A skip-logic condition (docs/screening.md) as an XForm expression with the same meaning.

    In Sigap a condition on an item that is unanswered or not asked is false, so comparisons test that
    the field is filled, and a condition on an item that has its own skip logic includes that item's
    ``relevance`` (by item id) so that a stale answer to a question no longer asked never counts."""
    relevance = relevance or {}
    if "all" in cond:
        return " and ".join(_wrap(xpath_condition(c, relevance)) for c in cond["all"])
    if "any" in cond:
        return " or ".join(_wrap(xpath_condition(c, relevance)) for c in cond["any"])
    if "not" in cond:
        return f"not({xpath_condition(cond['not'], relevance)})"
    ref = "${" + str(cond["item"]) + "}"
    if "equals" in cond:
        leaf = f"{ref} = {_literal(cond['equals'])}"
    elif "not_equals" in cond:
        if cond["not_equals"] == "":
            leaf = f"{ref} != ''"
        else:
            leaf = f"{ref} != '' and {ref} != {_literal(cond['not_equals'])}"
    elif "includes" in cond:
        leaf = f"selected({ref}, {_literal(cond['includes'])})"
    else:
        op = next(k for k in COMPARISONS if k in cond)
        symbol = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}[op]
        leaf = f"{ref} != '' and {ref} {symbol} {_literal(cond[op])}"
    guard = relevance.get(str(cond["item"]))
    return f"{_wrap(guard)} and {_wrap(leaf)}" if guard else leaf


# --- Building the workbook -----------------------------------------------------------------------------


def _number_constraint(item: Mapping[str, Any], message_key: str | None = None) -> tuple[str, dict[str, str]]:
    low, high = item.get("min"), item.get("max")
    if low is not None and high is not None:
        message = _message(message_key or "between", min=low, max=high)
        return f". >= {low} and . <= {high}", message
    if low is not None:
        return f". >= {low}", _message("at_least", min=low)
    if high is not None:
        return f". <= {high}", _message("at_most", max=high)
    return "", {}


def _exclusive_constraint(item: Mapping[str, Any]) -> tuple[str, dict[str, str]]:
    exclusive = [c for c in item["choices"] if c.get("exclusive")]
    if not exclusive:
        return "", {}
    parts = [f"not(selected(., {_literal(c['value'])}) and count-selected(.) > 1)" for c in exclusive]
    labels = {lang: " / ".join(c["label"][lang] for c in exclusive) for lang in LANGUAGES}
    text = common()["messages"]["exclusive"]
    return " and ".join(parts), {lang: text[lang].format(label=labels[lang]) for lang in LANGUAGES}


def _required(item: Mapping[str, Any]) -> bool:
    if item["type"] == "note":
        return False
    # Sigap never requires free text unless the item says so (instruments.parse_answers).
    return bool(item.get("required", item["type"] != "text"))


class _Sheets:
    """The rows of an XLSForm being built, as dicts keyed by column (translated columns by language)."""

    def __init__(self) -> None:
        self.survey: list[dict[str, Any]] = []
        self.choices: list[dict[str, Any]] = []
        self.lists: set[str] = set()
        self.names: set[str] = set()

    def name(self, name: str) -> str:
        if name in self.names:
            raise InstrumentError(f"the form already has a field named {name!r}")
        self.names.add(name)
        return name

    def choice_list(self, list_name: str, choices: Iterable[Mapping[str, Any]]) -> str:
        if list_name not in self.lists:
            self.lists.add(list_name)
            for choice in choices:
                self.choices.append({"list_name": list_name, "name": choice["value"], "label": choice["label"]})
        return list_name

    def item(
        self,
        item: Mapping[str, Any],
        relevance: dict[str, str | None],
        *,
        constraint: tuple[str, dict[str, str]] = ("", {}),
        default: str = "",
    ) -> None:
        """Add one item (instrument item format) and record its relevance for later conditions."""
        kind, item_id = item["type"], str(item["id"])
        if kind in ("select_one", "select_multiple") and item_id in RESERVED_LISTS:
            raise InstrumentError(f"item {item_id!r}: that name is taken by a shared choice list")
        if item_id in RESERVED_NAMES:
            raise InstrumentError(f"item {item_id!r}: that name is used by the form itself")
        relevant = xpath_condition(item["relevant"], relevance) if "relevant" in item else ""
        relevance[item_id] = relevant or None
        row: dict[str, Any] = {"name": self.name(item_id), "label": item["label"], "relevant": relevant}
        if "hint" in item:
            row["hint"] = item["hint"]
        if kind == "yes_no":
            row["type"] = "select_one " + self.choice_list("yes_no", common()["yes_no"])
        elif kind in ("select_one", "select_multiple"):
            row["type"] = f"{kind} {self.choice_list(item_id, item['choices'])}"
            if kind == "select_multiple" and not constraint[0]:
                constraint = _exclusive_constraint(item)
        elif kind in ("integer", "decimal"):
            row["type"] = kind
            if not constraint[0]:
                constraint = _number_constraint(item)
        else:  # text, date, note
            row["type"] = kind
        if item.get("appearance"):
            row["appearance"] = item["appearance"]
        if _required(item):
            row["required"] = "yes"
            row["required_message"] = _message("required")
        if constraint[0]:
            row["constraint"], row["constraint_message"] = constraint
        if default:
            row["default"] = default
        self.survey.append(row)

    def workbook(self, settings: Mapping[str, str]) -> bytes:
        languages = _language_names()
        book = Workbook()
        survey = book.active
        assert survey is not None
        survey.title = "survey"
        columns: list[str] = []
        for column in (*SURVEY_COLUMNS, *SURVEY_COLUMNS_TAIL):
            if column in TRANSLATED:
                columns += [f"{column}::{languages[lang]}" for lang in LANGUAGES]
            else:
                columns.append(column)
        _write(survey, columns, [_flatten(row, languages) for row in self.survey])
        choices = book.create_sheet("choices")
        _write(
            choices,
            ["list_name", "name", *(f"label::{languages[lang]}" for lang in LANGUAGES)],
            [_flatten(row, languages) for row in self.choices],
        )
        sheet = book.create_sheet("settings")
        _write(sheet, list(settings), [dict(settings)])
        out = BytesIO()
        book.save(out)
        return out.getvalue()


def _flatten(row: Mapping[str, Any], languages: Mapping[str, str]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, dict):
            for lang in LANGUAGES:
                flat[f"{key}::{languages[lang]}"] = value.get(lang, "")
        else:
            flat[key] = value
    return flat


def _write(sheet: Any, columns: list[str], rows: list[dict[str, Any]]) -> None:
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row.get(column, "") for column in columns])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        width = max([len(column), *(len(str(row.get(column, ""))) for row in rows)])
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = min(max(width, 8), 60)


def _settings(form_id: str, title: Mapping[str, str], version: str, instance_name: str) -> dict[str, str]:
    return {
        "form_title": title["id"],
        "form_id": form_id,
        "version": version,
        "default_language": _language_names()["id"],
        "instance_name": instance_name,
    }


def _meta(sheets: _Sheets, form_id: str, version: str) -> None:
    sheets.survey.append({"type": "start", "name": sheets.name("start")})
    sheets.survey.append({"type": "end", "name": sheets.name("end")})
    sheets.survey.append(
        {"type": "calculate", "name": sheets.name(FORM_KEY_FIELD), "calculation": f"'{form_id}@{version}'"}
    )


def _village_constraint() -> tuple[str, dict[str, str]]:
    return f"regex(., '{VILLAGE_CODE_PATTERN}')", _message("village_code")


def instrument_xlsform(instrument: Instrument) -> bytes:
    """The instrument as an XLSForm workbook (``.xlsx`` bytes) that ``pyxform`` converts without error."""
    sheets = _Sheets()
    relevance: dict[str, str | None] = {}
    _meta(sheets, instrument.id, instrument.version)
    subject = common()["subject"]
    sheets.survey.append({"type": "begin_group", "name": sheets.name(subject["group"]), "label": subject["label"]})
    for item in subject_items(instrument):
        if item["id"] == "child_age":
            sheets.item(item, relevance, constraint=_number_constraint(item, "age"))
        elif item["id"] == "village_code":
            sheets.item(item, relevance, constraint=_village_constraint())
        elif item["id"] == "screened_on":
            sheets.item(item, relevance, constraint=(". <= today()", _message("not_future")), default="today()")
        else:
            sheets.item(item, relevance)
    sheets.survey.append({"type": "end_group"})
    for item in instrument.items:
        if item["id"] == AGE_ITEM and item["type"] == "integer" and "relevant" not in item:
            # The age is asked once, in the child group; the instrument's own age item copies it.
            sheets.survey.append({"type": "calculate", "name": sheets.name(AGE_ITEM), "calculation": "${child_age}"})
            relevance[AGE_ITEM] = None
            continue
        sheets.item(item, relevance)
    instance_name = f"concat(${{child_name}}, ' (', ${{child_age}}, ') ', ${{screened_on}}, ' {instrument.id}')"
    return sheets.workbook(_settings(instrument.id, instrument.definition["title"], instrument.version, instance_name))


def report_xlsform() -> bytes:
    """The concern report as an XLSForm workbook (``.xlsx`` bytes)."""
    sheets = _Sheets()
    relevance: dict[str, str | None] = {}
    form_id, version = report_form_id(), report_version()
    _meta(sheets, form_id, version)
    for group in report_groups():
        sheets.survey.append({"type": "begin_group", "name": sheets.name(group["id"]), "label": group["label"]})
        for item in group["items"]:
            if item["id"] == "village_code":
                sheets.item(item, relevance, constraint=_village_constraint())
            elif item["type"] == "date":
                sheets.item(item, relevance, constraint=(". <= today()", _message("not_future")))
            else:
                sheets.item(item, relevance)
        sheets.survey.append({"type": "end_group"})
    instance_name = "concat(${village_code}, ' ', ${child_name}, ' ', substr(${start}, 0, 10))"
    return sheets.workbook(_settings(form_id, report_title(), version, instance_name))


def to_xform(xlsform: bytes) -> str:
    """The XForm (XML) of an XLSForm workbook, as ODK Central or KoboToolbox would build it."""
    from pyxform.xls2xform import convert

    return convert(xlsform=BytesIO(xlsform), file_type=".xlsx", pretty_print=True).xform


def xform_xml(instrument: Instrument) -> str:
    return to_xform(instrument_xlsform(instrument))


def report_xform_xml() -> str:
    return to_xform(report_xlsform())
