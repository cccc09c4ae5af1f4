"""ACLED scale: import a synthetic 500,000-event export, then run the network and timeline notebooks on it.

Generates an ACLED-format export shaped like a real one (default: 500,000
events naming 5,000 actors; notes of a few hundred characters with commas and
quotes, so most fields are quoted; associated actors listed "A; B" on both
sides; weeks and months as time precision; made-up rows that say so in their
notes), copies the curated data to
a temporary folder and runs, each step in a fresh process so its peak memory
is its own (the notebook kernel included):

- ``sahel_nb.import_acled`` of the export into the copy (seconds, rows/s:
  the median of ``--imports`` runs, 3 by default, each into a fresh copy);
- the network notebook's GEXF and GraphML exports of every tie, timed alone;
- ``notebooks/alliance_network.ipynb`` with ``derived_ties=True`` (the ties
  ACLED events imply, the part that grows with the import);
- ``notebooks/event_timeline.ipynb``;
- ``benchmarks/bench_match.py`` (matching 1,000,000 records of three datasets),
  unless ``--no-match``.

Each notebook runs with papermill as ``sahel-nb report`` runs it
(``sahel_nb.paths.KERNEL_RUN``: the ``sahel-nb`` kernel, stopped outright
after the last cell), kernel start included. Prints each
step's wall seconds and peak memory and the largest output cell; the last
line is one JSON object of the figures. Targets (issue 29): import >= 150,000
rows/s on real-shaped rows; the network notebook <= 15 s and the timeline
notebook <= 10 s at 500,000 events; the network's pages <= 15 MB; no output
cell over 1 MB. ``--import-only`` stops after the import. Needs the set-up
environment (``make venv``).

    python benchmarks/bench_scale.py [--events N] [--actors N] [--import-only] [--no-match]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
step, *args = sys.argv[1:]
start = time.perf_counter()
if step == "import":
    from sahel_nb.interop import import_acled
    start = time.perf_counter()  # the import itself, not loading Python's modules
    summary = import_acled(args[0], args[1])
    extra = {"rows": summary.read, "added": summary.added, "linked": len(summary.linked),
             "new_actors": len(summary.new_actors)}
elif step == "exports":
    # What the network notebook writes for Gephi, timed on its own.
    from sahel_nb import build_graph, export_graph, load_dataset
    graph = build_graph(load_dataset(args[0]), derived=True)
    start = time.perf_counter()
    export_graph(graph, Path(args[1]) / "network.gexf", Path(args[1]) / "network.graphml")
    extra = {"ties": graph.number_of_edges(), "actors": graph.number_of_nodes()}
else:
    import papermill
    from sahel_nb.paths import KERNEL_RUN
    start = time.perf_counter()  # the run (kernel start included), not loading papermill
    notebook, out, data_dir, output_dir, parameters = args
    papermill.execute_notebook(  # as sahel-nb report runs it
        notebook, out, **KERNEL_RUN, progress_bar=False, cwd=output_dir,
        parameters={"data_dir": data_dir, "output_dir": output_dir, **json.loads(parameters)},
    )
    cells = json.load(open(out))["cells"]
    sizes = [len(json.dumps(c.get("outputs", []))) for c in cells]
    pages = sum(p.stat().st_size for p in Path(output_dir).rglob("*.html"))
    extra = {"largest_output_bytes": max(sizes), "pages_bytes": pages}
seconds = time.perf_counter() - start
peak = max(resource.getrusage(who).ru_maxrss for who in
           (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) * 1024
print(json.dumps({"seconds": seconds, "peak_bytes": peak, **extra}))
"""

GENERATE = r"""
import sys
from pathlib import Path
sys.path.insert(0, "benchmarks")
from bench_scale import generate
generate(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
"""

#: ACLED event types and sub-event types a synthetic row is drawn from.
KINDS = [
    ("Battles", "Armed clash"),
    ("Battles", "Non-state actor overtakes territory"),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    ("Explosions/Remote violence", "Air/drone strike"),
    ("Violence against civilians", "Attack"),
    ("Violence against civilians", "Abduction/forced disappearance"),
    ("Protests", "Peaceful protest"),
    ("Riots", "Mob violence"),
    ("Strategic developments", "Looting/property destruction"),
    ("Strategic developments", "Arrests"),
]
COUNTRIES = [("466", "Mali"), ("562", "Niger"), ("854", "Burkina Faso")]


#: Phrases a synthetic note is made of: commas and quotes, as real notes have,
#: so that the export has quoted fields throughout.
PHRASES = [
    "Made-up row for the scale benchmark; not a real ACLED event.",
    'On a made-up date, armed men "believed to belong to" a made-up group attacked a village,',
    "burned shops, took livestock, and left towards the border, according to made-up sources.",
    "Local officials, speaking on condition of anonymity, gave a toll that others disputed;",
    'the army said it had "neutralised" several assailants, a figure no one confirmed.',
    "Residents fled to the nearest town, where a made-up NGO counted displaced families.",
]


def _notes(rng: np.random.Generator, events: int) -> np.ndarray:
    """Notes of a few hundred characters (two to five phrases), as ACLED's are."""
    count = rng.integers(2, 6, events)
    start = rng.integers(0, len(PHRASES), events)
    out = np.full(events, PHRASES[0], dtype=object)
    for k in range(1, 5):
        more = count > k
        out[more] = (
            out[more] + " " + np.array(PHRASES, dtype=object)[(start[more] + k) % len(PHRASES)]
        )
    return out


def generate(path: Path, events: int, actors: int, *, places: int = 2_000) -> None:
    """Write a synthetic ACLED-format export: ``events`` rows naming ``actors`` actors."""
    rng = np.random.default_rng(8)
    names = np.array([f"Synthetic Militia {i:05d} (benchmark, made up)" for i in range(actors)])
    inter = rng.integers(1, 9, actors).astype(str)
    # A few actors act often, most rarely, as in real exports.
    weights = 1 / np.arange(1, actors + 1)
    weights /= weights.sum()
    first = rng.choice(actors, events, p=weights)
    second = rng.choice(actors, events, p=weights)
    has_second = rng.random(events) < 0.7
    assoc = rng.choice(actors, events, p=weights)
    assoc_more = rng.choice(actors, events, p=weights)
    has_assoc = rng.random(events) < 0.25
    has_more = has_assoc & (rng.random(events) < 0.3)
    assoc2 = rng.choice(actors, events, p=weights)
    has_assoc2 = has_second & (rng.random(events) < 0.15)

    day = np.datetime64("1997-01-01") + rng.integers(0, 28 * 365, events).astype("timedelta64[D]")
    precision = rng.choice(["1", "2", "3"], events, p=[0.8, 0.15, 0.05])
    kind = rng.integers(0, len(KINDS), events)
    place = rng.integers(0, places, events)
    place_country = rng.integers(0, len(COUNTRIES), places)
    place_lat = np.round(rng.uniform(11, 24, places), 4)
    place_lon = np.round(rng.uniform(-11, 15, places), 4)
    country = place_country[place]
    frame = pd.DataFrame(
        {
            "event_id_cnty": [f"SYN{i}" for i in range(events)],
            "event_date": np.datetime_as_string(day, unit="D"),
            "year": day.astype("datetime64[Y]").astype(int) + 1970,
            "time_precision": precision,
            "disorder_type": "Political violence",
            "event_type": [KINDS[k][0] for k in kind],
            "sub_event_type": [KINDS[k][1] for k in kind],
            "actor1": names[first],
            # Associated actors as ACLED lists them: "A; B".
            "assoc_actor_1": np.where(
                has_more,
                np.char.add(np.char.add(names[assoc], "; "), names[assoc_more]),
                np.where(has_assoc, names[assoc], ""),
            ),
            "inter1": inter[first],
            "actor2": np.where(has_second, names[second], ""),
            "assoc_actor_2": np.where(has_assoc2, names[assoc2], ""),
            "inter2": np.where(has_second, inter[second], ""),
            "interaction": "",
            "civilian_targeting": "",
            "iso": [COUNTRIES[c][0] for c in country],
            "region": "Western Africa",
            "country": [COUNTRIES[c][1] for c in country],
            "admin1": [f"Region {p % 40}" for p in place],
            "admin2": "",
            "admin3": "",
            "location": [f"Place {p}" for p in place],
            "latitude": place_lat[place],
            "longitude": place_lon[place],
            "geo_precision": rng.choice(["1", "2", "3"], events),
            "source": "Synthetic source",
            "source_scale": "National",
            "notes": _notes(rng, events),
            "fatalities": rng.poisson(1.2, events),
            "tags": "",
            "timestamp": 1700000000,
        }
    )
    frame.to_csv(path, index=False)


def _step(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *args], capture_output=True, text=True, cwd=ROOT
    )
    if done.returncode:
        sys.exit(f"step {args[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=500_000)
    parser.add_argument("--actors", type=int, default=5_000)
    parser.add_argument(
        "--import-only", action="store_true", help="time the import alone, no network or notebooks"
    )
    parser.add_argument(
        "--imports", type=int, default=3, help="imports timed, each into a fresh copy (median)"
    )
    parser.add_argument(
        "--no-match", action="store_true", help="leave out bench_match.py's figure (about a minute)"
    )
    args = parser.parse_args()
    if args.imports < 1:
        parser.error("--imports must be at least 1")
    figures: dict = {"events": args.events, "actors": args.actors}
    with tempfile.TemporaryDirectory(prefix="sahel-bench-scale-") as tmp:
        tmp = Path(tmp)
        export = tmp / "acled_synthetic.csv"
        # Generated in a process of its own, gone before anything is timed: an
        # import run beside the process that had just generated its export took
        # half a second longer (3.5-3.8 s against 2.9-3.2 s, same file), and the
        # file is on disk before the first import, not still being written back.
        subprocess.run(
            [sys.executable, "-c", GENERATE, str(export), str(args.events), str(args.actors)],
            check=True, cwd=ROOT,
        )  # fmt: skip
        os.sync()
        figures["export_mib"] = round(export.stat().st_size / 2**20, 1)
        runs = []
        for run in range(args.imports):
            data = tmp / f"data-{run}"
            shutil.copytree(ROOT / "data", data)
            runs.append(_step("import", str(export), str(data)))
            os.sync()
        imported = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
        figures["import_seconds"] = round(imported["seconds"], 2)
        figures["import_runs_seconds"] = [round(r["seconds"], 2) for r in runs]
        figures["import_rows_per_second"] = round(imported["rows"] / imported["seconds"])
        figures["import_peak_mib"] = round(max(r["peak_bytes"] for r in runs) / 2**20)
        figures["events_added"] = imported["added"]
        figures["actors_created"] = imported["new_actors"]
        if args.import_only:
            for key, value in figures.items():
                print(f"{key:>40}: {value}")
            print(json.dumps(figures))
            return
        exported = _step("exports", str(data), str(tmp))
        figures["network_export_seconds"] = round(exported["seconds"], 2)
        figures["network_export_ties"] = exported["ties"]
        for name, parameters in (
            ("alliance_network", {"derived_ties": True}),
            ("event_timeline", {}),
        ):
            out = tmp / name
            out.mkdir()
            ran = _step("notebook", str(ROOT / "notebooks" / f"{name}.ipynb"),
                        str(out / "out.ipynb"), str(data), str(out), json.dumps(parameters))  # fmt: skip
            figures[f"{name}_seconds"] = round(ran["seconds"], 2)
            figures[f"{name}_peak_mib"] = round(ran["peak_bytes"] / 2**20)
            figures[f"{name}_largest_output_kib"] = round(ran["largest_output_bytes"] / 1024, 1)
            figures[f"{name}_pages_kib"] = round(ran["pages_bytes"] / 1024)
    if not args.no_match:
        # Matching at its own benchmark's scale (500,000 ACLED, 200,000 GTD, 300,000 UCDP).
        done = subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "bench_match.py")],
            capture_output=True, text=True, cwd=ROOT,
        )  # fmt: skip
        if done.returncode:
            sys.exit(f"bench_match failed:\n{done.stderr[-3000:]}")
        matched = json.loads(done.stdout.strip().splitlines()[-1])
        figures["match_seconds"] = matched["seconds"]
        figures["match_records_per_second"] = matched["records_per_second"]
        figures["match_peak_mib"] = matched["peak_rss_mib"]
    for key, value in figures.items():
        print(f"{key:>40}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
