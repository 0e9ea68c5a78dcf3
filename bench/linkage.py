"""Identity linkage: the Indonesian Splink model beside two baselines, on FEBRL and on generated records.

One line per data set (``febrl3``, ``febrl4``, ``generated-100k``, ``generated-1m``), and after the
last a ``linkage_lookup`` line (triage look-ups against the 1,000,000 records: ``p95_ms``)::

    {"bench": "linkage", "dataset": …, "records": …, "precision": …, "recall": …, "f1": …, "cluster_f1": …,
     "sibling_false_link_rate": …, "twins_auto_merged": …, "wall_s": …, "peak_rss_mib": …,
     "baseline_splink_f1": …, "baseline_splink_cluster_f1": …, "baseline_splink_wall_s": …,
     "baseline_rule_f1": …, …}

Each method runs in a fresh Python process of its own, timed from start to exit (reading the records,
preparing them, training by EM, scoring, clustering, writing the result); ``peak_rss_mib`` is that
process's peak resident memory (``os.wait4``). The processes run one after the other, with the same
environment (``_RJEM_MALLOC_CONF`` lets Polars' allocator hand freed memory back at once, for all of them).
Scores are computed afterwards by :mod:`sigap.identity.linkage.evaluate` from the written results.

- The model (``sigap.identity.linkage.model.link``; on FEBRL — adults, no households of children — with the
  sex guard only, ``kin_guards=False``): precision, recall and F1 of the pairs it merges
  automatically (match probability ≥ its auto-merge threshold, no guard); ``cluster_f1`` of its final
  clusters; ``sibling_false_link_rate`` and ``twins_auto_merged`` of those clusters (records of different
  children of one household, or of twins, that ended in one cluster).
- ``baseline_splink_*``: the plain Splink model (``baselines.plain_splink``): pairs at probability ≥ 0.5
  and their connected components.
- ``baseline_rule_f1``: Jaro–Winkler ≥ 0.75 on the names and equal birth date and sex (``baselines.jw_rule``).

Targets of the issue on ``generated-1m`` (``targets`` in the line, ``met`` when all hold): F1 ≥ 1.04 × the
plain baseline's with precision ≥ 0.98, cluster F1 ≥ 1.10 × its, sibling false-link rate ≤ 1 %, no twins
merged, wall time ≤ 1.25 × its and peak memory ≤ 2 GiB; on FEBRL, F1 not below the plain baseline's.

Generated records are made once per size (seeded) and kept in var/bench/. ``BENCH_LINKAGE_DATASETS``
(comma-separated) runs a subset.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # also runnable as `python bench/linkage.py`

from bench.common import PYTHON, ROOT, VAR, emit, log

SEED = 1
SIZES = {"generated-100k": 100_000, "generated-1m": 1_000_000}
DATASETS = ("febrl3", "febrl4", *SIZES)
TARGET_MIB = 2048
INPUT = (
    "record_id",
    "source",
    "name",
    "birth_date",
    "sex",
    "nik",
    "village_code",
    "district_code",
    "regency_code",
    "household_ref",
    "family_name",
)
FEBRL_ADDRESS = ("street_number", "address_1", "address_2", "suburb", "postcode", "state")
ENV = {
    "_RJEM_MALLOC_CONF": "dirty_decay_ms:0,muzzy_decay_ms:0",
    "DJANGO_SETTINGS_MODULE": "sigap.settings",
    "PYTHONHASHSEED": "0",
}

OURS = """
import json, polars as pl
from sigap.identity.linkage.model import link
df = pl.read_parquet({path!r}, columns={columns!r})
result = link(df, link_only={link_only!r}, seed={seed!r}, kin_guards={kin_guards!r})
c = result.clustering
result.model.save({out!r} + "/model.json")
c.clusters.write_parquet({out!r} + "/ours_clusters.parquet")
c.merged.write_parquet({out!r} + "/ours_merged.parquet")
print(json.dumps({{"model_version": result.model.model_version, "auto_merge_threshold": result.model.auto_merge_threshold,
                  "scored_pairs": result.pairs.height, "merged_pairs": c.merged.height, "review_pairs": c.review.height,
                  "guarded": result.pairs.group_by("guard").len().drop_nulls().rows(), "seconds": result.seconds}}))
"""

PLAIN = """
import json, polars as pl
from sigap.identity.linkage.baselines import plain_splink
df = pl.read_parquet({path!r}, columns={columns!r})
result = plain_splink(df, seed={seed!r}, address_columns={address!r}, link_only={link_only!r})
result.pairs.write_parquet({out!r} + "/plain_pairs.parquet")
result.clusters.write_parquet({out!r} + "/plain_clusters.parquet")
print(json.dumps({{"pairs": result.pairs.height}}))
"""

RULE = """
import json, polars as pl
from sigap.identity.linkage.baselines import jw_rule
df = pl.read_parquet({path!r}, columns={columns!r})
result = jw_rule(df, link_only={link_only!r})
result.pairs.write_parquet({out!r} + "/rule_pairs.parquet")
print(json.dumps({{"pairs": result.pairs.height}}))
"""


LOOKUP = """
import json, time, numpy as np, polars as pl
from sigap.identity.linkage.model import LinkageModel, Lookup, lookup
from sigap.identity.linkage.prepare import prepare
df = pl.read_parquet({path!r}, columns={columns!r})
model = LinkageModel.load({out!r} + "/model.json")
started = time.monotonic()
index = Lookup(model, prepare(df))
built = time.monotonic() - started
queries = df.sample({queries}, seed=7).drop("record_id").to_dicts()
times = []
for query in queries:
    started = time.perf_counter()
    found = lookup(model, index, query, top=5)
    times.append((time.perf_counter() - started) * 1000)
print(json.dumps({{"p50": float(np.percentile(times, 50)), "p95": float(np.percentile(times, 95)),
                  "max": max(times), "index_s": built, "queries": len(times)}}))
"""
LOOKUP_QUERIES = 200
TARGET_LOOKUP_MS = 200


def measured(code: str) -> tuple[dict[str, object], float, float]:
    """Run `code` in a fresh Python; its last stdout line (JSON), wall seconds and peak RSS in MiB."""
    env = {**os.environ, **ENV}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.monotonic()
        proc = subprocess.Popen([PYTHON, "-c", code], cwd=ROOT, stdout=out, stderr=err, text=True, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bench step failed:\n{stdout}\n{stderr}")
    return json.loads(stdout.strip().splitlines()[-1]), wall, usage.ru_maxrss / 1024  # Linux: KiB


def generated_file(records: int) -> Path:
    """The seeded generated records, made once (and again when the generator changes)."""
    from sigap.identity.linkage import generate

    path = VAR / f"linkage-{records}-seed{SEED}.parquet"
    stamp = path.with_suffix(".json")
    source = Path(generate.__file__).read_bytes()
    wanted = {"records": records, "seed": SEED, "generator": hashlib.sha256(source).hexdigest()[:16]}
    if path.exists() and stamp.exists() and json.loads(stamp.read_text()) == wanted:
        return path
    VAR.mkdir(parents=True, exist_ok=True)
    log(f"generating {records:,} child records in {path} (once)")
    generate.write(path, records, seed=SEED)
    stamp.write_text(json.dumps(wanted))
    return path


def febrl_file(name: str) -> Path:
    """A FEBRL set in the records' layout: the name is given name + surname, the surname is the family
    name, the SOC_SEC_ID stands in the ID-number field, the postcode, suburb and state in the village,
    district and regency fields, and the street address is the household; the truth is ``true_entity_id``."""
    from sigap.identity.linkage import febrl

    path = VAR / f"linkage-{name}.parquet"
    if path.exists():
        return path
    data = febrl.load(name)  # type: ignore[arg-type]
    dob = pl.col("date_of_birth")
    frame = data.records.select(
        "record_id",
        *(["source_dataset"] if data.link_only else []),
        source=pl.lit("febrl"),
        name=pl.concat_str("given_name", "surname", separator=" ", ignore_nulls=True),
        first_name="given_name",
        surname="surname",
        birth_date=pl.when(dob.str.contains(r"^[0-9]{8}$")).then(
            pl.concat_str(dob.str.slice(0, 4), dob.str.slice(4, 2), dob.str.slice(6, 2), separator="-")
        ),
        sex=pl.lit(None, dtype=pl.String),
        nik="soc_sec_id",
        village_code="postcode",
        district_code="suburb",
        regency_code="state",
        household_ref=pl.concat_str("street_number", "address_1", separator=" "),
        family_name="surname",
        **{c: c for c in FEBRL_ADDRESS},
        true_entity_id="true_entity_id",
    )
    VAR.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(path)
    return path


def run_dataset(dataset: str, out: str) -> dict[str, object]:
    from sigap.identity.linkage import evaluate

    is_febrl = dataset.startswith("febrl")
    path = febrl_file(dataset) if is_febrl else generated_file(SIZES[dataset])
    schema = pl.read_parquet_schema(path)
    link_only = "source_dataset" in schema
    ours_columns = [*INPUT, *(["source_dataset"] if link_only else [])]
    plain_columns = (
        [
            "record_id",
            *ours_columns[-1:] * link_only,
            "name",
            "first_name",
            "surname",
            "birth_date",
            "sex",
            "nik",
            *FEBRL_ADDRESS,
        ]
        if is_febrl
        else ours_columns
    )
    address = list(FEBRL_ADDRESS) if is_febrl else ["village_code", "district_code", "regency_code"]
    common = {"path": str(path), "link_only": link_only, "seed": SEED}
    log(f"{dataset}: the Indonesian model")
    ours, wall, rss = measured(OURS.format(columns=ours_columns, out=out, kin_guards=not is_febrl, **common))
    log(f"{dataset}: model {wall:.1f} s, {rss:.0f} MiB; the plain Splink baseline")
    _, plain_wall, plain_rss = measured(PLAIN.format(columns=plain_columns, out=out, address=address, **common))
    log(f"{dataset}: plain Splink {plain_wall:.1f} s, {plain_rss:.0f} MiB; the Jaro-Winkler rule")
    _, rule_wall, _ = measured(RULE.format(columns=ours_columns, out=out, **common))
    truth_columns = ["record_id", "true_entity_id"] if is_febrl else None
    truth = (
        pl.read_parquet(path, columns=truth_columns)
        if is_febrl
        else pl.read_parquet(path, columns=["record_id", "true_child_id", "true_household_id", "true_twin_group"])
    )
    clusters = pl.read_parquet(Path(out) / "ours_clusters.parquet")
    merged = pl.read_parquet(Path(out) / "ours_merged.parquet")
    plain_pairs = pl.read_parquet(Path(out) / "plain_pairs.parquet")
    plain_clusters = pl.read_parquet(Path(out) / "plain_clusters.parquet")
    rule_pairs = pl.read_parquet(Path(out) / "rule_pairs.parquet")
    pairwise = evaluate.pairwise(merged, truth)
    cluster = evaluate.cluster_f1(clusters, truth)
    plain = evaluate.pairwise(plain_pairs, truth)
    plain_cluster = evaluate.cluster_f1(plain_clusters, truth)
    rule = evaluate.pairwise(rule_pairs, truth)
    line: dict[str, object] = {
        "bench": "linkage",
        "dataset": dataset,
        "records": truth.height,
        "precision": round(pairwise.precision, 4),
        "recall": round(pairwise.recall, 4),
        "f1": round(pairwise.f1, 4),
        "cluster_f1": round(cluster.f1, 4),
        "sibling_false_link_rate": None if is_febrl else round(evaluate.sibling_false_link_rate(clusters, truth), 5),
        "twins_auto_merged": None if is_febrl else evaluate.twins_merged(clusters, truth),
        "wall_s": round(wall, 1),
        "peak_rss_mib": round(rss),
        "baseline_splink_f1": round(plain.f1, 4),
        "baseline_splink_cluster_f1": round(plain_cluster.f1, 4),
        "baseline_splink_wall_s": round(plain_wall, 1),
        "baseline_rule_f1": round(rule.f1, 4),
        "baseline_splink_precision": round(plain.precision, 4),
        "baseline_splink_recall": round(plain.recall, 4),
        "baseline_splink_peak_rss_mib": round(plain_rss),
        "baseline_splink_sibling_false_link_rate": None
        if is_febrl
        else round(evaluate.sibling_false_link_rate(plain_clusters, truth), 5),
        "baseline_splink_twins_merged": None if is_febrl else evaluate.twins_merged(plain_clusters, truth),
        "baseline_rule_wall_s": round(rule_wall, 1),
        "cluster_precision": round(cluster.precision, 4),
        "cluster_recall": round(cluster.recall, 4),
        "auto_merge_threshold": ours["auto_merge_threshold"],
        "guards": "sex" if is_febrl else "sex, twins, siblings, nickname",
        "review_pairs": ours["review_pairs"],
        "model_version": ours["model_version"],
        "steps_s": ours["seconds"],
    }
    if is_febrl or dataset == "generated-1m":  # the targets are set for these
        met = targets(line, is_febrl)
        line["targets"] = met
        line["met"] = all(met.values())
    return line


def targets(line: dict[str, object], is_febrl: bool) -> dict[str, bool]:
    def number(key: str) -> float:
        value = line[key]
        assert isinstance(value, int | float)
        return float(value)

    if is_febrl:
        return {"f1_not_below_baseline": number("f1") >= number("baseline_splink_f1")}
    return {
        "f1_ge_1.04x_baseline": number("f1") >= 1.04 * number("baseline_splink_f1"),
        "precision_ge_0.98": number("precision") >= 0.98,
        "cluster_f1_ge_1.10x_baseline": number("cluster_f1") >= 1.10 * number("baseline_splink_cluster_f1"),
        "sibling_false_link_rate_le_1pct": number("sibling_false_link_rate") <= 0.01,
        "no_twins_auto_merged": line["twins_auto_merged"] == 0,
        "wall_le_1.25x_baseline": number("wall_s") <= 1.25 * number("baseline_splink_wall_s"),
        "peak_rss_le_2gib": number("peak_rss_mib") <= TARGET_MIB,
    }


def run(target: object = None) -> None:
    """Every data set (or those in BENCH_LINKAGE_DATASETS); `target` (a database) is not needed."""
    wanted = [d for d in os.environ.get("BENCH_LINKAGE_DATASETS", ",".join(DATASETS)).split(",") if d]
    unknown = [d for d in wanted if d not in DATASETS]
    if unknown:
        raise SystemExit(f"unknown linkage data set(s) {unknown}; known: {', '.join(DATASETS)}")
    for dataset in wanted:
        with tempfile.TemporaryDirectory(dir=VAR, prefix="linkage-") as out:
            emit(run_dataset(dataset, out))
            if dataset == "generated-1m":
                emit(run_lookup(generated_file(SIZES[dataset]), out))


def run_lookup(path: Path, out: str) -> dict[str, object]:
    """Triage look-ups of LOOKUP_QUERIES records (drawn from the set) against all of its records, with the
    model trained by the linkage run (saved in `out`); the index is built first and not timed."""
    log(f"look-ups against {path.name}")
    found, _, rss = measured(LOOKUP.format(path=str(path), columns=list(INPUT), out=out, queries=LOOKUP_QUERIES))

    def ms(key: str) -> float:
        value = found[key]
        assert isinstance(value, int | float)
        return round(float(value), 1)

    return {
        "bench": "linkage_lookup",
        "records": pl.scan_parquet(path).select(pl.len()).collect().item(),
        "p95_ms": ms("p95"),
        "p50_ms": ms("p50"),
        "max_ms": ms("max"),
        "queries": found["queries"],
        "index_build_s": ms("index_s"),
        "peak_rss_mib": round(rss),
        "target_p95_ms": TARGET_LOOKUP_MS,
        "met": ms("p95") <= TARGET_LOOKUP_MS,
    }


if __name__ == "__main__":
    run()
