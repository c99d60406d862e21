"""Seeded, realistic multi-country case-file generator with ground truth.

``generate(out_dir, cases, persons=None, seed=1)`` writes three file shapes from seven police
systems (a Spanish semicolon CSV, Italian/Greek/Maltese case-management NDJSON, French/German/Dutch
records XLSX), a ``manifest.json`` naming each file's mapping, and ``truth/`` files saying which
records are the same person, which cross-case links were planted and which rows were made bad.
"""

from linkgraph.scenarios.core import GenerationSummary, generate

__all__ = ["GenerationSummary", "generate"]
