"""Large figures files made from the real Groningen buurten, for tests that need an import
that takes a while (concurrency, the SQLite log file)."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parents[1] / "data"


def monthly_buurt_file(path: Path, measure: str, first_year: int = 1900) -> Path:
    """Every Groningen buurt, every month from ``first_year`` to 2023 (about 28,000 rows from
    1901, with their sums): enough work for an import to overlap with another process."""
    buurten = [
        line.split(",")[0].strip('" ')
        for line in (DATA / "gebieden_47018NED_groningen.csv").read_text().splitlines()
        if line.startswith('"BU00')
    ]
    lines = ["measure,area,period,value"]
    for year in range(first_year, 2024):
        for month in range(1, 13):
            lines += [f"{measure},{code},{year}-{month:02d},{month + year % 7}" for code in buurten]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
