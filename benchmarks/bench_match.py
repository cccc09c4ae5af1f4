"""Event matching at scale: 500,000 ACLED-, 200,000 GTD- and 300,000 UCDP-shaped records, timed.

Made-up records (nothing read from a real dataset) shaped like each
dataset's in the Sahel: events clustered around 2,000 places between
latitudes 10 and 25 and longitudes -17 and 16 over fifteen years; ACLED's
mix of day, week and month precision and of geo precision 1-3; GTD's
records partly without coordinates (placed by country) and partly with an
unknown day; UCDP's date intervals. A share of GTD's and UCDP's records
repeat an ACLED event a day or so apart and a few km away, as the real
datasets do. GTD is matched against ACLED, then UCDP against both, as
``sahel-nb import`` does (candidates, scores, decisions).

Prints records per second, seconds per step and peak memory (the
process's peak resident set); the last line is one JSON object.

    python benchmarks/bench_match.py [--scale 1.0] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import resource
import time

import numpy as np
import pandas as pd

from sahel_nb.matching import Windows, candidate_pairs, decide, score_pairs

LEVELS = {
    "battle/armed clash": "Battles",
    "violence against civilians/attack": "Violence against civilians",
    "violence against civilians/abduction": "Violence against civilians",
    "violence against civilians": "Violence against civilians",
    "remote violence/explosion": "Explosions/Remote violence",
    "protest": "Protests",
    "riot": "Riots",
    "strategic development/other": "Strategic developments",
}
COUNTRIES = ["MLI", "NER", "BFA", "MRT", "TCD"]
DAYS = 15 * 365


def _records(rng, n: int, dataset: str, places: np.ndarray, country: np.ndarray) -> pd.DataFrame:
    at = rng.integers(0, len(places), n)
    jitter = rng.normal(0, 0.05, (n, 2))
    start = rng.integers(0, DAYS, n)
    width = rng.choice([0, 6, 30], n, p=[0.85, 0.1, 0.05])
    levels = np.array(list(LEVELS))
    level = levels[rng.integers(0, len(levels), n)]
    actors = np.array([f"actor-{k}" for k in range(50)] + [""])
    perp = actors[rng.integers(0, len(actors), n)]
    return pd.DataFrame(
        {
            "record_id": [f"{dataset}-{k}" for k in range(n)],
            "claim": [f"{dataset}-{k}" for k in range(n)],
            "dataset": dataset,
            "start": start,
            "end": start + width,
            "lat": places[at, 0] + jitter[:, 0],
            "lon": places[at, 1] + jitter[:, 1],
            "radius_km": rng.choice([0.0, 25.0, 100.0], n, p=[0.7, 0.2, 0.1]),
            "country": country[at],
            "admin1": "",
            "level": level,
            "event_type": pd.Series(level).map(LEVELS).to_numpy(),
            "perpetrator": perp,
            "actors": perp + "|",
        }
    )


def _repeat(rng, source: pd.DataFrame, frame: pd.DataFrame, share: float) -> None:
    """Make a share of ``frame`` repeat events of ``source``: a day or so off, a few km away."""
    k = int(len(frame) * share)
    take = rng.choice(len(source), k, replace=False)
    copied = source.iloc[take]
    for column in ("level", "event_type", "perpetrator", "actors", "country", "radius_km"):
        frame.loc[: k - 1, column] = copied[column].to_numpy()
    shift = rng.integers(-1, 2, k)
    frame.loc[: k - 1, "start"] = copied["start"].to_numpy() + shift
    frame.loc[: k - 1, "end"] = copied["end"].to_numpy() + shift
    frame.loc[: k - 1, "lat"] = copied["lat"].to_numpy() + rng.normal(0, 0.02, k)
    frame.loc[: k - 1, "lon"] = copied["lon"].to_numpy() + rng.normal(0, 0.02, k)


def _match(new: pd.DataFrame, old: pd.DataFrame, windows: Windows) -> dict:
    started = time.perf_counter()
    i, j = candidate_pairs(new, old, windows)
    found = time.perf_counter()
    scored = score_pairs(new, old, i, j, windows)
    scored_at = time.perf_counter()
    joined, review = decide(scored, windows)
    done = time.perf_counter()
    return {
        "pairs": len(i),
        "matched": len(joined),
        "review": len(review),
        "candidates_s": round(found - started, 2),
        "scoring_s": round(scored_at - found, 2),
        "deciding_s": round(done - scored_at, 2),
        "seconds": round(done - started, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full sizes")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    sizes = {k: int(v * args.scale) for k, v in (("acled", 500_000), ("gtd", 200_000),
                                                  ("ucdp", 300_000))}  # fmt: skip
    places = np.column_stack([rng.uniform(10, 25, 2000), rng.uniform(-17, 16, 2000)])
    country = np.array(COUNTRIES)[rng.integers(0, len(COUNTRIES), 2000)]
    acled = _records(rng, sizes["acled"], "acled", places, country)
    gtd = _records(rng, sizes["gtd"], "gtd", places, country)
    ucdp = _records(rng, sizes["ucdp"], "ucdp", places, country)
    _repeat(rng, acled, gtd, 0.3)
    _repeat(rng, acled, ucdp, 0.3)
    # GTD: a tenth placed only by country; UCDP: a fifth known to the week or month only.
    unplaced = rng.random(len(gtd)) < 0.1
    gtd.loc[unplaced, ["lat", "lon"]] = np.nan
    wide = rng.random(len(ucdp)) < 0.2
    ucdp.loc[wide, "end"] = ucdp.loc[wide, "start"] + rng.choice([6, 30], int(wide.sum()))
    windows = Windows()
    started = time.perf_counter()
    first = _match(gtd, acled, windows)
    held = pd.concat([acled, gtd], ignore_index=True)
    second = _match(ucdp, held, windows)
    seconds = time.perf_counter() - started
    records = sum(sizes.values())
    figures = {
        "acled_records": sizes["acled"],
        "gtd_records": sizes["gtd"],
        "ucdp_records": sizes["ucdp"],
        "gtd_vs_acled": first,
        "ucdp_vs_acled_gtd": second,
        "seconds": round(seconds, 2),
        "records_per_second": round(records / seconds),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    for key, value in figures.items():
        print(f"{key:>20}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
