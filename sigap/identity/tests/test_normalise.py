"""The rules for normalising Indonesian names (sigap/identity/normalise.py). All names are invented."""

import json
import math

import pytest
from django.core.exceptions import ImproperlyConfigured

from sigap.identity import normalise
from sigap.identity.normalise import (
    aliases,
    canonical_name,
    canonical_tokens,
    compact,
    first_token,
    fold,
    is_nickname_of,
    is_single_name,
    last_token,
    nickname_roots,
    patronym,
    phonetic,
    sorted_key,
)

# --- folding -------------------------------------------------------------------------------------


def test_folding_lowercases_collapses_spaces_and_turns_punctuation_into_spaces():
    assert fold("  SITI   Nur-Aini,  PUTRI. ") == "siti nur aini putri"


def test_folding_removes_accents_and_drops_apostrophes_inside_a_name():
    assert fold("Ma'ruf") == fold("Ma’ruf") == fold("Ma´ruf") == "maruf"
    assert fold("Zoë Nuraíni") == "zoe nuraini"


@pytest.mark.parametrize("value", [None, "", "   ", float("nan"), math.inf, True, "🙂", "王小明", "...", b"bytes"])
def test_missing_or_meaningless_values_fold_to_an_empty_string(value):
    assert fold(value) == ""


ODD_VALUES = [
    None,
    "",
    " ",
    float("nan"),
    42,
    3.5,
    True,
    [],
    {},
    object(),
    "🙂🙂",
    "((((",
    ")",
    "..,,",
    "-",
    "\x00\n\t",
]
FUNCTIONS = [
    fold,
    canonical_tokens,
    canonical_name,
    sorted_key,
    compact,
    first_token,
    last_token,
    patronym,
    aliases,
    phonetic,
    nickname_roots,
    is_single_name,
]


@pytest.mark.parametrize("value", ODD_VALUES, ids=repr)
@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__name__)
def test_odd_input_gives_an_empty_answer_and_never_an_error(function, value):
    assert not function(value)


def test_pandas_and_polars_missing_values_are_empty_names():
    import pandas as pd

    assert canonical_tokens(pd.NA) == [] and canonical_tokens(pd.NaT) == []


# --- old and new spellings -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Soekarno", "sukarno"),
        ("Djoko", "joko"),
        ("Tjipto", "cipto"),
        ("Njoman", "nyoman"),
        ("Sjahrir", "syahrir"),
        ("Chairul", "khairul"),
        ("Soedjono", "sujono"),
        ("Soenjoto", "sunyoto"),
        ("Noer", "nur"),
    ],
)
def test_old_spellings_become_the_new_ones(old, new):
    assert canonical_name(old) == new


@pytest.mark.parametrize(
    ("old", "new"),
    [("Soejono", "suyono"), ("Djojo", "joyo"), ("Tjahjo", "cahyo"), ("Joesoef", "yusuf"), ("Djaja", "jaya")],
)
def test_an_old_j_becomes_y_in_a_word_written_in_the_old_spelling(old, new):
    assert canonical_name(old) == new


@pytest.mark.parametrize("name", ["joko", "panji", "jaya", "anjani", "julia", "rajab"])
def test_a_modern_j_is_kept(name):
    assert canonical_name(name) == name


@pytest.mark.parametrize("name", ["michael", "christian", "richard", "noel", "joel"])
def test_western_names_keep_the_letters_the_old_spelling_rules_would_change(name):
    assert canonical_name(name) == name


@pytest.mark.parametrize(
    ("variants", "canonical"),
    [
        (["Yusuf", "Jusuf", "Yusup", "Joesoef"], "yusuf"),
        (["Rizki", "Rizky", "Rizqi", "Risky"], "rizki"),
        (["Ahmad", "Achmad", "Akhmad"], "ahmad"),
        (["Siti", "Sitti"], "siti"),
        (["Khairul", "Chairul", "Choirul", "Hairul"], "khairul"),
    ],
)
def test_listed_spelling_variants_share_one_form(variants, canonical):
    assert {canonical_name(v) for v in variants} == {canonical}


# --- Muhammad and Abdul ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "form",
    [
        "Muhammad",
        "Muhamad",
        "Muhammed",
        "Mohammad",
        "Mohamad",
        "Mohammed",
        "Mochammad",
        "Mochamad",
        "Muchammad",
        "Mukhammad",
        "Muh.",
        "Muh",
        "Moh.",
        "Moch.",
        "Mhd.",
        "Mohd",
        "M.",
        "M",
    ],
)
def test_every_form_of_muhammad_becomes_muhammad(form):
    assert canonical_tokens(f"{form} Rizki") == ["muhammad", "rizki"]


def test_a_lone_m_is_muhammad_only_at_the_start_of_a_longer_name():
    assert canonical_tokens("M") == ["m"]
    assert canonical_tokens("Rizki M.") == ["rizki", "m"]
    assert canonical_tokens("H. M. Yusuf") == ["muhammad", "yusuf"]


def test_md_is_muhammad_but_made_in_a_balinese_name():
    assert canonical_tokens("Md. Yusuf") == ["muhammad", "yusuf"]
    assert canonical_tokens("I Md. Sudarta") == ["made", "sudarta"]


@pytest.mark.parametrize("form", ["Abdul", "Abd.", "Abd", "Abdoel"])
def test_every_form_of_abdul_becomes_abdul(form):
    assert canonical_tokens(f"{form} Karim") == ["abdul", "karim"]


@pytest.mark.parametrize(
    ("fused", "split"),
    [
        ("Abdurrahman", ["abdul", "rahman"]),
        ("Abdurahman", ["abdul", "rahman"]),
        ("Abdulrachman", ["abdul", "rahman"]),
        ("Abdussalam", ["abdul", "salam"]),
        ("Abdulkadir", ["abdul", "kadir"]),
    ],
)
def test_a_fused_abdul_name_is_split_like_the_same_name_written_apart(fused, split):
    assert canonical_tokens(fused) == split
    assert canonical_tokens(" ".join(split)) == split


@pytest.mark.parametrize("name", ["Abdullah", "Abdulloh", "Abdulah"])
def test_abdullah_stays_one_name(name):
    assert canonical_tokens(name) == ["abdullah"]


# --- titles, honorifics and degrees ------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "H. Budi",
        "H Budi",
        "Hj. Budi",
        "Haji Budi",
        "Ir. Budi",
        "dr. Budi",
        "Dr. Budi",
        "Drs. Budi",
        "Dra. Budi",
        "drg. Budi",
        "Prof. Dr. Ir. H. Budi",
        "K.H. Budi",
        "KH Budi",
        "Ustadz Budi",
        "R. Budi",
        "R.A. Budi",
        "Raden Budi",
        "Pak Budi",
        "Bapak Budi",
        "Bpk. Budi",
        "Bu Budi",
        "Ibu Budi",
        "Mas Budi",
        "Mbak Budi",
        "Mba Budi",
        "Kak Budi",
        "Dik Budi",
        "Bang Budi",
        "Kang Budi",
        "Sdr. Budi",
        "Sdri. Budi",
        "Ny. Budi",
        "Tn. Budi",
        "An. Budi",
        "Alm. Budi",
        "Teuku Budi",
    ],
)
def test_titles_and_forms_of_address_before_a_name_are_removed(written):
    assert canonical_tokens(written) == ["budi"]


@pytest.mark.parametrize(
    "written",
    [
        "Budi, S.Pd.",
        "Budi S.Pd",
        "Budi SPd",
        "Budi, S.H.",
        "Budi SH",
        "Budi, S.Kom.",
        "Budi, A.Md.",
        "Budi, A.Md.Kep.",
        "Budi, S.Pd.I.",
        "Budi, S.E.",
        "Budi, S.Sos., M.Si.",
        "Budi S.H., M.H.",
        "Budi, M.A.",
        "Budi, Sp.A.",
        "Budi (Alm)",
        "Budi Alm.",
        "Budi, S.Ak.",
        "Budi, S.Tr.Kes.",
        "Budi, M.Tr.Kom",
        "Budi A.Md.Kom.",
        "Budi Sp.KK.",
        "Budi, A.P.",
    ],
)
def test_degrees_after_a_name_are_removed(written):
    assert canonical_tokens(written) == ["budi"]


def test_titles_and_degrees_together_leave_only_the_name():
    assert canonical_tokens("Dr. dr. Hj. Siti Aminah, Sp.A., M.Kes.") == ["siti", "aminah"]


@pytest.mark.parametrize(
    ("written", "tokens"),
    [
        ("Siti Ma", ["siti", "ma"]),
        ("Budi Se", ["budi", "se"]),
        ("Budi S", ["budi", "s"]),
        ("K H Budi", ["k", "h", "budi"]),
        ("Budi Mas", ["budi", "mas"]),
        ("Ani An", ["ani", "an"]),
        ("Budi S.", ["budi", "s"]),
        ("Budi M. Ali", ["budi", "m", "ali"]),
        ("Budi S Ak", ["budi", "s", "ak"]),
    ],
)
def test_short_words_that_can_be_name_parts_are_kept_when_not_written_as_a_title(written, tokens):
    assert canonical_tokens(written) == tokens


@pytest.mark.parametrize("written", ["Pak", "Bu", "Ibu", "Hj.", "Mbak", "Dr. Ir."])
def test_a_form_of_address_alone_is_no_name(written):
    assert canonical_tokens(written) == []


# --- bin / binti ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "Ahmad bin Yusuf",
        "Ahmad Bin Yusuf",
        "Ahmad binti Yusuf",
        "Ahmad bt Yusuf",
        "Ahmad bt. Yusuf",
        "Ahmad bte Yusuf",
        "Ahmad b. Yusuf",
        "Ahmad bin H. Yusuf",
        "Ahmad bin Alm. Yusuf",
        "H. Ahmad bin Jusuf, S.Pd.",
    ],
)
def test_bin_and_binti_separate_the_own_name_from_the_fathers_name(written):
    assert canonical_tokens(written) == ["ahmad"]
    assert patronym(written) == "yusuf"


def test_an_undotted_b_between_names_is_an_initial_not_bin():
    assert canonical_tokens("Ahmad B Yusuf") == ["ahmad", "b", "yusuf"]
    assert patronym("Ahmad B Yusuf") == ""


def test_only_the_father_is_kept_from_a_chain_of_patronyms():
    assert patronym("Ahmad bin Ali bin Hasan") == "ali"


def test_a_name_without_bin_has_no_patronym():
    assert patronym("Ahmad Yusuf") == ""


def test_bin_at_the_start_or_end_of_a_name_is_part_of_the_name():
    assert canonical_tokens("Bin Sulaiman") == ["bin", "sulaiman"]
    assert canonical_tokens("Ahmad Bin") == ["ahmad", "bin"]


# --- single names, nicknames, aliases ------------------------------------------------------------------


def test_a_single_name_is_its_own_first_token_and_has_no_last_token():
    assert canonical_tokens("Sukarno") == ["sukarno"]
    assert first_token("Sukarno") == "sukarno"
    assert last_token("Sukarno") == ""
    assert is_single_name("Ir. Soekarno") and not is_single_name("Budi Santoso")


def test_first_and_last_tokens_come_from_the_canonical_name():
    name = "H. M. Rizki Ramadhan, S.Pd."
    assert (first_token(name), last_token(name)) == ("muhammad", "ramadhan")


def test_a_listed_nickname_gives_the_formal_names_it_stands_for():
    assert nickname_roots("Ucup") == {"yusuf"}
    assert {"syamsudin", "jamaludin"} <= nickname_roots("UDIN")
    assert "rizki" in nickname_roots("Kiki")


def test_nickname_lookup_tolerates_a_different_spelling_of_the_nickname():
    assert nickname_roots("Kikie") == nickname_roots("kiki")
    assert nickname_roots("Oetjoep") == {"yusuf"}


def test_an_unknown_token_has_no_nickname_roots():
    assert nickname_roots("Budi") == frozenset()


@pytest.mark.parametrize(
    ("nickname", "formal"),
    [
        ("Ucup", "Yusuf"),
        ("Adit", "Aditya"),
        ("Yati", "Nurhayati"),
        ("Kiki", "Rizky"),
        ("Titi", "Siti"),
        ("Iwan", "Setiawan"),
    ],
)
def test_a_nickname_is_recognised_from_the_list_or_from_the_formal_names_start_end_or_doubled_syllable(
    nickname, formal
):
    assert is_nickname_of(nickname, formal)


@pytest.mark.parametrize(
    ("nickname", "formal"), [("Budi", "Siti"), ("Siti", "Siti"), ("An", "Anita"), ("Aditya", "Adit"), ("Kiki", "Budi")]
)
def test_unrelated_or_equal_names_are_not_nicknames_of_each_other(nickname, formal):
    assert not is_nickname_of(nickname, formal)


def test_a_name_in_brackets_or_after_alias_is_an_alias_not_part_of_the_name():
    assert canonical_tokens("Muhammad Rizki (Kiki)") == ["muhammad", "rizki"]
    assert aliases("Muhammad Rizki (Kiki)") == ["kiki"]
    assert canonical_tokens("Budi als. Kiwil") == ["budi"]
    assert aliases("Budi alias Kiwil") == ["kiwil"]


def test_a_deceased_mark_in_brackets_is_neither_name_nor_alias():
    assert canonical_tokens("Budi (alm)") == ["budi"] and aliases("Budi (alm)") == []


# --- placeholders, babies, numbers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "written", ["Tanpa Nama", "NN", "Tidak diketahui", "-", "X", "Bayi Perempuan", "Anak", "Korban"]
)
def test_placeholder_names_give_no_tokens(written):
    assert canonical_tokens(written) == []


@pytest.mark.parametrize("written", ["By. Ny. Siti Aminah", "Bayi Ny Siti", "Bayi Ibu Siti", "Anak dari Ibu Siti"])
def test_a_baby_recorded_under_the_mothers_name_has_no_name_of_its_own(written):
    assert canonical_tokens(written) == []


def test_numbers_in_a_name_are_ignored():
    assert canonical_tokens("Budi 2 Santoso 2012") == ["budi", "santoso"]


def test_a_balinese_gender_prefix_is_dropped_and_birth_order_abbreviations_are_written_out():
    assert canonical_tokens("Ni Kt. Ayu Lestari") == ["ketut", "ayu", "lestari"]
    assert canonical_tokens("I Wayan Sudarta") == ["wayan", "sudarta"]


# --- reordered parts ---------------------------------------------------------------------------------


def test_reordered_name_parts_share_a_sorted_key():
    assert sorted_key("Budi Santoso") == sorted_key("SANTOSO Budi") == "budi santoso"


def test_a_family_name_written_first_with_a_comma_is_moved_after_the_given_names():
    assert canonical_name("Ramadhan, Muhammad Rizki") == "muhammad rizki ramadhan"
    assert canonical_name("Santoso, Budi") == "budi santoso"
    assert canonical_name("Santoso, Budi, S.Pd.") == "budi santoso"


def test_compact_is_the_same_for_name_parts_written_together_or_apart():
    assert compact("Nur Aini") == compact("Nuraini") == "nuraini"


def test_canonical_tokens_keep_the_written_order():
    assert canonical_tokens("Santoso Budi") == ["santoso", "budi"]


def test_punctuation_alone_does_not_change_a_plain_name():
    assert canonical_tokens("Budi Santoso.") == canonical_tokens("budi  santoso") == ["budi", "santoso"]


def test_changing_a_returned_token_list_does_not_change_the_next_answer():
    canonical_tokens("Budi Santoso").append("x")
    assert canonical_tokens("Budi Santoso") == ["budi", "santoso"]


# --- phonetic key -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Yusuf", "Jusuf"),
        ("Yusuf", "Yusup"),
        ("Joesoef", "Yusuf"),
        ("Zulkifli", "Julkipli"),
        ("Dzulkifli", "Zulkifli"),
        ("Syaiful", "Saipul"),
        ("Khairul", "Hairul"),
        ("Rizky", "Risky"),
        ("Fatimah", "Fatima"),
        ("Aisyah", "Aisah"),
        ("Ramadhan", "Ramadan"),
        ("Usman", "Utsman"),
        ("Fitri", "Pitri"),
        ("Vina", "Fina"),
        ("Taufiq", "Taufik"),
        ("Zaenal", "Zainal"),
        ("Dian", "Diyan"),
        ("Mochammad", "Muhammad"),
        ("Hassan", "Hasan"),
        ("Christian", "Kristian"),
        ("Dewie", "Dewi"),
        ("Annisa", "Anisa"),
        ("Noor", "Nur"),
        ("Sunjoto", "Sunyoto"),
        ("Rizkj", "Rizky"),
        ("Wahju", "Wahyu"),
        ("Dony", "Doni"),
    ],
)
def test_spellings_that_sound_alike_share_a_phonetic_key(a, b):
    assert phonetic(a) == phonetic(b) != ""


@pytest.mark.parametrize(
    ("a", "b"),
    [("Budi", "Badu"), ("Siti", "Sita"), ("Eka", "Ika"), ("Dewi", "Dewa"), ("Agus", "Bagus"), ("Ahmad", "Muhammad")],
)
def test_names_that_differ_keep_different_phonetic_keys(a, b):
    assert phonetic(a) != phonetic(b)


def test_the_phonetic_key_of_a_text_has_one_key_per_word():
    assert phonetic("Joesoef Zainal") == f"{phonetic('Yusuf')} {phonetic('Zaenal')}"


# --- the data file -----------------------------------------------------------------------------------


@pytest.fixture
def variants_file(tmp_path, monkeypatch):
    """Point the module at a copy of the name lists; every cache is rebuilt before and after."""
    path = tmp_path / "name_variants.json"
    data = json.loads(normalise.PATH.read_text(encoding="utf-8"))
    monkeypatch.setattr(normalise, "PATH", path)

    def clear():
        for cached in (normalise._rules, normalise._parse, normalise._canon_token, normalise._phonetic_word):
            cached.cache_clear()
        normalise._nickname_index.cache_clear()

    clear()
    yield path, data
    clear()


def test_every_list_in_the_name_variants_file_loads():
    rules = normalise._rules()
    assert rules.direct["mochammad"] == "muhammad" and "spd" in rules.suffix_degrees and rules.nicknames


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.pop("prefix_titles"),
        lambda d: d["prefix_titles"].append("Haji"),
        lambda d: d["suffix_degrees"].append("s.pd"),
        lambda d: d["spellings"].update({"yusup": ["jusuf"]}),
        lambda d: d["suffix_degrees_dot_required"].append("xyz"),
        lambda d: d["nicknames"].update({"ucup": []}),
        lambda d: d.update({"nicknames": ["ucup"]}),
    ],
)
def test_a_bad_name_variants_file_stops_the_application_with_a_clear_message(variants_file, change):
    path, data = variants_file
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match="name_variants.json"):
        canonical_tokens("Budi")


def test_an_unreadable_name_variants_file_is_reported(variants_file):
    path, _ = variants_file
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match="name_variants.json"):
        canonical_tokens("Budi")


def test_a_title_added_to_the_file_is_removed_from_names(variants_file):
    path, data = variants_file
    data["prefix_titles"].append("kapten")
    path.write_text(json.dumps(data), encoding="utf-8")
    assert canonical_tokens("Kapten Budi") == ["budi"]


def test_abdullah_is_not_split_into_abdul_and_lah_even_without_a_spelling_entry(variants_file):
    path, data = variants_file
    del data["spellings"]["abdullah"]
    path.write_text(json.dumps(data), encoding="utf-8")
    assert canonical_tokens("Abdullah") == ["abdullah"]
    assert canonical_tokens("Abdulloh") == ["abdulloh"]
    assert canonical_tokens("Abdullatif") == ["abdul", "latif"]
