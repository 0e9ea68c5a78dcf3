"""Import of submissions collected offline with ODK Collect or KoboCollect into screenings and reports.

Accepted exports (the format is recognised from the content, not the file name):

- ODK Central CSV (``.csv``, or the ``.csv.zip`` Central offers: the form's own CSV inside is read),
  columns named by path with ``-`` between groups (``child-child_age``, ``meta-instanceID``) or without
  group names, plus ``KEY``, ``SubmitterName``, ``ReviewState``, ``FormVersion``; select-multiple
  answers space-separated, or split into one ``0/1`` column per choice (``hazards/night``);
- ODK Central OData JSON (``{"value": [...]}``) with nested groups, ``__id`` and ``__system``;
- KoboToolbox CSV (comma or semicolon) or XLSX, columns ``group/item`` or plain names, ``_uuid``,
  ``meta/instanceID``, ``_submitted_by``, select-multiple split columns ``item/choice``;
- KoboToolbox JSON (``{"results": [...]}`` or a list of submissions).

Each submission is keyed by its instance id (``uuid:…``): a submission already imported is counted as a
duplicate and nothing new is created, so an export can be imported again and again. Each row is
imported in its own transaction through ``services.record_screening`` or ``intake.services.submit_report``
(which check, store and audit); a row that cannot be imported is listed with its row number (CSV/XLSX:
as a spreadsheet shows it, the header being row 1; JSON: the 1-based position) and the reason, naming
the field. No row is dropped without a word.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from sigap.intake import services as intake
from sigap.intake.models import Channel, Report, Sex
from sigap.people.models import User
from sigap.regions.models import Level, Region

from . import instruments, services, xlsform
from .instruments import Instrument
from .models import InstrumentVersion, Screening, Source

logger = logging.getLogger(__name__)

REPORT = "report"  # the form choice for the concern report
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_NEW = 500  # new submissions per import, so that one request stays well within a web timeout
MAX_INSTANCE_ID = 100  # Screening.submission_id
PATH_SEPARATORS = re.compile(r"[/\-.]")
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
VILLAGE_CODE = re.compile(xlsform.VILLAGE_CODE_PATTERN)
# Where each export keeps what Sigap needs, most reliable first (last path segment of the column).
INSTANCE_ID_FIELDS = ("KEY", "__id", "rootUuid", "instanceID", "_uuid")
SUBMITTER_FIELDS = ("SubmitterName", "submitterName", "_submitted_by")
FORM_VERSION_FIELDS = ("FormVersion", "formVersion")
REVIEW_STATE_FIELDS = ("ReviewState", "reviewState")
KOBO_NOT_APPROVED = ("validation_status_not_approved", "not approved")
META_FIELDS = frozenset(
    {*INSTANCE_ID_FIELDS, *SUBMITTER_FIELDS, *FORM_VERSION_FIELDS, *REVIEW_STATE_FIELDS, xlsform.FORM_KEY_FIELD}
)


def max_bytes() -> int:
    """The largest export accepted (``SIGAP_ODK_IMPORT_MAX_BYTES``, default 10 MiB)."""
    return int(getattr(settings, "SIGAP_ODK_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_new() -> int:
    """How many new submissions one import creates at most (``SIGAP_ODK_IMPORT_MAX_NEW``, default 500);
    the rows after that are left for the next import of the same file, which skips what is done."""
    return int(getattr(settings, "SIGAP_ODK_IMPORT_MAX_NEW", DEFAULT_MAX_NEW))


# --- Results ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rejection:
    row_number: int
    instance_id: str
    reason: str


@dataclass
class ImportResult:
    form: str
    created: int = 0
    duplicates: int = 0
    positive: int = 0  # screenings created now whose result opens a follow-up
    rejected: list[Rejection] = field(default_factory=list)
    pending: int = 0  # rows left for the next import of the same file (see max_new)

    @property
    def rows(self) -> int:
        return self.created + self.duplicates + len(self.rejected) + self.pending


class RowError(Exception):
    """A row that cannot be imported; the message is the reason shown to the person."""


# --- Reading an export -------------------------------------------------------------------------------------


@dataclass
class Submission:
    """One submission of an export: its row number and its values by column path (path segments)."""

    row_number: int
    columns: list[tuple[tuple[str, ...], Any]]
    problem: str = ""  # set when the row itself is malformed

    def __post_init__(self) -> None:
        self.fields: dict[str, Any] = {}
        self.paths: dict[str, Any] = {}
        for segments, value in self.columns:
            self.paths["/".join(segments)] = value
            if segments and _text(self.fields.get(segments[-1])) == "":
                self.fields[segments[-1]] = value

    def first(self, names: tuple[str, ...]) -> str:
        for name in names:
            value = _text(self.fields.get(name))
            if value:
                return value
        return ""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _segments(name: Any) -> tuple[str, ...]:
    return tuple(part for part in PATH_SEPARATORS.split(str(name or "").strip()) if part)


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, code="file")


def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise _refuse(_("Berkas ini bukan CSV, JSON atau XLSX. Ekspor kiriman dari ODK Central atau KoboToolbox."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # a CSV saved again by a spreadsheet program


def _rows_from_table(header: list[Any], records: Iterator[tuple[int, list[Any]]]) -> list[Submission]:
    names = [_segments(h) for h in header]
    rows = []
    for number, record in records:
        if all(_text(cell) == "" for cell in record):
            continue  # a blank line is not a submission
        problem = ""
        if len(record) > len(names) and any(_text(c) for c in record[len(names) :]):
            problem = _("Baris ini berisi %(n)s kolom, sedangkan judul kolom hanya %(m)s.") % {
                "n": len(record),
                "m": len(names),
            }
        cells = list(record) + [""] * (len(names) - len(record))
        rows.append(Submission(number, [(names[i], cells[i]) for i in range(len(names)) if names[i]], problem))
    return rows


def _read_csv(data: bytes) -> list[Submission]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise _refuse(_("Berkas CSV tidak terbaca (%(error)s).") % {"error": exc}) from exc
    if not records:
        raise _refuse(_("Berkas kosong."))
    return _rows_from_table(records[0], ((n, r) for n, r in enumerate(records[1:], start=2)))


def _read_xlsx(data: bytes) -> list[Submission]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        table = [list(row) for row in sheet.iter_rows(values_only=True)]
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise _refuse(_("Berkas XLSX tidak terbaca.")) from exc
    if not table:
        raise _refuse(_("Berkas kosong."))
    return _rows_from_table(table[0], ((n, r) for n, r in enumerate(table[1:], start=2)))


def _flatten(value: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    for key, inner in value.items():
        if "@" in str(key):
            continue  # OData annotations (navigation links of repeats)
        path = prefix + _segments(key)
        if isinstance(inner, dict):
            yield from _flatten(inner, path)
        elif isinstance(inner, list):
            if all(not isinstance(v, dict | list) for v in inner):
                yield path, " ".join(_text(v) for v in inner)
            # a list of objects is a repeat or attachments: not part of these forms
        else:
            yield path, inner


def _read_json(data: bytes) -> list[Submission]:
    try:
        parsed = json.loads(_decode(data))
    except ValueError as exc:
        raise _refuse(_("Berkas JSON tidak terbaca (%(error)s).") % {"error": exc}) from exc
    if isinstance(parsed, dict) and isinstance(parsed.get("value"), list):
        records = parsed["value"]  # ODK Central OData
    elif isinstance(parsed, dict) and isinstance(parsed.get("results"), list):
        records = parsed["results"]  # KoboToolbox API v2
    elif isinstance(parsed, list):
        records = parsed
    else:
        raise _refuse(_("Berkas JSON ini bukan ekspor kiriman (diharapkan daftar kiriman, “value” atau “results”)."))
    rows = []
    for number, record in enumerate(records, start=1):
        if isinstance(record, dict):
            rows.append(Submission(number, list(_flatten(record))))
        else:
            rows.append(Submission(number, [], _("Entri ini bukan objek kiriman.")))
    return rows


def _read_zip(data: bytes, form_name: str) -> list[Submission]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
    except zipfile.BadZipFile as exc:
        raise _refuse(_("Berkas ZIP tidak terbaca.")) from exc
    if "xl/workbook.xml" in names:
        return _read_xlsx(data)
    csvs = [n for n in names if n.lower().endswith(".csv") and not n.startswith("__MACOSX")]
    if not csvs:
        raise _refuse(_("Berkas ZIP ini tidak berisi CSV kiriman."))
    # ODK Central puts the form's CSV first as <form id>.csv and repeats as <form id>-<repeat>.csv.
    chosen = next((n for n in csvs if n.rsplit("/", 1)[-1] == f"{form_name}.csv"), min(csvs, key=len))
    info = archive.getinfo(chosen)
    if info.file_size > 5 * max_bytes():
        raise _refuse(_("Isi berkas ZIP terlalu besar."))
    return _read_csv(archive.read(chosen))


def read_export(data: bytes, form_name: str = "") -> list[Submission]:
    """The submissions of an export file, or ValidationError saying why the file cannot be read."""
    if not data.strip():
        raise _refuse(_("Berkas kosong."))
    if len(data) > max_bytes():
        raise _refuse(_("Berkas terlalu besar (paling besar %(max)s).") % {"max": filesizeformat(max_bytes())})
    if data[:4] == b"PK\x03\x04":
        return _read_zip(data, form_name)
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return _read_json(data)
    return _read_csv(data)


# --- Turning a submission into answers -----------------------------------------------------------------------


def _instance_id(row: Submission) -> str:
    value = row.first(INSTANCE_ID_FIELDS)
    if UUID.match(value):
        value = f"uuid:{value}"  # Kobo's _uuid has no prefix; meta/instanceID and Central's KEY do
    return value


def _raw_answers(row: Submission, items: list[dict[str, Any]]) -> dict[str, Any]:
    """The raw answer of each item, by id; a select-multiple answer exported as one 0/1 column per choice
    (``hazards/night``) is put back together."""
    multiple = {i["id"]: {c["value"] for c in i["choices"]} for i in items if i["type"] == "select_multiple"}
    split: dict[str, list[str]] = {}
    whole: dict[str, Any] = {}
    for segments, value in row.columns:
        if len(segments) >= 2 and segments[-2] in multiple and segments[-1] in multiple[segments[-2]]:
            if _text(value).lower() in ("1", "true", "yes"):
                split.setdefault(segments[-2], []).append(segments[-1])
            continue
        if segments and _text(whole.get(segments[-1])) == "":
            whole[segments[-1]] = value
    raw: dict[str, Any] = {}
    for item in items:
        value = whole.get(item["id"])
        if _text(value) == "" and item["id"] in split:
            value = " ".join(split[item["id"]])
        raw[item["id"]] = _text(value)
    return raw


def _describe(errors: Mapping[str, list[str]], raw: Mapping[str, Any]) -> str:
    parts = []
    for key, messages in errors.items():
        name = "village_code" if key == "region" else key
        value = _text(raw.get(name))
        message = " ".join(str(m) for m in messages)
        if value:
            parts.append(_("%(field)s “%(value)s”: %(message)s") % {"field": name, "value": value, "message": message})
        else:
            parts.append(_("%(field)s: %(message)s") % {"field": name, "message": message})
    return "; ".join(parts)


def _refusal_text(exc: ValidationError, raw: Mapping[str, Any]) -> str:
    if hasattr(exc, "error_dict"):
        return _describe(exc.message_dict, raw)
    return " ".join(str(m) for m in exc.messages)


class _Importer:
    def __init__(self, actor: User, form: str) -> None:
        self.actor = actor
        self.form = form
        self.regions: dict[str, Region | None] = {}
        self.versions: dict[str | None, InstrumentVersion | str] = {}

    # -- shared checks

    def region(self, raw: Mapping[str, Any]) -> Region:
        code = _text(raw.get("village_code"))
        if not code:
            raise RowError(_("village_code: Wajib dijawab."))
        if not VILLAGE_CODE.match(code):
            raise RowError(
                _("village_code “%(code)s”: kode desa/kelurahan harus berbentuk 35.78.01.1002.") % {"code": code}
            )
        if code not in self.regions:
            self.regions[code] = Region.objects.filter(code=code, level=Level.VILLAGE).first()
        region = self.regions[code]
        if region is None:
            raise RowError(_("village_code “%(code)s”: kode desa/kelurahan tidak dikenal Sigap.") % {"code": code})
        return region

    def form_key(self, row: Submission, expected: str) -> str | None:
        """The version written in the form's hidden ``sigap_form`` field (or by ODK Central), after
        checking that the submission comes from the chosen form."""
        key = row.first((xlsform.FORM_KEY_FIELD,))
        if key:
            form_id, _sep, version = key.partition("@")
            if form_id != expected:
                raise RowError(
                    _("Kiriman ini dari formulir %(found)s, bukan %(expected)s.")
                    % {"found": form_id, "expected": expected}
                )
            return version or None
        return row.first(FORM_VERSION_FIELDS) or None

    def version(self, version: str | None) -> InstrumentVersion:
        if version not in self.versions:
            try:
                self.versions[version] = services.version_for(self.form, version)
            except ValidationError:
                self.versions[version] = _(
                    "Versi formulir %(version)s tidak dikenal Sigap untuk instrumen %(id)s. "
                    "Unduh formulir terbaru dari Sigap dan pasang di ODK Central/KoboToolbox."
                ) % {"version": version, "id": self.form}
        found = self.versions[version]
        if isinstance(found, str):
            raise RowError(found)
        return found

    @staticmethod
    def check_review(row: Submission) -> None:
        if row.first(REVIEW_STATE_FIELDS).lower() == "rejected":
            raise RowError(_("Kiriman ini ditolak peninjau di ODK Central (ReviewState: rejected)."))
        kobo = row.paths.get("_validation_status/uid") or row.fields.get("_validation_status") or ""
        if _text(kobo).lower() in KOBO_NOT_APPROVED:
            raise RowError(_("Kiriman ini ditandai “Not approved” di KoboToolbox."))

    @staticmethod
    def not_future(name: str, value: str | None) -> date | None:
        if not value:
            return None
        day = date.fromisoformat(value)
        if day > timezone.localdate():
            raise RowError(
                _("%(field)s “%(value)s”: tanggal tidak boleh di masa depan.") % {"field": name, "value": value}
            )
        return day

    # -- screenings

    def screening(self, row: Submission, instance_id: str) -> tuple[bool, bool]:
        """Import one screening; returns (created, positive)."""
        key = f"odk:{instance_id}"
        if Screening.objects.filter(Q(submission_id=instance_id) | Q(idempotency_key=key)).exists():
            return False, False
        self.check_review(row)
        stored = self.version(self.form_key(row, self.form))
        instrument = stored.instrument
        subject_items = xlsform.subject_items(instrument)
        for item in subject_items:
            if item["id"] in ("child_sex", "screened_on"):
                item["required"] = False  # an old or hand-made export may lack them: U and the start date
        raw_subject = _raw_answers(row, subject_items)
        subject = instruments.parse_answers(Instrument({"items": subject_items}), raw_subject)
        if subject.errors:
            raise RowError(_describe({k: [v] for k, v in subject.errors.items()}, raw_subject))
        region = self.region(raw_subject)
        screened_on = self.not_future("screened_on", subject.answers.get("screened_on")) or _start_date(row)
        raw = _raw_answers(row, instrument.answerable)
        try:
            screening, created = services.record_screening(
                self.actor,
                instrument.id,
                raw,
                idempotency_key=key,
                subject=services.Subject(
                    name=str(subject.answers.get("child_name", "")),
                    age=subject.answers.get("child_age"),
                    sex=subject.answers.get("child_sex") or Sex.UNKNOWN,
                    region=region,
                ),
                version=stored.version,
                source=Source.ODK,
                submission_id=instance_id,
                submitted_by_name=row.first(SUBMITTER_FIELDS),
                screened_on=screened_on,
            )
        except ValidationError as exc:
            raise RowError(_refusal_text(exc, {**raw, **raw_subject})) from exc
        return created, created and screening.positive

    # -- reports

    def report(self, row: Submission, instance_id: str) -> bool:
        key = _report_key(instance_id)
        if Report.objects.filter(idempotency_key=key).exists():
            return False
        self.check_review(row)
        self.form_key(row, xlsform.report_form_id())
        items = xlsform.report_items()
        raw = _raw_answers(row, items)
        parsed = instruments.parse_answers(Instrument({"items": items}), raw)
        if parsed.errors:
            raise RowError(_describe({k: [v] for k, v in parsed.errors.items()}, raw))
        answers = parsed.answers
        region = self.region(raw)
        occurred_on = self.not_future("occurred_on", answers.get("occurred_on"))
        child = intake.ChildInput(
            name=str(answers.get("child_name", "")),
            approx_age=answers.get("child_age"),
            sex=answers.get("child_sex") or Sex.UNKNOWN,
        )
        has_child = bool(child.name.strip()) or child.approx_age is not None or child.sex != Sex.UNKNOWN
        submitter = row.first(SUBMITTER_FIELDS)
        provenance = (
            _("Dikumpulkan lewat ODK/KoboToolbox oleh %(name)s; ID kiriman %(id)s.")
            % {"name": submitter, "id": instance_id}
            if submitter
            else _("Dikumpulkan lewat ODK/KoboToolbox; ID kiriman %(id)s.") % {"id": instance_id}
        )
        description = str(answers.get("description", "")).strip()
        data = intake.ReportInput(
            description=f"{description}\n\n{provenance}" if description else "",
            concerns=list(answers.get("concerns", [])),
            region=region,
            location_detail=str(answers.get("location_detail", "")),
            occurred_on=occurred_on,
            occurred_text=str(answers.get("occurred_text", "")),
            children=[child] if has_child else [],
            anonymous=answers.get("anonymous") == "yes",
            reporter_name=str(answers.get("reporter_name", "")),
            reporter_phone=str(answers.get("reporter_phone", "")),
            consent_to_contact=answers.get("consent_to_contact") == "yes",
            channel=Channel.FIELD_VISIT,
        )
        try:
            _report, created = intake.submit_report(data, key, actor=self.actor)
        except ValidationError as exc:
            field_of = {
                _("Ceritakan apa yang terjadi."): "description",
                _("Pilih minimal satu jenis kekhawatiran."): "concerns",
            }
            messages = [str(m) for m in exc.messages]
            raise RowError("; ".join(f"{field_of[m]}: {m}" if m in field_of else m for m in messages)) from exc
        return created

    # -- one row

    def run(self, row: Submission, result: ImportResult) -> None:
        instance_id = _instance_id(row)
        try:
            if row.problem:
                raise RowError(row.problem)
            if not instance_id:
                raise RowError(
                    _(
                        "Tidak ada ID kiriman (kolom meta/instanceID, KEY, __id atau _uuid); kiriman tanpa ID tidak dapat dicegah ganda."
                    )
                )
            if len(instance_id) > MAX_INSTANCE_ID:
                raise RowError(_("ID kiriman lebih dari %(n)s karakter.") % {"n": MAX_INSTANCE_ID})
            with transaction.atomic():
                if self.form == REPORT:
                    created, positive = self.report(row, instance_id), False
                else:
                    created, positive = self.screening(row, instance_id)
        except RowError as exc:
            result.rejected.append(Rejection(row.row_number, instance_id, str(exc)))
            return
        except Exception:
            logger.exception("ODK import: row %s of %s failed", row.row_number, self.form)
            result.rejected.append(
                Rejection(
                    row.row_number,
                    instance_id,
                    _("Kesalahan sistem saat memproses baris ini; baris lain tetap diproses. Hubungi admin Sigap."),
                )
            )
            return
        if created:
            result.created += 1
            result.positive += int(positive)
        else:
            result.duplicates += 1


def _start_date(row: Submission) -> date | None:
    text = _text(row.fields.get("start"))[:10]
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _report_key(instance_id: str) -> str:
    key = f"odk:{instance_id}"
    if len(key) <= 64:  # Report.idempotency_key
        return key
    return "odk:" + hashlib.sha256(instance_id.encode("utf-8")).hexdigest()[:40]


# --- The entry point ------------------------------------------------------------------------------------


def form_choices() -> list[str]:
    """The forms an export can be imported into: each current instrument, and the report."""
    return [*instruments.builtin(), REPORT]


def _expected_names(form: str) -> set[str]:
    if form == REPORT:
        return {i["id"] for i in xlsform.report_items()}
    instrument = instruments.builtin()[form]
    return {i["id"] for i in xlsform.subject_items(instrument)} | {i["id"] for i in instrument.answerable}


def _check_file_matches(rows: list[Submission], form: str) -> None:
    names = {segments[-1] for row in rows for segments, _value in row.columns if segments}
    expected = _expected_names(form)
    if rows and not names & (expected | META_FIELDS):
        raise _refuse(
            _(
                "Berkas ini tidak berisi kolom formulir yang dipilih. Ekspor kiriman dari ODK Central atau "
                "KoboToolbox dengan nama kolom XML (bukan label pertanyaan)."
            )
        )
    own = xlsform.report_form_id() if form == REPORT else form
    found = {row.first((xlsform.FORM_KEY_FIELD,)).partition("@")[0] for row in rows}
    if rows and "" not in found and own not in found:
        raise _refuse(
            _("Berkas ini berisi kiriman formulir %(found)s. Pilih formulir itu, lalu impor lagi.")
            % {"found": ", ".join(sorted(found))}
        )


def import_submissions(actor: User, file: bytes | IO[bytes], *, filename: str = "", form: str) -> ImportResult:
    """Import an ODK Central or KoboToolbox export of ``form`` (an instrument id or ``"report"``).

    Raises PermissionDenied for someone who may not screen, and ValidationError (with a message for
    the person) when the file itself cannot be read; rows that cannot be imported are in
    ``ImportResult.rejected``, each with its row number and reason. After ``max_new()`` new
    submissions the remaining rows are counted in ``ImportResult.pending``: importing the same file
    again continues where this import stopped."""
    if not services.can_screen(actor):
        raise PermissionDenied(_("Anda tidak berwenang mengimpor kiriman ODK/KoboToolbox."))
    if form not in form_choices():
        raise ValidationError(_("Pilih formulir dari daftar."), code="form")
    if isinstance(file, bytes):
        data = file
    else:
        data = file.read(max_bytes() + 1)
    own = xlsform.report_form_id() if form == REPORT else form
    rows = read_export(data, own)
    if not rows:
        raise _refuse(_("Berkas ini tidak berisi satu kiriman pun."))
    _check_file_matches(rows, form)
    result = ImportResult(form=form)
    if form != REPORT:
        services.current_version(form)  # store the shipped versions once, outside the rows' transactions
    importer = _Importer(actor, form)
    limit = max_new()
    for index, row in enumerate(rows):
        if result.created >= limit:
            result.pending = len(rows) - index
            break
        importer.run(row, result)
    logger.info(
        "ODK import of %s (%s) by %s: %s created, %s duplicates, %s rejected, %s pending",
        form,
        filename,
        actor.pk,
        result.created,
        result.duplicates,
        len(result.rejected),
        result.pending,
    )
    return result
