"""Two hand-made productions of the same (made-up, test-only) arrests, for the release comparison tests,
with every answer worked out by hand:

- ``cmp-national`` (era L1, no AOR, no stated coverage: its rows span 2016-12-15..2017-08-10) holds
  SEA arrests from December 2016 to July 2017 and NYC arrests;
- ``cmp-seattle`` (era H-UW-SEA, one AOR: SEA, coverage 2017-01-01..2017-06-30 from its manifest)
  holds SEA arrests and writes citizenship in lower case with a trailing space for January's men;
- ``cmp-other-aor`` (one AOR: NYC) covers nothing Seattle covers; ``synth-cmp`` is synthetic.

Both cover SEA from 2017-01-01 to 2017-06-30 (Seattle's coverage; the national rows span wider).
By month, national against Seattle (A = national, B = Seattle, B - A, matched on date, AOR, method,
citizenship and gender):

    January   20  20    0  20   10 men (Mexico) and 10 women (Guatemala) in both
    February  30  33   +3  30   Seattle holds three more men
    March     25  25    0  23   two women in the national release are men in Seattle's
    April     40  15  -25  15   Seattle holds 25 fewer
    total    115  93  -22  88

The national release also records the landmark, which Seattle does not.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.conftest import copy_home

from iceledger.publish.publication import publish
from iceledger.settings import Settings, load_settings

A, B, OTHER, SYNTH = "cmp-national", "cmp-seattle", "cmp-other-aor", "synth-cmp"
MONTHS = {  # month: (national rows, Seattle rows), each row (gender, citizenship)
    1: ([("Male", "MEXICO")] * 10 + [("Female", "GUATEMALA")] * 10, [("Male", "mexico ")] * 10 + [("Female", "GUATEMALA")] * 10),
    2: ([("Male", "MEXICO")] * 30, [("Male", "MEXICO")] * 33),
    3: ([("Male", "HONDURAS")] * 23 + [("Female", "HONDURAS")] * 2, [("Male", "HONDURAS")] * 25),
    4: ([("Male", "MEXICO")] * 40, [("Male", "MEXICO")] * 15),
}
EXPECTED = {  # month: (A, B, difference, matched)
    dt.date(2017, 1, 1): (20, 20, 0, 20), dt.date(2017, 2, 1): (30, 33, 3, 30),
    dt.date(2017, 3, 1): (25, 25, 0, 23), dt.date(2017, 4, 1): (40, 15, -25, 15),
}
_BUILT: dict[str, Path] = {}


def _rows(prefix: str, month: int, people: list[tuple[str, str]], aor: str = "SEA", landmark: str | None = None) -> list[dict]:
    return [dict(apprehension_datetime=f"2017-{month:02d}-{i % 28 + 1:02d} 10:00:00", apprehension_aor=aor,
                 person_id=f"{prefix}-{month}-{i}", apprehension_method="Located", gender=g, citizenship_country=c,
                 apprehension_landmark=landmark) for i, (g, c) in enumerate(people)]


def build_ledger(settings: Settings) -> None:
    from tests.integration.measures_ledger import HandLedger

    L = HandLedger(settings.ledger_path)
    L.release(A, era="L1", received="2024-01-01", registered="2024-01-02 00:00:00")
    national = [r for m, (rows, _) in MONTHS.items() for r in _rows("n", m, rows, landmark="SEA CAP")]
    national += [dict(r, apprehension_datetime=r["apprehension_datetime"].replace("2017-01", "2016-12"))
                 for r in _rows("n-dec", 1, [("Male", "MEXICO")] * 5, landmark="SEA CAP")]  # before Seattle's coverage
    national += _rows("n-nyc", 2, [("Male", "MEXICO")] * 12, aor="NYC", landmark="NYC")  # outside its AOR
    national += _rows("n-jul", 7, [("Male", "MEXICO")] * 4, landmark="SEA CAP")  # after its coverage
    national += [dict(r, apprehension_datetime="2017-08-10 10:00:00") for r in _rows("n-aug", 8, [("Male", "MEXICO")], aor="NYC")]
    L.add("core_arrests", A, national)
    L.release(B, era="H-UW-SEA", received="2025-01-01", registered="2025-01-02 00:00:00")
    L.add("core_arrests", B, [r for m, (_, rows) in MONTHS.items() for r in _rows("s", m, rows)])
    L.release(OTHER, era="H-OTHER", received="2025-02-01", registered="2025-02-02 00:00:00")
    L.add("core_arrests", OTHER, _rows("o", 2, [("Male", "MEXICO")] * 12, aor="NYC"))
    L.release(SYNTH, era="L1", synthetic=True, registered="2025-03-01 00:00:00")
    L.add("core_arrests", SYNTH, _rows("y", 2, [("Male", "MEXICO")] * 12))
    L.sql(f"UPDATE releases SET release_aor_code = 'SEA', coverage_from_date = DATE '2017-01-01', "
          f"coverage_to_date = DATE '2017-06-30' WHERE release_id = '{B}'")
    L.sql(f"UPDATE releases SET release_aor_code = 'NYC' WHERE release_id = '{OTHER}'")
    L.close()


def compare_home(base: Path, registries: Settings) -> Settings:
    """The registry build plus the releases above, published (threshold 10); built once per session."""
    if "home" not in _BUILT:
        settings = copy_home(registries, base / "compare-home")
        build_ledger(settings)
        publish(settings)
        _BUILT["home"] = settings.home
    return load_settings(_BUILT["home"])
