#!/usr/bin/env python3
"""Converts the US ZIP centroids of the npm package zipcodes@8.0.0 into us_zip_centroids.csv.

Run once, from a scratch directory (the output is committed; the build never runs this):

    npm pack zipcodes@8.0.0 && tar xzf zipcodes-8.0.0.tgz
    python3 /path/to/svc-install/data/convert.py package/lib/codes.js > us_zip_centroids.csv

Keeps 5-digit US ZIP codes that have coordinates (the package gives 0,0 for some
military APO/FPO codes, which have no place on the map), sorted by ZIP code.
Columns: zip,lat,lon,city,state.
"""

import json
import re
import sys

PREFIX = "exports.codes ="


def main(path: str) -> None:
    text = open(path, encoding="utf-8").read()
    start = text.index(PREFIX) + len(PREFIX)
    codes, _ = json.JSONDecoder().raw_decode(text[start:].lstrip())
    out = sys.stdout
    out.write("zip,lat,lon,city,state\n")
    kept = 0
    for key in sorted(codes):
        entry = codes[key]
        zip_code = str(entry["zip"])
        if entry.get("country") != "US" or not re.fullmatch(r"\d{5}", zip_code):
            continue
        lat, lon = float(entry["latitude"]), float(entry["longitude"])
        if lat == 0.0 and lon == 0.0:
            continue
        city, state = entry["city"].strip(), entry["state"].strip()
        if "," in city or "," in state or "\n" in city:
            raise SystemExit(f"unexpected separator in {entry!r}")
        out.write(f"{zip_code},{lat!r},{lon!r},{city},{state}\n")
        kept += 1
    print(f"kept {kept} of {len(codes)} ZIP codes", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
