"""The linkage model: which child records belong to one child (Splink on DuckDB, Fellegi–Sunter).

A :class:`LinkageModel` compares prepared records (:func:`sigap.identity.linkage.prepare.prepare`) on

- **name**: exact canonical name (term-frequency adjusted: "Putri" agrees less than "Daruyanti"), the same
  sounds in any order, one name's sounds inside the other (dropped parts), a nickname of the other
  ("Kiki"/"Rizki", "Adit"/"Aditya"), Jaro–Winkler ≥ 0.92 (typos), one shared sound, else;
- **date of birth**: exact, day and month swapped, a day off or one typo, the same year where one record
  has the year only, the same year, a year off, else;
- **NIK**: exact, a digit wrong or two swapped in the region or date part, else — NIKs that differ only in
  the sequence are different (that is how twins' NIKs look);
- **sex**; **household** (the family-card or file number, compared only between numbers of one kind);
- **family name** (the clan or father's name, term-frequency adjusted, or the father named after bin/binti);
- **place**: village → district → regency; and the **source** (two records of one agency are less often
  the same child).

Parameters are trained without labels: u by random sampling, m by expectation maximisation on two
blockings (name sound, birth year and district; NIK) so that every comparison is trained on pairs not
chosen by it. The trained model is saved as JSON with ``model_version`` (:meth:`LinkageModel.save`) and
retrained with ``python -m sigap.identity.linkage.model train RECORDS.parquet MODEL.json``.

Scored pairs carry their evidence (``gamma_*`` levels, ``mw_*`` weights) and a ``guard`` ("sex", "twins",
"siblings", "nickname"; see the comment above ``FIRST_GUARD_SQL``). :func:`cluster` merges automatically
only pairs at or above a high, configurable threshold (``AUTO_MERGE_THRESHOLD``) without a guard, never
puts two guarded records in one cluster (also when other records would join them), and sends every other
pair at or above the review threshold to review. :func:`link` runs a whole job in one DuckDB
:class:`Session`; :class:`Lookup` serves one record at a time (triage). See ``docs/linkage.md``.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

import numpy as np
import polars as pl

from .prepare import prepare

SPEC_VERSION = "sigap-linkage-1"
REVIEW_THRESHOLD = 0.5
AUTO_MERGE_THRESHOLD = 0.99
U_MAX_PAIRS = 2e6
EM_MAX_PAIRS = 2e6
DUCKDB_MEMORY_LIMIT = os.environ.get("SIGAP_LINKAGE_DUCKDB_MEMORY", "1200MB")
# Records handed to Splink: the prepared comparison columns, never the truth.
MODEL_COLUMNS = (
    "record_id",
    "source",
    "name_canon",
    "name_ph",
    "name_key",
    "name_parts",
    "name_bits",
    "name_pad",
    "given_ph",
    "given_stem",
    "nick_ph",
    "nick_root",
    "father_ph",
    "family_canon",
    "family_ph",
    "dob",
    "dob_swap",
    "dob_day",
    "birth_year",
    "sex",
    "nik",
    "nik_head",
    "village_code",
    "district_code",
    "regency_code",
    "household_ref",
    "ref_kind",
)
GUARD_COLUMNS = (
    "record_id",
    "sex",
    "dob",
    "nik",
    "nik_head",
    "household_ref",
    "family_ph",
    "father_ph",
    "personal",
    "name_ph",
    "name_parts",
    "name_pad",
    "given_ph",
    "given_stem",
    "nick_ph",
    "village_code",
)

logger = logging.getLogger(__name__)


def _level(sql: str, label: str, **extra: Any) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label, **extra}


def _null(sql: str, label: str) -> dict[str, Any]:
    return _level(sql, label, is_null_level=True)


def _nickname_sql(a: str, b: str) -> str:
    """Record `a` is written with one name that may be a nickname of a name part of record `b`: listed
    ("Ucup"/"Yusuf"), the start or end of it ("Adit"/"Aditya", "Tari"/"Lestari"), or its last syllable
    doubled ("Kiki"/"Rizki")."""
    return (
        f'("name_parts_{a}" = 1 AND "given_ph_{a}" <> "given_ph_{b}" AND ('
        f'list_has_any("nick_ph_{a}", "name_ph_{b}")'
        f' OR (length("given_ph_{a}") >= 3 AND (contains("name_pad_{b}", \' \' || "given_ph_{a}")'
        f' OR contains("name_pad_{b}", "given_ph_{a}" || \' \')))'
        f' OR contains("name_pad_{b}", "given_stem_{a}" || \' \')))'
    )


def comparisons() -> list[dict[str, Any]]:
    """The Splink comparisons of the Indonesian model (levels from most to least alike)."""
    return [
        {
            "output_column_name": "name",
            "comparison_description": "Nama (kanonik, bunyi, urutan, panggilan)",
            "comparison_levels": [
                _null('"name_canon_l" IS NULL OR "name_canon_r" IS NULL', "name missing"),
                _level(
                    '"name_canon_l" = "name_canon_r"',
                    "exact canonical name",
                    tf_adjustment_column="name_canon",
                    tf_adjustment_weight=1.0,
                ),
                _level('"name_key_l" = "name_key_r"', "same sounds, any order"),
                _level(
                    '(("name_bits_l" & ~"name_bits_r") = 0 OR ("name_bits_r" & ~"name_bits_l") = 0)'
                    ' AND (list_has_all("name_ph_l", "name_ph_r") OR list_has_all("name_ph_r", "name_ph_l"))',
                    "one name inside the other",
                ),
                _level(f"{_nickname_sql('l', 'r')} OR {_nickname_sql('r', 'l')}", "nickname"),
                _level('jaro_winkler_similarity("name_canon_l", "name_canon_r") >= 0.92', "Jaro-Winkler >= 0.92"),
                _level(
                    '("name_bits_l" & "name_bits_r") <> 0 AND list_has_any("name_ph_l", "name_ph_r")',
                    "a shared name part",
                ),
                _level("ELSE", "different names"),
            ],
        },
        {
            "output_column_name": "birth",
            "comparison_description": "Tanggal lahir",
            "comparison_levels": [
                _null('"birth_year_l" IS NULL OR "birth_year_r" IS NULL', "birth date missing"),
                _level('"dob_l" = "dob_r"', "exact date"),
                _level('"dob_l" = "dob_swap_r"', "day and month swapped"),
                _level(
                    'abs("dob_day_l" - "dob_day_r") <= 1 OR hamming("dob_l", "dob_r") <= 1',
                    "a day off or one typo",
                ),
                _level(
                    '("dob_l" IS NULL OR "dob_r" IS NULL) AND "birth_year_l" = "birth_year_r"',
                    "same year, one record has the year only",
                ),
                _level('"birth_year_l" = "birth_year_r"', "same year, different dates"),
                _level('abs("birth_year_l" - "birth_year_r") <= 1', "a year apart"),
                _level("ELSE", "different years"),
            ],
        },
        {
            "output_column_name": "nik",
            "comparison_description": "NIK",
            "comparison_levels": [
                _null('"nik_l" IS NULL OR "nik_r" IS NULL', "NIK missing"),
                _level('"nik_l" = "nik_r"', "exact NIK"),
                _level(
                    'coalesce("nik_head_l" <> "nik_head_r", true) AND length("nik_l") = length("nik_r")'
                    ' AND (hamming("nik_l", "nik_r") <= 1 OR (hamming("nik_l", "nik_r") = 2'
                    " AND list_sort(string_split(\"nik_l\", '')) = list_sort(string_split(\"nik_r\", ''))))",
                    "a digit wrong or two swapped (in a NIK: in its region or date)",
                ),
                _level("ELSE", "different NIK (also: only the sequence differs, as for twins)"),
            ],
        },
        {
            "output_column_name": "sex",
            "comparison_description": "Jenis kelamin",
            "comparison_levels": [
                _null('"sex_l" IS NULL OR "sex_r" IS NULL', "sex missing"),
                _level('"sex_l" = "sex_r"', "same sex"),
                _level("ELSE", "different sex"),
            ],
        },
        {
            "output_column_name": "household",
            "comparison_description": "Nomor KK atau nomor keluarga dari sumber",
            "comparison_levels": [
                _null(
                    '"household_ref_l" IS NULL OR "household_ref_r" IS NULL OR "ref_kind_l" <> "ref_kind_r"',
                    "no household numbers of one kind",
                ),
                _level('"household_ref_l" = "household_ref_r"', "same household number"),
                _level(
                    'length("household_ref_l") = length("household_ref_r") AND hamming("household_ref_l", "household_ref_r") <= 1',
                    "a digit apart",
                ),
                _level("ELSE", "different household numbers"),
            ],
        },
        {
            "output_column_name": "family",
            "comparison_description": "Nama keluarga / marga / nama ayah",
            "comparison_levels": [
                _null(
                    '("family_canon_l" IS NULL AND "father_ph_l" IS NULL)'
                    ' OR ("family_canon_r" IS NULL AND "father_ph_r" IS NULL)',
                    "family name missing",
                ),
                _level(
                    '"family_canon_l" = "family_canon_r"',
                    "exact family name",
                    tf_adjustment_column="family_canon",
                    tf_adjustment_weight=1.0,
                ),
                _level('"family_ph_l" = "family_ph_r"', "family names sound alike"),
                _level(
                    '"father_ph_l" = "family_ph_r" OR "family_ph_l" = "father_ph_r" OR "father_ph_l" = "father_ph_r"',
                    "father named after bin/binti",
                ),
                _level('jaro_winkler_similarity("family_canon_l", "family_canon_r") >= 0.9', "Jaro-Winkler >= 0.9"),
                _level("ELSE", "different family names"),
            ],
        },
        {
            "output_column_name": "place",
            "comparison_description": "Tempat: desa/kelurahan → kecamatan → kabupaten/kota",
            "comparison_levels": [
                _null('"regency_code_l" IS NULL OR "regency_code_r" IS NULL', "place missing"),
                _level('"village_code_l" = "village_code_r"', "same village"),
                _level('"district_code_l" = "district_code_r"', "same district"),
                _level('"regency_code_l" = "regency_code_r"', "same regency"),
                _level("ELSE", "different regency"),
            ],
        },
        {
            "output_column_name": "source",
            "comparison_description": "Sumber (lembaga)",
            "comparison_levels": [
                _null('"source_l" IS NULL OR "source_r" IS NULL', "source missing"),
                _level('"source_l" = "source_r"', "same source"),
                _level("ELSE", "different sources"),
            ],
        },
    ]


# Candidate pairs: any one rule suffices. Each is an equi-join, so none compares all pairs of a big group.
BLOCKING_RULES = (
    "l.nik = r.nik",
    "l.given_ph = r.given_ph AND l.dob = r.dob",
    "l.given_ph = r.given_ph AND l.birth_year = r.birth_year AND l.district_code = r.district_code",
    "l.name_key = r.name_key AND l.district_code = r.district_code",
    "l.dob = r.dob AND l.district_code = r.district_code",
    "l.given_ph = r.given_ph AND l.village_code = r.village_code",
    "l.household_ref = r.household_ref",
)
# Expectation maximisation: each rule leaves the comparisons it does not use to be trained.
TRAINING_RULES = (
    "l.given_ph = r.given_ph AND l.birth_year = r.birth_year AND l.district_code = r.district_code",
    "l.nik = r.nik",
)
# Pairs that are almost surely one child, to estimate how often two random records match.
DETERMINISTIC_RULES = (
    "l.nik = r.nik AND l.name_key = r.name_key",
    "l.dob = r.dob AND l.name_canon = r.name_canon AND l.district_code = r.district_code",
)
DETERMINISTIC_RECALL = 0.6


def settings(link_type: str = "dedupe_only") -> dict[str, Any]:
    """An untrained Splink settings dictionary for the Indonesian model."""
    return {
        "link_type": link_type,
        "unique_id_column_name": "record_id",
        "comparisons": comparisons(),
        "blocking_rules_to_generate_predictions": list(BLOCKING_RULES),
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": True,
        "em_convergence": 0.001,
        "max_iterations": 20,
    }


def duckdb_connection(directory: str, memory_limit: str | None = None) -> Any:
    """An in-memory DuckDB database limited to `memory_limit` that spills to `directory`."""
    import duckdb

    con = duckdb.connect(":memory:")
    con.execute(f"SET memory_limit = '{memory_limit or DUCKDB_MEMORY_LIMIT}'")
    con.execute(f"SET temp_directory = '{directory}'")
    con.execute("SET preserve_insertion_order = false")
    return con


@contextmanager
def duckdb_api(memory_limit: str | None = None) -> Iterator[Any]:
    """A Splink DuckDB back end on such a database, closed (and its spill files removed) on exit."""
    from splink import DuckDBAPI

    with tempfile.TemporaryDirectory(prefix="sigap-linkage-") as tmp:
        con = duckdb_connection(tmp, memory_limit)
        try:
            yield DuckDBAPI(connection=con)
        finally:
            con.close()


class Session:
    """Prepared records held by DuckDB (table ``records``, in its own compressed, spillable storage) for
    one job — training, scoring, guards and the cluster checks all read them there, so Python need keep
    no second copy."""

    def __init__(
        self,
        records: pl.DataFrame,
        *,
        link_only: bool = False,
        memory_limit: str | None = None,
        kin_guards: bool = True,
    ):
        from splink import DuckDBAPI

        self._tmp = tempfile.TemporaryDirectory(prefix="sigap-linkage-")
        self.con = duckdb_connection(self._tmp.name, memory_limit)
        columns = list(dict.fromkeys([*MODEL_COLUMNS, *GUARD_COLUMNS]))
        extra = ["source_dataset"] if link_only else []
        # Arrow with string views: no copy of the strings on the way in.
        arrow = records.select(*columns, *extra).to_arrow(compat_level=pl.CompatLevel.newest())
        self.con.register("incoming_records", arrow)
        self.con.execute("CREATE TABLE records AS SELECT * FROM incoming_records")
        self.con.unregister("incoming_records")
        del arrow
        self.link_only = link_only
        self.kin_guards = kin_guards
        self.db_api = DuckDBAPI(connection=self.con)
        self._inputs: list[Any] | None = None

    def close(self) -> None:
        self.con.close()
        self._tmp.cleanup()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def linker(self, splink_settings: dict[str, Any]) -> Any:
        from splink import Linker

        if self._inputs is None:
            model = ", ".join(MODEL_COLUMNS)
            if self.link_only:
                datasets = [
                    r[0] for r in self.con.sql("SELECT DISTINCT source_dataset FROM records ORDER BY 1").fetchall()
                ]
                self._inputs = []
                for i, dataset in enumerate(datasets):
                    literal = "'" + str(dataset).replace("'", "''") + "'"
                    self.con.execute(
                        f"CREATE VIEW model_records_{i} AS SELECT {model} FROM records WHERE source_dataset = {literal}"
                    )
                    self._inputs.append(self.db_api.register(f"model_records_{i}", dataset_display_name=str(dataset)))
            else:
                self.con.execute(f"CREATE VIEW model_records AS SELECT {model} FROM records")
                self._inputs = [self.db_api.register("model_records", dataset_display_name="records")]
        return Linker(self._inputs, splink_settings, log_level=logging.WARNING)

    def guarded(self, table: str) -> pl.DataFrame:
        """Every row of DuckDB table `table` (with record_id_l and record_id_r) with its ``guard``. Most
        pairs are settled by a few narrow columns; only pairs whose names differ are joined to the name
        columns (moving wide rows is what costs)."""

        def joined(source: str, columns: tuple[str, ...]) -> str:
            left = ", ".join(f"l.{c} AS {c}_l" for c in columns)
            right = ", ".join(f"r.{c} AS {c}_r" for c in columns)
            return (
                f"SELECT p.record_id_l, p.record_id_r, {left}, {right} FROM {source} p"
                " JOIN records l ON l.record_id = p.record_id_l JOIN records r ON r.record_id = p.record_id_r"
            )

        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE guard_first AS WITH pairs AS ({joined(table, FIRST_GUARD_COLUMNS)})"
            f" {FIRST_GUARD_SQL}"
        )
        hard = "(SELECT record_id_l, record_id_r FROM guard_first WHERE guard = 'names')"
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE guard_names AS WITH pairs AS ({joined(hard, GUARD_COLUMNS)}), {NAMES_GUARD_SQL}"
        )
        out = self.con.sql(
            f"SELECT t.*, CASE WHEN f.guard = 'names' THEN n.guard ELSE f.guard END AS guard FROM {table} t"
            " JOIN guard_first f USING (record_id_l, record_id_r)"
            " LEFT JOIN guard_names n USING (record_id_l, record_id_r)"
        ).pl()
        self.con.execute("DROP TABLE guard_first; DROP TABLE guard_names")
        assert isinstance(out, pl.DataFrame)
        if not self.kin_guards:
            out = out.with_columns(guard=pl.when(pl.col("guard") == "sex").then(pl.col("guard")))
        return out

    def guard_pairs(self, pairs: pl.DataFrame) -> pl.DataFrame:
        """Polars `pairs` (record_id_l, record_id_r, …) with their ``guard``."""
        self.con.register("pairs_to_guard", pairs.to_arrow())
        try:
            return self.guarded("pairs_to_guard")
        finally:
            self.con.unregister("pairs_to_guard")

    def score(self, linker: Any, threshold: float) -> pl.DataFrame:
        """Splink's predictions at or above `threshold`, as l < r pairs with their evidence — ``gamma_*``
        (the level of each comparison, -1 when a value is missing) and ``mw_*`` (its match weight) — and
        their guard."""
        predictions = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
        evidence = []
        for comparison in linker._settings_obj.comparisons:  # Splink 5 writes gamma_* only with all inputs
            name = comparison.output_column_name
            mw = f"mw_{name}"
            levels = [
                f"WHEN {mw} = CAST({level._match_weight!r} AS DOUBLE) THEN {level.comparison_vector_value}"
                for level in comparison.comparison_levels
                if not level.is_null_level and level._match_weight is not None
            ]
            evidence.append(f"CASE {' '.join(levels)} ELSE -1 END::TINYINT AS gamma_{name}")
            evidence.append(f"{mw}::FLOAT AS {mw}")
        self.con.execute(
            "CREATE OR REPLACE TABLE scored AS SELECT least(record_id_l, record_id_r) AS record_id_l,"
            " greatest(record_id_l, record_id_r) AS record_id_r, match_probability, match_weight,"
            f" {', '.join(evidence)} FROM {predictions.physical_name}"
        )
        predictions.drop_table_from_database_and_remove_from_cache()
        linker.table_management.invalidate_cache()  # Splink's working tables: free their memory for what follows
        try:
            return self.guarded("scored")
        finally:
            self.con.execute("DROP TABLE scored")


@dataclass
class Clustering:
    """The result of :func:`cluster`."""

    clusters: pl.DataFrame  # record_id, cluster_id (every record; a lone record is its own cluster)
    merged: pl.DataFrame  # record_id_l, record_id_r, match_probability: the pairs merged automatically
    review: pl.DataFrame  # record_id_l, record_id_r, match_probability, reason: for a person to decide


@dataclass
class LinkageModel:
    """A trained model: the Splink settings with their parameters, and where they came from."""

    splink_settings: dict[str, Any]
    model_version: str
    trained_at: str
    training: dict[str, Any] = field(default_factory=dict)
    review_threshold: float = REVIEW_THRESHOLD
    auto_merge_threshold: float = AUTO_MERGE_THRESHOLD

    # --- training, saving, loading

    @classmethod
    def train(
        cls,
        df: pl.DataFrame,
        seed: int = 1,
        *,
        prepared: bool = False,
        link_only: bool = False,
        memory_limit: str | None = None,
        **budget: float,
    ) -> LinkageModel:
        """Train on records `df` (raw, or already :func:`prepare`-d with `prepared=True`). With
        `link_only`, pairs are only formed across the values of `source_dataset`. `budget` may set
        ``u_max_pairs`` and ``em_max_pairs`` (the pairs sampled for u and for each EM blocking)."""
        records = df if prepared else prepare(df)
        with Session(records, link_only=link_only, memory_limit=memory_limit) as session:
            linker = session.linker(settings("link_only" if link_only else "dedupe_only"))
            return cls._trained(linker, records.height, seed, **budget)

    @classmethod
    def _trained(
        cls, linker: Any, records: int, seed: int, u_max_pairs: float = U_MAX_PAIRS, em_max_pairs: float = EM_MAX_PAIRS
    ) -> LinkageModel:
        started = time.monotonic()
        training = linker.training
        training.estimate_probability_two_random_records_match(list(DETERMINISTIC_RULES), recall=DETERMINISTIC_RECALL)
        training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed)
        for rule in TRAINING_RULES:
            training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True, max_pairs=em_max_pairs
            )
        trained = linker.misc.save_model_to_json()
        now = datetime.now(UTC).replace(microsecond=0)
        return cls(
            splink_settings=trained,
            model_version=f"{SPEC_VERSION}+{now:%Y%m%dT%H%M%SZ}-s{seed}",
            trained_at=now.isoformat(),
            training={
                "records": records,
                "seed": seed,
                "u_max_pairs": u_max_pairs,
                "em_max_pairs": em_max_pairs,
                "link_type": trained["link_type"],
                "seconds": round(time.monotonic() - started, 1),
            },
        )

    def save(self, path: Path | str) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "model_version": self.model_version,
            "spec_version": SPEC_VERSION,
            "trained_at": self.trained_at,
            "training": self.training,
            "review_threshold": self.review_threshold,
            "auto_merge_threshold": self.auto_merge_threshold,
            "splink_settings": self.splink_settings,
        }
        path.write_text(json.dumps(payload, indent=1, sort_keys=True), encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: Path | str) -> LinkageModel:
        payload = json.loads(Path(path).read_text(encoding="utf-8"))
        if payload.get("spec_version") != SPEC_VERSION:
            raise ValueError(
                f"{path}: model for {payload.get('spec_version')!r}, this code needs {SPEC_VERSION!r}; retrain it"
            )
        return cls(
            splink_settings=payload["splink_settings"],
            model_version=payload["model_version"],
            trained_at=payload["trained_at"],
            training=payload.get("training", {}),
            review_threshold=payload.get("review_threshold", REVIEW_THRESHOLD),
            auto_merge_threshold=payload.get("auto_merge_threshold", AUTO_MERGE_THRESHOLD),
        )

    @property
    def link_only(self) -> bool:
        return self.splink_settings.get("link_type") == "link_only"

    # --- prediction and clustering

    def predict(
        self,
        df: pl.DataFrame,
        threshold: float | None = None,
        *,
        prepared: bool = False,
        memory_limit: str | None = None,
    ) -> pl.DataFrame:
        """Scored candidate pairs at or above `threshold` (default: the review threshold): ``record_id_l``,
        ``record_id_r`` (l < r), ``match_probability``, ``match_weight``, ``gamma_*`` (the level of each
        comparison, -1 when missing) and ``guard`` (see :func:`with_guards`)."""
        records = df if prepared else prepare(df)
        with Session(records, link_only=self.link_only, memory_limit=memory_limit) as session:
            return session.score(session.linker(self.splink_settings), self._threshold(threshold))

    def cluster(
        self,
        pairs: pl.DataFrame,
        records: pl.DataFrame,
        auto_merge_threshold: float | None = None,
        review_threshold: float | None = None,
    ) -> Clustering:
        """Clusters of prepared `records` from scored `pairs` (:meth:`predict`), see :func:`cluster`."""
        with Session(records, link_only=self.link_only) as session:
            return cluster(
                pairs,
                records.get_column("record_id"),
                session.guard_pairs,
                auto_merge_threshold=self.auto_merge_threshold
                if auto_merge_threshold is None
                else auto_merge_threshold,
                review_threshold=self._threshold(review_threshold),
            )

    def _threshold(self, threshold: float | None) -> float:
        return self.review_threshold if threshold is None else threshold


@dataclass
class LinkResult:
    model: LinkageModel
    pairs: pl.DataFrame  # scored pairs at or above the review threshold, with evidence and guards
    clustering: Clustering
    seconds: dict[str, float] = field(default_factory=dict)  # wall time of each step


def link(
    df: pl.DataFrame,
    *,
    model: LinkageModel | None = None,
    seed: int = 1,
    prepared: bool = False,
    link_only: bool = False,
    auto_merge_threshold: float | None = None,
    memory_limit: str | None = None,
    kin_guards: bool = True,
    **budget: float,
) -> LinkResult:
    """Deduplicate the records `df` (or, with `link_only`, link them across ``source_dataset``) in one job:
    prepare them, train a model on them unless `model` is given, score the candidate pairs, guard and
    cluster them — all in one DuckDB session, so the records are stored once. `kin_guards=False` keeps
    only the sex guard (for data that is not about children in households, such as FEBRL)."""
    seconds: dict[str, float] = {}
    clock = time.monotonic()

    def lap(step: str) -> None:
        nonlocal clock
        now = time.monotonic()
        seconds[step] = round(now - clock, 2)
        clock = now

    records = df if prepared else prepare(df)
    del df
    lap("prepare")
    link_only = model.link_only if model else link_only
    record_ids = records.get_column("record_id")
    with Session(records, link_only=link_only, memory_limit=memory_limit, kin_guards=kin_guards) as session:
        del records
        lap("load")
        spec = model.splink_settings if model else settings("link_only" if link_only else "dedupe_only")
        linker = session.linker(spec)
        if model is None:
            model = LinkageModel._trained(linker, record_ids.len(), seed, **budget)
            lap("train")
        pairs = session.score(linker, model.review_threshold)
        lap("score")
        clustering = cluster(
            pairs,
            record_ids,
            session.guard_pairs,
            auto_merge_threshold=model.auto_merge_threshold if auto_merge_threshold is None else auto_merge_threshold,
            review_threshold=model.review_threshold,
        )
        lap("cluster")
    return LinkResult(model=model, pairs=pairs, clustering=clustering, seconds=seconds)


# --- guards ------------------------------------------------------------------------------------------------


def _slip_apart(a: str, b: str) -> str:
    """SQL: strings `a` and `b` are one slip apart (two for long ones)."""
    return f"(levenshtein({a}, {b}) <= 1 OR (least(length({a}), length({b})) >= 7 AND levenshtein({a}, {b}) <= 2))"


def _last_vowel(a: str) -> str:
    return f"regexp_extract({a}, '([aiueo])[^aiueo]*$', 1)"


def _other_last_vowel(a: str, b: str) -> str:
    """SQL: as many vowels in `a` as in `b`, but a different last one — a vowel changed, as in twins' names
    (a vowel dropped or added is a slip: Galih/Galh)."""
    vowels = f"length({a}) - length({_consonants(a)}) = length({b}) - length({_consonants(b)})"
    return f"({vowels} AND {_last_vowel(a)} <> {_last_vowel(b)})"


def _consonants(a: str) -> str:
    return f"translate({a}, 'aiueo', '')"


def _rhyme(a: str, b: str) -> str:
    """SQL: `a` and `b` differ only in their last vowel — how twins are named (Rizki/Rizka, Hasan/Hasin)."""
    masked_a = f"regexp_replace({a}, '[aiueo]([^aiueo]*)$', '_\\1')"
    masked_b = f"regexp_replace({b}, '[aiueo]([^aiueo]*)$', '_\\1')"
    return f"({a} <> {b} AND {masked_a} = {masked_b})"


# The guard of a pair whose records' GUARD_COLUMNS are joined as <column>_l / <column>_r (relation `pairs`):
# - "sex": the records state different sexes;
# - "twins": NIKs that differ only in the sequence (one district, one birth date, one sex) with different
#   names; or the same birth date and given names that rhyme (one vowel changed: Rizki/Rizka); or the same
#   birth date, signs of one household or one village, and names that differ (or a record without a name);
# - "siblings": signs of one household (family-card number, family name or father, or a shared name part in
#   one village) and names that differ;
# - "nickname": names that differ but for a loose nickname, signs of one household and no birth date to
#   check (the nickname may be a sibling's or a twin's).
# Names "differ" when each has a part the other lacks, neither is a listed nickname of the other, and the
# parts are more than a slip apart (any difference in a short name of four letters or less), or their first
# differing words have a different last vowel or rhyme (Rizki/Rizka: how twins are named, not how names are
# mistyped). A looser nickname (a name's start, end or doubled last syllable: "Kiki"/"Rizki") lifts the
# sibling guard but not the twin guard — a twin's nickname fits the co-twin's name as well. The same NIK
# (checked against the stated birth date and sex) lifts the twin and sibling guards.
_SAME_FAMILY = """(
    coalesce(household_ref_l = household_ref_r, false)
    OR coalesce(family_ph_l = family_ph_r OR levenshtein(family_ph_l, family_ph_r) <= 1, false)
    OR coalesce(father_ph_l = father_ph_r OR father_ph_l = family_ph_r OR family_ph_l = father_ph_r, false)
)"""
FIRST_GUARD_COLUMNS = (
    "sex",
    "nik",
    "nik_head",
    "personal",
    "dob",
    "village_code",
    "household_ref",
    "family_ph",
    "father_ph",
)
# First pass, on narrow columns: "sex", "twins" by NIK or for a record without a name, null when the NIKs
# are the same or the names are, and "names" for the pairs whose names must be looked at (NAMES_GUARD_SQL).
FIRST_GUARD_SQL = f"""
SELECT record_id_l, record_id_r,
    CASE
        WHEN coalesce(sex_l <> sex_r, false) THEN 'sex'
        WHEN coalesce(nik_head_l = nik_head_r AND nik_l <> nik_r AND personal_l <> personal_r, false) THEN 'twins'
        WHEN coalesce(nik_l = nik_r, false) OR coalesce(personal_l = personal_r, false) THEN NULL
        WHEN personal_l IS NULL OR personal_r IS NULL THEN
            CASE WHEN coalesce(dob_l = dob_r, false)
                AND (coalesce(village_code_l = village_code_r, false) OR {_SAME_FAMILY}) THEN 'twins' END
        ELSE 'names'
    END AS guard
FROM pairs
"""
NAMES_GUARD_SQL = f"""
parts AS (
    SELECT *,
        list_filter(string_split(personal_l, ' '), lambda x: NOT list_contains(string_split(personal_r, ' '), x))
            AS only_l,
        list_filter(string_split(personal_r, ' '), lambda x: NOT list_contains(string_split(personal_l, ' '), x))
            AS only_r,
        coalesce(dob_l = dob_r, false) AS same_date,
        coalesce(village_code_l = village_code_r, false) AS same_village
    FROM pairs
), parts2 AS (
    SELECT *, only_l[1] AS first_l, only_r[1] AS first_r,
        array_to_string(only_l, '') AS all_l, array_to_string(only_r, '') AS all_r
    FROM parts
), judged AS (
    SELECT *,
        len(only_l) > 0 AND len(only_r) > 0
            AND NOT coalesce(list_has_any(nick_ph_l, name_ph_r) OR list_has_any(nick_ph_r, name_ph_l), false)
            AND (coalesce({_rhyme("first_l", "first_r")}, false)
                OR NOT coalesce({_slip_apart("all_l", "all_r")} AND NOT {_other_last_vowel("first_l", "first_r")}
                    AND least(length(first_l), length(first_r)) >= 5, false))
            AS names_differ,
        coalesce({_nickname_sql("l", "r").replace('"', "")} OR {_nickname_sql("r", "l").replace('"', "")}, false)
            AS maybe_nickname,
        coalesce({_rhyme("first_l", "first_r")}, false) OR CASE WHEN length(all_l) = length(all_r)
            AND length(all_l) > 0 AND all_l <> all_r THEN hamming(all_l, all_r) = 1
            AND {_consonants("all_l")} = {_consonants("all_r")} ELSE false END AS rhymed,
        {_SAME_FAMILY} OR (same_village AND len(list_intersect(name_ph_l, name_ph_r)) > 0) AS one_household
    FROM parts2
)
SELECT record_id_l, record_id_r,
    CASE
        WHEN same_date AND (rhymed OR (names_differ AND (one_household OR same_village))) THEN 'twins'
        WHEN names_differ AND NOT maybe_nickname AND one_household THEN 'siblings'
        WHEN names_differ AND maybe_nickname AND one_household AND NOT same_date
            AND (dob_l IS NULL OR dob_r IS NULL) THEN 'nickname'
    END AS guard
FROM judged
"""


def with_guards(pairs: pl.DataFrame, records: pl.DataFrame) -> pl.DataFrame:
    """`pairs` (record_id_l, record_id_r, …) with the ``guard`` of each (see the comment above), from
    prepared `records`."""
    with Session(records) as session:
        return session.guard_pairs(pairs)


# --- clustering --------------------------------------------------------------------------------------------


def _components(ids: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected components: a label per id (ids sorted, unique)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = ids.size
    graph = coo_matrix(
        (np.ones(left.size, dtype=np.int8), (np.searchsorted(ids, left), np.searchsorted(ids, right))), shape=(n, n)
    )
    return np.asarray(connected_components(graph, directed=False)[1])


MAX_CHECKED_CLUSTER = 100  # a bigger cluster is always re-merged edge by edge (checking all its pairs is costly)


def cluster(
    pairs: pl.DataFrame,
    record_ids: pl.Series,
    guard: Callable[[pl.DataFrame], pl.DataFrame],
    *,
    auto_merge_threshold: float = AUTO_MERGE_THRESHOLD,
    review_threshold: float = REVIEW_THRESHOLD,
) -> Clustering:
    """Merge the unguarded `pairs` at or above `auto_merge_threshold` into clusters (connected
    components), then check every pair of records inside each cluster with `guard` (a function adding a
    ``guard`` column to pairs) — guarded records may have been joined through others — and re-merge the
    clusters that hold a guarded pair edge by edge, most probable first, skipping any merge that would join
    guarded records. Pairs at or above `review_threshold` left in different clusters go to review with a
    reason: their guard, "below_auto_merge", or "kept_apart" (merging them would join guarded records)."""
    ids = np.sort(record_ids.unique().to_numpy())
    if "guard" not in pairs.columns:
        pairs = guard(pairs)
    strong = pairs.filter((pl.col("match_probability") >= auto_merge_threshold) & pl.col("guard").is_null())
    labels = _components(ids, strong.get_column("record_id_l").to_numpy(), strong.get_column("record_id_r").to_numpy())
    clusters = pl.DataFrame({"record_id": ids, "cluster_id": labels.astype(np.int64)})
    sizes = clusters.group_by("cluster_id").len()
    checked = clusters.join(sizes.filter((pl.col("len") > 1) & (pl.col("len") <= MAX_CHECKED_CLUSTER)), on="cluster_id")
    inside = (
        checked.select("cluster_id", record_id_l="record_id")
        .join(checked.select("cluster_id", record_id_r="record_id"), on="cluster_id")
        .filter(pl.col("record_id_l") < pl.col("record_id_r"))
    )
    # Pairs already scored carry their guard; only the others are looked up.
    known = pairs.select("record_id_l", "record_id_r", "guard")
    apart = pl.concat(
        [
            inside.join(known.filter(pl.col("guard").is_not_null()), on=["record_id_l", "record_id_r"]),
            guard(inside.join(known, on=["record_id_l", "record_id_r"], how="anti")).filter(
                pl.col("guard").is_not_null()
            ),
        ]
    )
    big = sizes.filter(pl.col("len") > MAX_CHECKED_CLUSTER).get_column("cluster_id")
    if big.len():
        in_big = clusters.filter(pl.col("cluster_id").is_in(big.implode()))
        scored_apart = (
            pairs.filter(pl.col("guard").is_not_null())
            .join(in_big.select(record_id_l="record_id", cluster_id="cluster_id"), on="record_id_l")
            .join(in_big.select(record_id_r="record_id", c="cluster_id"), on="record_id_r")
            .filter(pl.col("cluster_id") == pl.col("c"))
            .select("record_id_l", "record_id_r", "cluster_id", "guard")
        )
        apart = pl.concat([apart.select(scored_apart.columns), scored_apart])
    broken = pl.concat([apart.get_column("cluster_id"), big]).unique()
    if broken.len():
        clusters = _remerge(clusters, strong, apart, broken)
    clusters = clusters.with_columns(cluster_id=pl.col("record_id").min().over("cluster_id")).sort("record_id")
    side = clusters.rename({"record_id": "record_id_l", "cluster_id": "c_l"})
    other = clusters.rename({"record_id": "record_id_r", "cluster_id": "c_r"})
    scored = (
        pairs.filter(pl.col("match_probability") >= review_threshold)
        .join(side, on="record_id_l", how="left")
        .join(other, on="record_id_r", how="left")
    )
    together = pl.col("c_l") == pl.col("c_r")
    merged = scored.filter(together & pl.col("guard").is_null() & (pl.col("match_probability") >= auto_merge_threshold))
    review = scored.filter(~together).with_columns(
        reason=pl.when(pl.col("guard").is_not_null())
        .then(pl.col("guard"))
        .when(pl.col("match_probability") < auto_merge_threshold)
        .then(pl.lit("below_auto_merge"))
        .otherwise(pl.lit("kept_apart"))
    )
    return Clustering(
        clusters=clusters,
        merged=merged.select("record_id_l", "record_id_r", "match_probability"),
        review=review.select("record_id_l", "record_id_r", "match_probability", "reason").sort(
            "match_probability", descending=True
        ),
    )


def _remerge(clusters: pl.DataFrame, strong: pl.DataFrame, apart: pl.DataFrame, broken: pl.Series) -> pl.DataFrame:
    """Re-merge the `broken` clusters edge by edge (most probable first) without joining records that a
    guard keeps `apart`. Only the records of broken clusters are visited."""
    members = clusters.filter(pl.col("cluster_id").is_in(broken.implode()))
    member_ids = members.select("record_id")
    edges = (
        strong.join(member_ids, left_on="record_id_l", right_on="record_id", how="semi")
        .join(member_ids, left_on="record_id_r", right_on="record_id", how="semi")
        .sort(["match_probability", "record_id_l", "record_id_r"], descending=[True, False, False])
        .select("record_id_l", "record_id_r")
        .rows()
    )
    keep_apart: dict[int, set[int]] = {}
    for a, b in apart.select("record_id_l", "record_id_r").rows():
        keep_apart.setdefault(a, set()).add(b)
        keep_apart.setdefault(b, set()).add(a)
    ids = members.get_column("record_id").to_list()
    parent = {r: r for r in ids}
    group: dict[int, set[int]] = {r: {r} for r in ids}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        small, big = (ra, rb) if len(group[ra]) <= len(group[rb]) else (rb, ra)
        if any(not keep_apart.get(x, set()).isdisjoint(group[big]) for x in group[small]):
            continue
        parent[small] = big
        group[big] |= group.pop(small)
    offset = int(clusters.get_column("cluster_id").cast(pl.Int64).max() or 0) + 1  # type: ignore[arg-type]
    relabel = pl.DataFrame(
        {"record_id": ids, "new": [offset + find(r) for r in ids]},
        schema={"record_id": clusters.schema["record_id"], "new": pl.Int64},
    )
    return (
        clusters.join(relabel, on="record_id", how="left")
        .with_columns(cluster_id=pl.coalesce(pl.col("new"), pl.col("cluster_id")))
        .drop("new")
    )


# --- triage lookup -----------------------------------------------------------------------------------------


class Lookup:
    """The children most likely to be a new record, among prepared `records` held in DuckDB — for triage,
    one record at a time. At construction each blocking rule gets a key column with an index (ART) and
    the term frequencies are counted; a look-up prepares the record (a single row), fetches the
    candidates by index (point look-ups, no scan), scores them with the model's own comparison SQL and
    weights (generated once from the Splink settings) and guards them. ``lookup(record, top=5)`` returns
    record_id, match_probability, match_weight, gamma_* and guard, most probable first."""

    def __init__(self, model: LinkageModel, records: pl.DataFrame, *, memory_limit: str | None = None):
        from splink.internals.predict import _combine_prior_and_mws

        self.model = model
        self.session = Session(records, memory_limit=memory_limit)
        con = self.session.con
        linker = self.session.linker(model.splink_settings)
        comparisons = linker._settings_obj.comparisons
        self._rules = [_rule_keys(r) for r in model.splink_settings["blocking_rules_to_generate_predictions"]]
        for i, keys in enumerate(self._rules):
            con.execute(f"ALTER TABLE records ADD COLUMN key_{i} VARCHAR")
            con.execute(f"UPDATE records SET key_{i} = {_key_sql(keys)}")
            con.execute(f"CREATE INDEX records_key_{i} ON records (key_{i})")
        con.execute("CREATE INDEX records_id ON records (record_id)")
        self._tf_columns = sorted(
            {
                cl._tf_adjustment_input_column.unquote().name
                for cc in comparisons
                for cl in cc.comparison_levels
                if cl._has_tf_adjustments
            }
        )
        for column in self._tf_columns:
            con.execute(
                f"CREATE TABLE tf_{column} AS SELECT {column} AS value, count(*)::DOUBLE"
                f" / (SELECT count({column}) FROM records) AS tf FROM records WHERE {column} IS NOT NULL"
                f" GROUP BY {column}"
            )
        gammas = ",\n".join(cc._case_statement for cc in comparisons)
        parts = ",\n".join(
            col for cc in comparisons for col in cc._columns_to_select_for_match_weight_parts(False, True)
        )
        mw_terms = [term for cc in comparisons for term in cc._match_weight_columns_to_sum]
        weight, probability = _combine_prior_and_mws(
            linker._settings_obj._probability_two_random_records_match, mw_terms, linker._sql_dialect
        )
        names = [cc.output_column_name for cc in comparisons]
        left = ", ".join(f"n.{c} AS {c}_l" for c in MODEL_COLUMNS)
        right = ", ".join(f"r.{c} AS {c}_r" for c in MODEL_COLUMNS)
        tf = "".join(f", tl_{c}.tf AS tf_{c}_l, tr_{c}.tf AS tf_{c}_r" for c in self._tf_columns)
        tf_joins = " ".join(
            f"LEFT JOIN tf_{c} tl_{c} ON tl_{c}.value = n.{c} LEFT JOIN tf_{c} tr_{c} ON tr_{c}.value = r.{c}"
            for c in self._tf_columns
        )
        guard_left = ", ".join(f"n.{c} AS {c}_l" for c in GUARD_COLUMNS)
        guard_right = ", ".join(f"r.{c} AS {c}_r" for c in GUARD_COLUMNS)
        self._sql = f"""
            WITH pairs AS (SELECT {left}, {right}{tf} FROM lookup_new n JOIN candidates r ON true {tf_joins}),
            vectors AS (SELECT record_id_r, {gammas} FROM pairs),
            parts AS (SELECT record_id_r, {parts} FROM vectors JOIN pairs USING (record_id_r)),
            scored AS (
                SELECT record_id_r AS record_id, {probability} AS match_probability, {weight} AS match_weight,
                    {", ".join(f"gamma_{n}" for n in names)}
                FROM parts
            ),
            first AS (
                WITH pairs AS (SELECT {guard_left}, {guard_right} FROM lookup_new n JOIN candidates r ON true)
                {FIRST_GUARD_SQL}
            ),
            second AS (
                WITH pairs AS (SELECT {guard_left}, {guard_right} FROM lookup_new n JOIN candidates r ON true),
                {NAMES_GUARD_SQL}
            )
            SELECT s.*, CASE WHEN f.guard = 'names' THEN g.guard ELSE f.guard END AS guard
            FROM scored s JOIN first f ON f.record_id_r = s.record_id
            LEFT JOIN second g ON g.record_id_r = s.record_id
            ORDER BY match_probability DESC, record_id
            LIMIT $top
        """

    def close(self) -> None:
        self.session.close()

    def __call__(self, record: dict[str, object], top: int = 5) -> pl.DataFrame:
        con = self.session.con
        new = prepare(pl.DataFrame([record]).with_columns(record_id=pl.lit(-1, dtype=pl.Int64)), parallel=False)
        row = new.row(0, named=True)
        branches, values = [], []
        for i, keys in enumerate(self._rules):
            if all(row.get(k) is not None for k in keys):
                branches.append(f"SELECT record_id FROM records WHERE key_{i} = ?")
                values.append("|".join(str(row[k]) for k in keys))
        columns = list(dict.fromkeys([*MODEL_COLUMNS, *GUARD_COLUMNS]))
        if not branches:
            return con.sql("SELECT NULL::BIGINT AS record_id, NULL::DOUBLE AS match_probability LIMIT 0").pl()
        ids = [r[0] for r in con.execute(" UNION ".join(branches), values).fetchall()]
        con.register("lookup_new", new.select(columns).to_arrow())
        try:
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE candidates AS SELECT {', '.join(columns)} FROM records"
                " WHERE record_id = ANY(?)",
                [ids],
            )
            out = con.sql(self._sql.replace("$top", str(int(top)))).pl()
        finally:
            con.unregister("lookup_new")
        if not self.session.kin_guards:
            out = out.with_columns(guard=pl.when(pl.col("guard") == "sex").then(pl.col("guard")))
        return out


def _rule_keys(rule: str | dict[str, Any]) -> list[str]:
    """The columns of an equality blocking rule ("l.a = r.a AND l.b = r.b"), in order."""
    sql = rule["blocking_rule"] if isinstance(rule, dict) else rule
    keys = []
    for term in sql.split(" AND "):
        left, right = (side.strip().split(".", 1)[1].strip('"') for side in term.split("="))
        if left != right:
            raise ValueError(f"a look-up needs blocking rules on equal columns: {sql}")
        keys.append(left)
    return keys


def _key_sql(keys: list[str]) -> str:
    """SQL: the key of a record for a blocking rule (null unless every column has a value)."""
    return f"CASE WHEN {' AND '.join(f'{k} IS NOT NULL' for k in keys)} THEN concat_ws('|', {', '.join(keys)}) END"


def lookup(model: LinkageModel, index: Lookup, new_record: dict[str, object], top: int = 5) -> pl.DataFrame:
    """The `top` children of `index` most likely to be `new_record` (see :class:`Lookup`)."""
    if index.model is not model:
        raise ValueError("the index was built for another model")
    return index(new_record, top=top)


# --- command line ------------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    """``python -m sigap.identity.linkage.model train RECORDS.parquet MODEL.json [SEED]``: (re)train the
    model on the records (generator layout) and save it with a new model version."""
    if len(argv) < 3 or argv[0] != "train":
        print(main.__doc__, file=sys.stderr)
        return 2
    from .prepare import INPUT_COLUMNS

    schema = pl.read_parquet_schema(argv[1])
    columns = [c for c in (*INPUT_COLUMNS, "source_dataset") if c in schema]
    seed = int(argv[3]) if len(argv) > 3 else 1
    model = LinkageModel.train(
        pl.read_parquet(argv[1], columns=columns), seed=seed, link_only="source_dataset" in columns
    )
    path = model.save(argv[2])
    print(json.dumps({"model_version": model.model_version, "path": str(path), **model.training}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
