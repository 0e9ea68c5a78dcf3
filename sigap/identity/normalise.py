"""Normalisation of Indonesian personal names, so that one child can be found across many records.

The same child is written "M. Rizki Ramadhan", "Muhammad Rizky", "Moch. Rizki bin Slamet", "Rizki" and
"RAMADHAN, MUHAMMAD RIZKI" by different agencies. These functions turn a name into comparable pieces:

* :func:`fold`: lower case, ASCII, punctuation → space, whitespace collapsed (apostrophes are dropped,
  not spaced: "Ma'ruf" → "maruf").
* :func:`canonical_tokens` / :func:`canonical_name`: the person's *own* name, order kept, with titles,
  honorifics and degrees removed, every form of Muhammad → ``muhammad``, Abd./Abdul → ``abdul`` (fused
  forms split: "Abdurrahman" → ``abdul rahman``), old spellings → new (oe→u, dj→j, tj→c, nj→ny, sj→sy,
  ch→kh, and j→y inside tokens that show another old-spelling mark), and listed spelling variants
  mapped to one form. What follows bin/binti is the father's name: :func:`patronym`. A part in
  brackets or after "alias" is another name: :func:`aliases`.
* :func:`sorted_key`, :func:`first_token`, :func:`last_token`, :func:`compact`: keys for comparison.
* :func:`phonetic`: an Indonesian-tuned sound key for blocking and a "sounds alike" comparison level.
* :func:`nickname_roots`, :func:`is_nickname_of`: nicknames from the list in ``data/name_variants.json``.

Every function is total: ``None``, NaN, numbers and other non-text values, empty strings, emoji or
other scripts give ``""``, ``[]`` or an empty set, never an exception. Results are cached per name and
per token, and all patterns are compiled once: the linkage applies them to hundreds of thousands of
distinct names.
The rules and their reasons are in ``docs/identity.md`` ("Normalisation and NIK").
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

PATH = Path(__file__).parent / "data" / "name_variants.json"

_NAME_CACHE = 1 << 17
_TOKEN_CACHE = 1 << 17

# Apostrophes and their look-alikes mark a glottal stop ("Ma'ruf", "Syafi'i"): dropped, not spaced.
_APOSTROPHES = re.compile("['`\u00b4\u02b9\u02bb\u02bc\u02bd\u2018\u2019\u201b\u2032]")
# Letters that NFKD does not decompose into ASCII.
_TRANSLATE = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "œ": "oe", "Œ": "OE"}
)
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_ALNUM = re.compile(r"[a-z0-9]+")
_MARKS = re.compile(r"[.,(\[{]")
_PIECES = re.compile(r"[a-z0-9]+|[.,]")
_BRACKETED = re.compile(r"[(\[{]([^)\]}]*)[)\]}]?")
_WORD = re.compile(r"[a-z]+")
_ENTRY = re.compile(r"[a-z]+( [a-z]+)*")

# Old spelling. A token is in old spelling when it shows oe, dj, tj, sj or starts with nj; only then is
# its plain j (not part of dj/tj/nj/sj) the old letter for y: Soejono → Suyono, Djojo → Joyo, Tjahjo →
# Cahyo. Modern j (Joko, Panji, Jaya) is left alone; the phonetic key merges j and y for every token.
_OLD_MARK = re.compile(r"oe|dj|tj|sj|^nj")
_OLD_J = re.compile(r"(?<![dtns])j")
_OLD_PAIRS = (("oe", "u"), ("dj", "j"), ("tj", "c"), ("sj", "sy"), ("nj", "ny"))
# "Abdurrahman", "Abdussalam", "Abdulkadir" → abdul + the name (the assimilated consonant belongs to it).
_ABDUL_FUSED = re.compile(r"abdu(?:l([a-z]{3,})|([rsntdzj])\2?([a-z]{2,}))")
_ABDUL_NOT_SPLIT = frozenset({"lah", "loh", "llah", "lloh"})

# The phonetic key, applied in this order to a canonical token (see docs/identity.md for the reasons).
_PHONETIC_STEPS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"^kh(?=[rl])", "k"),  # Christian, Khristian → kristian (ch before r/l is a k)
        (r"ch", "k"),  # Western ch kept by the exception list: Michael → mikael
        (r"kh", "h"),  # Khairul/Hairul, Akhmad/Ahmad
        (r"sy|sh", "s"),  # Syaiful/Saiful, Shinta/Sinta
        (r"ts", "s"),  # Utsman/Usman
        (r"th", "t"),  # Fathur/Fatur
        (r"dh", "d"),  # Ramadhan/Ramadan
        (r"gh", "g"),
        (r"ph", "f"),  # Stephanus/Stefanus
        (r"dz", "z"),  # Dzulkifli/Zulkifli
        (r"z(?![aeiou])", "s"),  # Rizki/Riski, Aziz/Azis: z before a consonant or at the end sounds s
        (r"ie$", "i"),  # Dewie/Dewi
        (r"iy(?=[aeiou])", "i"),  # Diyan/Dian, Sofiya/Sofia (a written glide)
        (r"uw(?=[aeiou])", "u"),  # Ruwaida/Ruaida (a written glide)
        (r"[zj]", "y"),  # Jusuf/Yusuf, Zainal/Jainal (Sundanese z → j)
        (r"(?<=[^aeiou])y$", "i"),  # Rizky/Rizki, Dony/Doni (after j → y: an old j for y, Rizkj, too)
        (r"ny", "n"),  # Nyoman/Nioman; after j → y, so an old nj left in a token (Sunjoto) joins ny too
        (r"[fv]", "p"),  # Fitri/Pitri, Yusuf/Yusup, Vina/Fina
        (r"q", "k"),  # Taufiq/Taufik
        (r"x", "ks"),
        (r"ck", "k"),
        (r"(?<=[aeiou])h$", ""),  # final h after a vowel is silent: Fatimah/Fatima, Aisyah/Aisya
        (r"o", "u"),  # Mohamad/Muhamad, Rohman/Ruhman (Javanese and Arabic o/u)
        (r"ae", "ai"),  # Zaenal/Zainal, Sulaeman/Sulaiman
        (r"(.)\1+", r"\1"),  # doubled letters: Muhammad/Muhamad, Annisa/Anisa
    )
)
_REDUPLICATED = re.compile(r"([^aeiou]?[aeiou])\1")


@dataclass(frozen=True)
class _Rules:
    prefix_titles: frozenset[str]
    prefix_dot_required: frozenset[str]
    suffix_degrees: frozenset[str]
    suffix_dot_required: frozenset[str]
    suffix_heads: frozenset[str]
    direct: dict[str, str]
    exceptions: frozenset[str]
    patronym_markers: frozenset[str]
    patronym_dot_required: frozenset[str]
    alias_markers: frozenset[str]
    balinese_prefixes: frozenset[str]
    balinese_abbreviations: dict[str, str]
    baby_of: frozenset[str]
    mother: frozenset[str]
    placeholders: frozenset[str]
    nicknames: dict[str, tuple[str, ...]]
    special: frozenset[str]  # words that may play a role other than "part of the name"


@dataclass(slots=True)
class _Tok:
    word: str
    dotted: bool = False
    comma: bool = False


@dataclass(frozen=True)
class _Parsed:
    own: tuple[str, ...]
    patronym: tuple[str, ...]
    aliases: tuple[str, ...]


def _words(raw: Any, key: str) -> list[str]:
    values = raw[key]
    if not isinstance(values, list) or not all(isinstance(v, str) and _ENTRY.fullmatch(v) for v in values):
        raise ValueError(f"{key}: every entry must be lower-case ASCII words")
    return values


def _mapping(raw: Any, key: str) -> dict[str, Any]:
    values = raw[key]
    if not isinstance(values, dict) or not all(_WORD.fullmatch(k) for k in values):
        raise ValueError(f"{key}: every key must be one lower-case ASCII word")
    return values


@cache
def _rules() -> _Rules:
    """The lists of ``data/name_variants.json``, read and checked once per process."""
    try:
        raw = json.loads(PATH.read_text(encoding="utf-8"))
        direct: dict[str, str] = {}

        def add(variant: str, canonical: str) -> None:
            if direct.setdefault(variant, canonical) != canonical:
                raise ValueError(f"{variant!r} is listed as a form of both {direct[variant]!r} and {canonical!r}")

        for form in _words(raw, "muhammad_forms"):
            add(form, "muhammad")
        for form in _words(raw, "abdul_forms"):
            add(form, "abdul")
        for canonical, variants in _mapping(raw, "spellings").items():
            add(canonical, canonical)
            for variant in _words({"v": variants}, "v"):
                add(variant, canonical)
        balinese = _mapping(raw, "balinese_abbreviations")
        if not all(isinstance(v, str) and _WORD.fullmatch(v) for v in balinese.values()):
            raise ValueError("balinese_abbreviations: every value must be one lower-case ASCII word")
        nicknames = {}
        for nick, listed in _mapping(raw, "nicknames").items():
            roots = _words({f"nicknames.{nick}": listed}, f"nicknames.{nick}")
            if not roots:
                raise ValueError(f"nicknames.{nick}: list at least one formal name")
            nicknames[nick] = tuple(roots)
        prefix_titles = frozenset(_words(raw, "prefix_titles"))
        suffix_degrees = frozenset(_words(raw, "suffix_degrees"))
        patronym_markers = frozenset(_words(raw, "patronym_markers"))
        alias_markers = frozenset(_words(raw, "alias_markers"))
        balinese_prefixes = frozenset(_words(raw, "balinese_prefixes"))
        baby_of = frozenset(_words(raw, "baby_of_markers"))
        # Single letters too: they may join into a title or degree ("K H", "S H") or be Muhammad ("M").
        letters = frozenset("abcdefghijklmnopqrstuvwxyz")
        rules = _Rules(
            prefix_titles=prefix_titles,
            prefix_dot_required=frozenset(_words(raw, "prefix_titles_dot_required")),
            suffix_degrees=suffix_degrees,
            suffix_dot_required=frozenset(_words(raw, "suffix_degrees_dot_required")),
            suffix_heads=frozenset(_words(raw, "suffix_degree_heads")),
            direct=direct,
            exceptions=frozenset(_words(raw, "old_spelling_exceptions")),
            patronym_markers=patronym_markers,
            patronym_dot_required=frozenset(_words(raw, "patronym_markers_dot_required")),
            alias_markers=alias_markers,
            balinese_prefixes=balinese_prefixes,
            balinese_abbreviations=balinese,
            baby_of=baby_of,
            mother=frozenset(_words(raw, "mother_markers")),
            placeholders=frozenset(_words(raw, "placeholder_names")),
            nicknames=nicknames,
            special=prefix_titles
            | suffix_degrees
            | patronym_markers
            | alias_markers
            | balinese_prefixes
            | baby_of
            | letters,
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ImproperlyConfigured(f"{PATH}: {exc}") from exc
    for subset, whole in (
        ("prefix_titles_dot_required", "prefix_titles"),
        ("suffix_degrees_dot_required", "suffix_degrees"),
        ("patronym_markers_dot_required", "patronym_markers"),
    ):
        extra = set(getattr(rules, _FIELD[subset])) - set(getattr(rules, _FIELD[whole]))
        if extra:
            raise ImproperlyConfigured(f"{PATH}: {subset} lists {sorted(extra)} missing from {whole}")
    return rules


_FIELD = {
    "prefix_titles": "prefix_titles",
    "prefix_titles_dot_required": "prefix_dot_required",
    "suffix_degrees": "suffix_degrees",
    "suffix_degrees_dot_required": "suffix_dot_required",
    "patronym_markers": "patronym_markers",
    "patronym_markers_dot_required": "patronym_dot_required",
}


def _text(value: object) -> str:
    """A text as lower-case ASCII with apostrophes dropped. Anything but a str (None, NaN, pandas NA, a
    number, bytes) is no name and gives ""."""
    if not isinstance(value, str):
        return ""
    text = value
    if not text.isascii():
        text = _APOSTROPHES.sub("", text)
        text = unicodedata.normalize("NFKD", text.translate(_TRANSLATE)).encode("ascii", "ignore").decode("ascii")
    elif "'" in text or "`" in text:
        text = _APOSTROPHES.sub("", text)
    return text.lower()


def fold(text: object) -> str:
    """Lower case, ASCII (accents removed, other scripts dropped), punctuation → space, spaces collapsed.

    >>> fold("  SITI  Nur'aini-Putri ")
    'siti nuraini putri'
    """
    return _fold(_text(text))


@lru_cache(maxsize=_NAME_CACHE)
def _fold(text: str) -> str:
    return _NOT_ALNUM.sub(" ", text).strip()


def _tokens(text: str) -> list[_Tok]:
    """Words with whether each was followed by a dot and preceded by a comma; numbers are dropped."""
    tokens: list[_Tok] = []
    comma = False
    for piece in _PIECES.findall(text):
        if piece == ".":
            if tokens:
                tokens[-1].dotted = True
        elif piece == ",":
            comma = bool(tokens)
        elif not piece.isdigit():
            tokens.append(_Tok(piece, comma=comma))
            comma = False
    return tokens


def _strip_prefix_titles(tokens: list[_Tok], rules: _Rules) -> list[_Tok]:
    """Drop titles and forms of address from the start ("Dr. Ir. H.", "K.H.", "Bu", "R.A."), keeping one
    token at least. Joined single letters count only when the first is dotted ("K.H." but not "K H")."""
    start, n = 0, len(tokens)
    while n - start > 1:
        for k in (3, 2, 1):
            if n - start - k < 1:
                continue
            group = tokens[start : start + k]
            if k > 1 and not (group[0].dotted and all(len(t.word) <= 2 for t in group)):
                continue
            compact = "".join(t.word for t in group)
            if compact in rules.prefix_titles and (compact not in rules.prefix_dot_required or group[-1].dotted):
                start += k
                break
        else:
            break
    return tokens[start:]


def _is_degree(group: list[_Tok], rules: _Rules) -> bool:
    compact = "".join(t.word for t in group)
    if compact in rules.suffix_degrees:
        formal = group[0].comma or any(t.dotted for t in group)
        return formal or compact not in rules.suffix_dot_required
    # Degrees not listed: a field's initials after A.Md., S., M., Sp. (Permenristekdikti 59/2018), as two
    # to four words of three letters at most: after a comma with all but the last dotted (", S.Ak", ", S.Tr.
    # Kes."), or all dotted after a known first word ("A.Md.Kom."). "Santoso, Budi" is no degree.
    if len(group) < 2 or not all(len(t.word) <= 3 for t in group):
        return False
    if group[0].comma and all(t.dotted for t in group[:-1]):
        return True
    return group[0].word in rules.suffix_heads and all(t.dotted for t in group)


def _strip_suffix_degrees(tokens: list[_Tok], rules: _Rules) -> list[_Tok]:
    """Drop degrees from the end ("S.Pd.", "SH", ", M.Kes.", "A.Md.Kep."), keeping one token at least.
    Degrees that could be name parts undotted (MA, SE, ST …) count only dotted or after a comma."""
    end = len(tokens)
    while end > 1:
        for k in (4, 3, 2, 1):
            if end - k < 1:
                continue
            group = tokens[end - k : end]
            if (k == 1 or all(len(t.word) <= 4 for t in group)) and _is_degree(group, rules):
                end -= k
                break
        else:
            break
    return tokens[:end]


def _respell(word: str) -> str:
    """Old spelling → new, within one token."""
    if _OLD_MARK.search(word):
        word = _OLD_J.sub("y", word)
        for old, new in _OLD_PAIRS:
            word = word.replace(old, new)
    if "ch" in word:
        word = word.replace("ch", "kh")
    return word


@lru_cache(maxsize=_TOKEN_CACHE)
def _canon_token(word: str) -> tuple[str, ...]:
    """One folded word in canonical form (a fused Abdul name gives two)."""
    rules = _rules()
    found = rules.direct.get(word)
    if found:
        return (found,)
    if word in rules.exceptions:
        return (word,)
    word = rules.direct.get(_respell(word)) or _respell(word)
    fused = _ABDUL_FUSED.fullmatch(word)
    if fused:
        rest = fused.group(1) or (fused.group(2) + fused.group(3))
        if rest not in _ABDUL_NOT_SPLIT:
            return ("abdul", *_canon_token(rest))
    return (word,)


def _canon_words(tokens: list[_Tok], rules: _Rules, balinese: bool) -> tuple[str, ...]:
    out: list[str] = []
    for i, tok in enumerate(tokens):
        word = tok.word
        if balinese and word in rules.balinese_abbreviations:
            out.append(rules.balinese_abbreviations[word])
        elif i == 0 and word == "m" and len(tokens) > 1:
            out.append("muhammad")  # "M. Rizki": a leading M. is Muhammad
        else:
            out.extend(_canon_token(word))
    return tuple(out)


def _joined(tokens: list[_Tok]) -> str:
    return " ".join(t.word for t in tokens)


def _person(tokens: list[_Tok], rules: _Rules) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(own name, father's name) of one written name, canonical."""
    if not tokens or _joined(tokens) in rules.placeholders:
        return (), ()
    # "By. Ny. Siti", "Bayi Ibu Siti", "Anak dari Siti": a child not yet named, written by a parent's name.
    if len(tokens) >= 2 and tokens[0].word in rules.baby_of and tokens[1].word in rules.mother:
        return (), ()
    tokens = _strip_suffix_degrees(tokens, rules)
    tokens = _strip_prefix_titles(tokens, rules)
    if len(tokens) == 1 and tokens[0].word in rules.prefix_titles:
        return (), ()  # "Pak", "Bu": a form of address only
    if _joined(tokens) in rules.placeholders:
        return (), ()
    balinese = len(tokens) >= 2 and tokens[0].word in rules.balinese_prefixes
    if balinese:
        tokens = tokens[1:]  # I (male) / Ni (female) before a Balinese name
    father: list[_Tok] = []
    for i in range(1, len(tokens) - 1):
        tok = tokens[i]
        if tok.word in rules.patronym_markers and (tok.word not in rules.patronym_dot_required or tok.dotted):
            father = tokens[i + 1 :]
            tokens = tokens[:i]
            for j, later in enumerate(father):
                if later.word in rules.patronym_markers and j > 0:
                    father = father[:j]  # "bin Ali bin Hasan": the father is Ali
                    break
            father = _strip_prefix_titles(father, rules)
            if len(father) == 1 and father[0].word in rules.prefix_titles:
                father = []
            break
    # "Santoso, Budi": family name first, written with a comma → Budi Santoso.
    for i in range(1, len(tokens)):
        if tokens[i].comma:
            tokens = tokens[i:] + tokens[:i]
            break
    return _canon_words(tokens, rules, balinese), _canon_words(father, rules, False)


@lru_cache(maxsize=_NAME_CACHE)
def _parse(text: str) -> _Parsed:
    rules = _rules()
    if not _MARKS.search(text):
        # Fast path, most names: no dots, commas or brackets and no word with a special role.
        words = [w for w in _ALNUM.findall(text) if not w.isdigit()]
        if rules.special.isdisjoint(words):
            if " ".join(words) in rules.placeholders:
                return _EMPTY
            canonical: list[str] = []
            for word in words:
                canonical.extend(_canon_token(word))
            return _Parsed(tuple(canonical), (), ())
    aliases: list[str] = []
    if "(" in text or "[" in text or "{" in text:
        for match in _BRACKETED.finditer(text):
            own = _person(_tokens(match.group(1)), rules)[0]
            if own:
                aliases.append(" ".join(own))
        text = _BRACKETED.sub(" ", text)
    tokens = _tokens(text)
    for i in range(1, len(tokens)):
        if tokens[i].word in rules.alias_markers:
            own = _person(tokens[i + 1 :], rules)[0]
            if own:
                aliases.append(" ".join(own))
            tokens = tokens[:i]
            break
    own, father = _person(tokens, rules)
    return _Parsed(own, father, tuple(dict.fromkeys(a for a in aliases if a != " ".join(own))))


_EMPTY = _Parsed((), (), ())


def canonical_tokens(name: object) -> list[str]:
    """The person's own name as canonical tokens, in written order (see the module docstring).

    >>> canonical_tokens("H. Moch. Abd. Rachman bin Soedjono, S.Pd.")
    ['muhammad', 'abdul', 'rahman']
    """
    return list(_parse(_text(name)).own)


def canonical_name(name: object) -> str:
    return " ".join(_parse(_text(name)).own)


def sorted_key(name: object) -> str:
    """The canonical tokens sorted: the same for "Budi Santoso" and "SANTOSO Budi"."""
    return " ".join(sorted(_parse(_text(name)).own))


def compact(name: object) -> str:
    """The canonical name without spaces: the same for "Nur Aini" and "Nuraini"."""
    return "".join(_parse(_text(name)).own)


def first_token(name: object) -> str:
    own = _parse(_text(name)).own
    return own[0] if own else ""


def last_token(name: object) -> str:
    """The last token of a name of two tokens or more; "" for a single name, which has no family part."""
    own = _parse(_text(name)).own
    return own[-1] if len(own) > 1 else ""


def is_single_name(name: object) -> bool:
    return len(_parse(_text(name)).own) == 1


def patronym(name: object) -> str:
    """The father's name written after bin/binti/bt./b. ("Siti binti H. Ahmad" → "ahmad"), or ""."""
    return " ".join(_parse(_text(name)).patronym)


def aliases(name: object) -> list[str]:
    """Other names given in brackets or after alias/als ("Rizki (Kiki)" → ["kiki"]), canonical."""
    return list(_parse(_text(name)).aliases)


def phonetic(token: object) -> str:
    """An Indonesian sound key for a name token (each token of a longer text, joined by spaces).

    Spellings are made canonical first (so Mochammad and Muhammad share a key), then letters that
    Indonesian writers interchange are merged: kh/h, sy/s, dh/d, th/t, ts/s, z/j/y, f/v/p, q/k, o/u,
    ae/ai, a final y after a consonant → i, a final h after a vowel is dropped, doubled letters are
    single. Other vowels are kept: Indonesian names are short and their vowels tell them apart.

    >>> phonetic("Joesoef") == phonetic("Yusup")
    True
    """
    return " ".join(key for word in fold(token).split() if (key := _phonetic_word(word)))


@lru_cache(maxsize=_TOKEN_CACHE)
def _phonetic_word(word: str) -> str:
    word = "".join(_canon_token(word)).translate(_NO_DIGITS)
    for pattern, replacement in _PHONETIC_STEPS:
        word = pattern.sub(replacement, word)
    return word


_NO_DIGITS = str.maketrans("", "", "0123456789")


@cache
def _nickname_index() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """Nickname → canonical formal names, by canonical nickname and by its phonetic key."""
    by_token: dict[str, set[str]] = {}
    by_sound: dict[str, set[str]] = {}
    for nick, roots in _rules().nicknames.items():
        canonical_roots = {"".join(_canon_token(root)) for root in roots}
        by_token.setdefault("".join(_canon_token(nick)), set()).update(canonical_roots)
        by_sound.setdefault(_phonetic_word(nick), set()).update(canonical_roots)
    return (
        {k: frozenset(v) for k, v in by_token.items()},
        {k: frozenset(v) for k, v in by_sound.items()},
    )


def _one_token(token: object) -> str:
    return "".join("".join(_canon_token(word)) for word in fold(token).split())


def nickname_roots(token: object) -> frozenset[str]:
    """The formal names (canonical) a nickname commonly stands for: "Ucup" → {"yusuf"}; unknown → empty."""
    word = _one_token(token)
    if not word:
        return frozenset()
    by_token, by_sound = _nickname_index()
    return by_token.get(word) or by_sound.get(_phonetic_word(word), frozenset())


def is_nickname_of(nickname: object, formal: object) -> bool:
    """Whether one token may be a nickname of another: listed ("Ucup"/"Yusuf"), the formal name's start
    or end ("Adit"/"Aditya", "Yati"/"Nurhayati", three letters at least), or its last syllable doubled
    ("Kiki"/"Rizki", "Titi"/"Siti"). Looser than the list: a comparison level, not a merge rule."""
    nick, full = _one_token(nickname), _one_token(formal)
    if not nick or not full or nick == full:
        return False
    if full in nickname_roots(nick):
        return True
    sound_nick, sound_full = _phonetic_word(nick), _phonetic_word(full)
    if len(sound_full) > len(sound_nick) >= 3 and (
        sound_full.startswith(sound_nick) or sound_full.endswith(sound_nick)
    ):
        return True
    doubled = _REDUPLICATED.fullmatch(sound_nick)
    if doubled is None:
        return False
    syllable = doubled.group(1)
    return len(sound_full) > len(syllable) and sound_full.endswith(syllable)
