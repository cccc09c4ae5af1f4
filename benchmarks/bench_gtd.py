"""GTD at full size: import a made-up 200,000-row, 135-column GTD workbook (.xlsx), timed.

START ships the Global Terrorism Database as one Excel workbook of about
200,000 incidents and 135 columns; the import reads it whole and keeps its
hostage-takings. This benchmark writes a workbook of that shape (made-up
rows that say so in ``summary``: GTD's column names, numbers where GTD has
numbers, fractional ``nkill`` on multi-part attacks, -9/-99 unknowns, a few
per cent hostage-takings with ransoms), caches it under the system's
temporary folder (writing it with openpyxl takes minutes; it is never
written into the repository), copies the curated data to a temporary
folder and times ``sahel_nb.interop.import_gtd`` in a fresh process.

Target (issue 14): under 60 s. The last line printed is one JSON object of
the figures.

    python benchmarks/bench_gtd.py [--rows N] [--fresh]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(tempfile.gettempdir()) / "sahel-bench-gtd"

#: The 135 columns of START's GTD workbook, in its order.
COLUMNS = [
    "eventid",
    "iyear",
    "imonth",
    "iday",
    "approxdate",
    "extended",
    "resolution",
    "country",
    "country_txt",
    "region",
    "region_txt",
    "provstate",
    "city",
    "latitude",
    "longitude",
    "specificity",
    "vicinity",
    "location",
    "summary",
    "crit1",
    "crit2",
    "crit3",
    "doubtterr",
    "alternative",
    "alternative_txt",
    "multiple",
    "success",
    "suicide",
    "attacktype1",
    "attacktype1_txt",
    "attacktype2",
    "attacktype2_txt",
    "attacktype3",
    "attacktype3_txt",
    "targtype1",
    "targtype1_txt",
    "targsubtype1",
    "targsubtype1_txt",
    "corp1",
    "target1",
    "natlty1",
    "natlty1_txt",
    "targtype2",
    "targtype2_txt",
    "targsubtype2",
    "targsubtype2_txt",
    "corp2",
    "target2",
    "natlty2",
    "natlty2_txt",
    "targtype3",
    "targtype3_txt",
    "targsubtype3",
    "targsubtype3_txt",
    "corp3",
    "target3",
    "natlty3",
    "natlty3_txt",
    "gname",
    "gsubname",
    "gname2",
    "gsubname2",
    "gname3",
    "gsubname3",
    "motive",
    "guncertain1",
    "guncertain2",
    "guncertain3",
    "individual",
    "nperps",
    "nperpcap",
    "claimed",
    "claimmode",
    "claimmode_txt",
    "claim2",
    "claimmode2",
    "claimmode2_txt",
    "claim3",
    "claimmode3",
    "claimmode3_txt",
    "compclaim",
    "weaptype1",
    "weaptype1_txt",
    "weapsubtype1",
    "weapsubtype1_txt",
    "weaptype2",
    "weaptype2_txt",
    "weapsubtype2",
    "weapsubtype2_txt",
    "weaptype3",
    "weaptype3_txt",
    "weapsubtype3",
    "weapsubtype3_txt",
    "weaptype4",
    "weaptype4_txt",
    "weapsubtype4",
    "weapsubtype4_txt",
    "weapdetail",
    "nkill",
    "nkillus",
    "nkillter",
    "nwound",
    "nwoundus",
    "nwoundte",
    "property",
    "propextent",
    "propextent_txt",
    "propvalue",
    "propcomment",
    "ishostkid",
    "nhostkid",
    "nhostkidus",
    "nhours",
    "ndays",
    "divert",
    "kidhijcountry",
    "ransom",
    "ransomamt",
    "ransomamtus",
    "ransompaid",
    "ransompaidus",
    "ransomnote",
    "hostkidoutcome",
    "hostkidoutcome_txt",
    "nreleased",
    "addnotes",
    "scite1",
    "scite2",
    "scite3",
    "dbsource",
    "INT_LOG",
    "INT_IDEO",
    "INT_MISC",
    "INT_ANY",
    "related",
]
assert len(COLUMNS) == 135, len(COLUMNS)

COUNTRIES = [(138, "Mali"), (139, "Niger"), (15, "Burkina Faso"), (6, "Algeria"), (147, "Nigeria")]
GROUPS = [
    "Unknown", "Al-Qaida in the Islamic Maghreb (AQIM)", "Boko Haram", "Gunmen",
    "Movement for Oneness and Jihad in West Africa (MUJAO)", "Ansar al-Din (Mali)",
    "Fulani extremists", "Jamaat Nusrat al-Islam wal Muslimin (JNIM)",
] + [f"Made-up group {i:04d}" for i in range(600)]  # fmt: skip


def generate(path: Path, rows: int) -> None:
    """Write a made-up GTD-shaped workbook of ``rows`` incidents (openpyxl, write-only)."""
    from openpyxl import Workbook

    rng = np.random.default_rng(14)
    year = rng.integers(1970, 2021, rows)
    month = rng.integers(0, 13, rows)
    day = np.where(month == 0, 0, rng.integers(0, 29, rows))
    country = rng.integers(0, len(COUNTRIES), rows)
    group = rng.zipf(1.6, rows) % len(GROUPS)
    hostage = rng.random(rows) < 0.06
    parts = rng.random(rows) < 0.05  # a multi-part attack: its deaths shared out
    kills = rng.poisson(2, rows).astype(float)
    kills = np.where(parts, np.round(kills / 3, 3), kills)
    ransom = hostage & (rng.random(rows) < 0.3)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    sheet.append(list(COLUMNS))
    filler = {name: (0 if name.endswith(("1", "2", "3")) else "") for name in COLUMNS}
    for i in range(rows):
        code, name = COUNTRIES[country[i]]
        values = dict(filler)
        values.update(
            eventid=int(f"{year[i]}{month[i]:02d}{day[i]:02d}{i % 10000:04d}"),
            iyear=int(year[i]),
            imonth=int(month[i]),
            iday=int(day[i]),
            approxdate="" if day[i] else f"made-up approximate date {i}",
            extended=0,
            country=code,
            country_txt=name,
            region=11,
            region_txt="Sub-Saharan Africa",
            provstate=f"Province {i % 60}",
            city="Unknown" if i % 17 == 0 else f"Town {i % 3000}",
            latitude=float(round(10 + (i % 1300) / 100, 4)),
            longitude=float(round(-10 + (i % 2500) / 100, 4)),
            specificity=int(1 + i % 5),
            summary=f"Made-up incident {i} for the GTD benchmark; not a real GTD record. " * 3,
            gname=GROUPS[group[i]],
            gname2=GROUPS[(group[i] + 1) % len(GROUPS)] if i % 29 == 0 else "",
            nkill=-99 if i % 41 == 0 else float(kills[i]),
            nwound=float(rng.integers(0, 5)),
            ishostkid=1 if hostage[i] else (-9 if i % 97 == 0 else 0),
            nhostkid=int(rng.integers(1, 12)) if hostage[i] else "",
            nhostkidus=0 if hostage[i] else "",
            ndays=int(rng.integers(1, 400)) if hostage[i] else "",
            ransom=1 if ransom[i] else (0 if hostage[i] else ""),
            ransomamt=float(rng.integers(1, 50) * 100_000) if ransom[i] else "",
            ransompaid=-99 if ransom[i] and i % 2 else (float(100_000) if ransom[i] else ""),
            hostkidoutcome=int(1 + i % 7) if hostage[i] else "",
            hostkidoutcome_txt="Hostage(s) released by perpetrators" if hostage[i] else "",
            scite1="Made-up citation, not a real source.",
            dbsource="made-up",
            INT_LOG=-9,
            INT_IDEO=-9,
            INT_MISC=0,
            INT_ANY=-9,
        )
        sheet.append([values[c] for c in COLUMNS])
    partial = path.with_suffix(".partial")
    book.save(partial)
    partial.replace(path)


CHILD = r"""
import json, resource, sys, time
from sahel_nb.interop import import_gtd
start = time.perf_counter()
summary = import_gtd(sys.argv[1], sys.argv[2])
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "peak_bytes": peak, "rows": summary.read,
                  "added": summary.added, "flows": summary.flows,
                  "new_actors": len(summary.new_actors)}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--fresh", action="store_true", help="write the workbook again")
    args = parser.parse_args()
    CACHE.mkdir(exist_ok=True)
    workbook = CACHE / f"gtd_made_up_{args.rows}.xlsx"
    if args.fresh or not workbook.is_file():
        generate(workbook, args.rows)
    figures: dict = {"rows": args.rows, "columns": len(COLUMNS)}
    figures["workbook_mib"] = round(workbook.stat().st_size / 2**20, 1)
    with tempfile.TemporaryDirectory(prefix="sahel-bench-gtd-") as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(ROOT / "data", data)
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(workbook), str(data)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        if done.returncode:
            sys.exit(f"import failed:\n{done.stderr[-3000:]}")
        result = json.loads(done.stdout.strip().splitlines()[-1])
    figures["import_seconds"] = round(result["seconds"], 2)
    figures["import_peak_mib"] = round(result["peak_bytes"] / 2**20)
    figures["hostage_takings_added"] = result["added"]
    figures["ransom_flows_added"] = result["flows"]
    figures["actors_created"] = result["new_actors"]
    figures["target_seconds"] = 60
    for key, value in figures.items():
        print(f"{key:>28}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
