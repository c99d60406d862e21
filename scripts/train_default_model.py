"""Rebuild the resolution model shipped with the package: ``linkgraph/resolve/default-model.json``.

Stores with fewer persons than ``MIN_PERSONS_TO_TRAIN`` cannot estimate their own model; they are
scored with this one. It is trained exactly as a store trains its own (``linkgraph.resolve.matching.train``,
without labels) on the persons of a generated scenario, read back through linkgraph's own ingest and
store so that every key and normalisation is the one real stores have: ``linkgraph.scenarios.generate``
with ``--cases`` cases (12 person records each, in the Spanish CSV, NDJSON and XLSX shapes, with
transliterated, misspelt, swapped and partial variants and look-alikes) and ``--seed``. The seed differs
from those of the demo, the tests and the benchmarks, so none of them is scored by a model that saw it.

Run: ``python scripts/train_default_model.py [--cases 500] [--seed 2026] [-o linkgraph/resolve/default-model.json]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from linkgraph.ingest.manifest import ingest_manifest  # noqa: E402
from linkgraph.resolve.matching import DEFAULT_MODEL_FILE, train  # noqa: E402
from linkgraph.resolve.service import load_person_frame  # noqa: E402
from linkgraph.scenarios import generate  # noqa: E402
from linkgraph.store.embedded import EmbeddedStore  # noqa: E402
from linkgraph.store.server import kill_server  # noqa: E402


def main() -> None:
    """Generate, ingest, train, save; print what the model was trained on."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("-o", "--out", type=Path, default=ROOT / "linkgraph" / "resolve" / DEFAULT_MODEL_FILE)
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="default-model-") as tmp:
        data, store_dir = Path(tmp) / "data", Path(tmp) / "store"
        generated = generate(data, args.cases, seed=args.seed)
        try:
            with EmbeddedStore(store_dir) as store:
                store.init_schema()
                ingest_manifest(store, data / "manifest.json", rejects_dir=Path(tmp), user="default-model")
                frame = load_person_frame(store)
        finally:
            kill_server(store_dir)
    model = train(frame)
    model.trained_on = {
        "data": f"linkgraph.scenarios.generate(cases={args.cases}, seed={args.seed}): {generated.persons:,} generated "
                f"case-file person records of {generated.identities:,} identities, ingested with the shipped mappings; "
                f"{len(frame):,} persons after bad rows were rejected",
        "how": "linkgraph.resolve.matching.train without labels, as a store trains its own model",
        "command": f"python scripts/train_default_model.py --cases {args.cases} --seed {args.seed}",
    }
    model.save(args.out)
    print(f"trained on {len(frame):,} persons in {time.perf_counter() - started:.1f} s; wrote {args.out}")


if __name__ == "__main__":
    main()
