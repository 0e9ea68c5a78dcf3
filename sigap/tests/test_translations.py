"""The English catalogue: complete, compiled, and used by the pages.

The source strings are Bahasa Indonesia. ``sigap/locale/en/LC_MESSAGES/django.po`` holds the English
translation and ``django.mo`` its compiled form; both are committed so machines without GNU gettext
still serve English. Refresh them with ``make messages``.
"""

from __future__ import annotations

import ast
import gettext as stdlib_gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

CATALOGUE_DIR = Path(settings.BASE_DIR) / "sigap" / "locale" / "en" / "LC_MESSAGES"
PO_FILE = CATALOGUE_DIR / "django.po"
MO_FILE = CATALOGUE_DIR / "django.mo"

_KEYWORD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None


def _unquote(token: str) -> str:
    """A PO string literal ("...") to text; PO escapes are a subset of Python's."""
    value = ast.literal_eval(token)
    assert isinstance(value, str)
    return value


def parse_po(path: Path) -> list[Entry]:
    """A small .po parser: flags, msgctxt, multi-line strings, msgid_plural and msgstr[n].

    Obsolete entries (``#~``) are skipped.
    """
    entries: list[Entry] = []
    current: Entry | None = None
    flags: set[str] = set()
    target: tuple[str, int | None] | None = None  # which string continuation lines extend

    def finish() -> None:
        nonlocal current
        if current is not None:
            entries.append(current)
        current = None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            target = None
            continue
        if line.startswith("#"):
            if current is not None and target is not None and target[0].startswith("msgstr"):
                finish()  # comments after a msgstr belong to the next entry
                target = None
            if line.startswith("#,"):
                flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue  # other comments, references and obsolete (#~) entries
        match = _KEYWORD.match(line)
        if match:
            keyword, index, token = match.group(1), match.group(2), match.group(3)
            text = _unquote(token)
            if keyword in ("msgctxt", "msgid") and current is not None and target and target[0].startswith("msgstr"):
                finish()  # a new entry started without a blank line in between
            if current is None:
                current = Entry(flags=flags, line=number)
                flags = set()
            if keyword == "msgctxt":
                current.msgctxt = text
                target = ("msgctxt", None)
            elif keyword == "msgid":
                current.msgid = text
                target = ("msgid", None)
            elif keyword == "msgid_plural":
                current.msgid_plural = text
                target = ("msgid_plural", None)
            elif index is not None:
                current.msgstr_plural[int(index)] = text
                target = ("msgstr_plural", int(index))
            else:
                current.msgstr = text
                target = ("msgstr", None)
            continue
        if line.startswith('"'):
            assert current is not None and target is not None, f"{path}:{number}: string outside an entry"
            text = _unquote(line)
            kind, index = target
            if kind == "msgstr_plural":
                assert index is not None
                current.msgstr_plural[index] += text
            else:
                setattr(current, kind, getattr(current, kind) + text)
            continue
        raise AssertionError(f"{path}:{number}: cannot parse {raw!r}")
    finish()
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[Entry]:
    return parse_po(PO_FILE)


@pytest.fixture(scope="module")
def messages(po_entries: list[Entry]) -> list[Entry]:
    return [e for e in po_entries if not e.is_header]


@pytest.fixture(scope="module")
def header(po_entries: list[Entry]) -> dict[str, str]:
    [entry] = [e for e in po_entries if e.is_header]
    pairs = (line.split(":", 1) for line in entry.msgstr.splitlines() if ":" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def _label(entry: Entry) -> str:
    return f"line {entry.line}: {entry.msgid!r}"


def test_the_parser_reads_multi_line_strings_and_plural_forms(tmp_path: Path) -> None:
    sample = tmp_path / "sample.po"
    sample.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#: a.py:1\n#, python-format\nmsgid ""\n"Halo "\n"%(name)s"\nmsgstr "Hello "\n"%(name)s"\n\n'
        'msgid "%(n)s anak"\nmsgid_plural "%(n)s anak"\nmsgstr[0] "%(n)s child"\nmsgstr[1] ""\n"%(n)s children"\n',
        encoding="utf-8",
    )
    header_entry, greeting, count = parse_po(sample)
    assert header_entry.is_header and header_entry.msgstr == "Language: en\n"
    assert (greeting.msgid, greeting.msgstr, greeting.flags) == ("Halo %(name)s", "Hello %(name)s", {"python-format"})
    assert count.msgid_plural == "%(n)s anak"
    assert count.msgstr_plural == {0: "%(n)s child", 1: "%(n)s children"}


def test_the_catalogue_header_declares_english_utf8_and_two_plural_forms(header: dict[str, str]) -> None:
    assert header["Language"] == "en"
    assert "charset=UTF-8" in header["Content-Type"]
    assert header["Plural-Forms"].replace(" ", "") == "nplurals=2;plural=(n!=1);"


def test_the_catalogue_is_not_empty(messages: list[Entry]) -> None:
    assert len(messages) > 100


def test_every_message_has_an_english_translation(messages: list[Entry]) -> None:
    def translated(e: Entry) -> bool:
        if e.msgid_plural is None:
            return bool(e.msgstr.strip())
        return sorted(e.msgstr_plural) == [0, 1] and all(s.strip() for s in e.msgstr_plural.values())

    assert [_label(e) for e in messages if not translated(e)] == []


def test_no_message_is_marked_fuzzy(po_entries: list[Entry]) -> None:
    assert [_label(e) for e in po_entries if "fuzzy" in e.flags] == []


def test_translations_keep_the_placeholders_of_the_indonesian_text(messages: list[Entry]) -> None:
    broken = []
    for e in messages:
        expected = sorted(_PLACEHOLDER.findall(e.msgid))
        translated = [e.msgstr] if e.msgid_plural is None else list(e.msgstr_plural.values())
        for text in translated:
            if sorted(_PLACEHOLDER.findall(text)) != expected:
                broken.append(f"{_label(e)} -> {text!r}")
        if expected and e.msgid_plural is None:
            assert "python-format" in e.flags, _label(e)
    assert broken == []


def test_the_compiled_catalogue_matches_the_po_file(messages: list[Entry]) -> None:
    with MO_FILE.open("rb") as handle:
        compiled = stdlib_gettext.GNUTranslations(handle)
    assert compiled.info().get("language") == "en"
    stale = []
    for e in messages:
        if e.msgctxt is not None:
            got = compiled.pgettext(e.msgctxt, e.msgid)
            if got != e.msgstr:
                stale.append(f"{_label(e)}: .mo has {got!r}")
        elif e.msgid_plural is None:
            got = compiled.gettext(e.msgid)
            if got != e.msgstr:
                stale.append(f"{_label(e)}: .mo has {got!r}")
        else:
            for n, expected in ((1, e.msgstr_plural[0]), (2, e.msgstr_plural[1])):
                got = compiled.ngettext(e.msgid, e.msgid_plural, n)
                if got != expected:
                    stale.append(f"{_label(e)} (n={n}): .mo has {got!r}")
    assert stale == [], "django.mo is older than django.po; run `make messages`"


def test_english_is_served_from_the_catalogue_and_indonesian_stays_the_source() -> None:
    with translation.override("en"):
        assert translation.gettext("Laporkan kekhawatiran tentang anak") == "Report a concern about a child"
        assert translation.ngettext("%(n)s laporan terbuka", "%(n)s laporan terbuka", 3) % {"n": 3} == "3 open reports"
    with translation.override("id"):
        assert translation.gettext("Laporkan kekhawatiran tentang anak") == "Laporkan kekhawatiran tentang anak"


def _h1(html: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, flags=re.DOTALL)
    assert match, "the page has no <h1>"
    return match.group(1).strip()


@pytest.mark.django_db
def test_the_tracking_page_switches_to_english_after_choosing_english() -> None:
    client = Client()
    assert _h1(client.get("/lacak/").content.decode()) == "Lacak laporan"

    response = client.post(reverse("set_language"), {"language": "en", "next": "/lacak/"})
    assert response.status_code == 302

    html = client.get("/lacak/").content.decode()
    heading = _h1(html)
    assert "Track" in heading
    assert "Lacak laporan" not in heading
    assert "Check status" in html
    assert 'lang="en"' in html or "lang=en" in html
