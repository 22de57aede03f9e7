"""Regenerate search/data/regions.tsv from cpca's table of administrative divisions.

cpca (MIT licence, https://github.com/DQinYuan/chinese_province_city_area_mapper) ships adcodes.csv, the
national table of provinces, prefecture-level cities and counties. We keep a copy of the three levels as
a data file instead of importing cpca at run time (its import needs pkg_resources and pandas, a heavy
price for one lookup table). Run after `pip install cpca`:

    python tools/make_regions.py > search/data/regions.tsv
"""
from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path


def main() -> int:
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("cpca is not installed: pip install cpca")
    path = Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    kept = {r["adcode"] for r in rows if r["name"].strip() not in ("市辖区", "县")}
    out = ["# adcode\tname\tlevel\tparent  (from cpca's adcodes.csv, MIT; regenerate with tools/make_regions.py)"]
    for row in sorted(rows, key=lambda r: r["adcode"]):
        code, name = row["adcode"], row["name"].strip()
        if name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划") or not name:
            continue
        if code[2:] == "0" * 10:
            level, parent = "province", ""
        elif code[4:] == "0" * 8:
            level, parent = "city", code[:2] + "0" * 10
        elif code[6:] == "0" * 6:
            # districts of 北京/上海/天津/重庆 sit under a placeholder "市辖区": their parent is the province
            level, parent = "county", code[:4] + "0" * 8
            if parent not in kept:
                parent = code[:2] + "0" * 10
        else:
            continue
        out.append(f"{code[:6]}\t{name}\t{level}\t{parent[:6]}")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
