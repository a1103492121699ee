"""Claims as the pages show them: each number named by its origin (what the claim says, the official
figure and who published it for which period, what ICE's records give and from which releases), and
one sentence, in the page's language, that reconciles them.

Reads the checker's published result (``out_claim_results.claim_result_json``); the statement and
notes come in Spanish from the claim file's ``translations``.
"""

from __future__ import annotations

import json
import re

from markupsafe import Markup, escape

from iceledger.web.data import WebData
from iceledger.web.i18n import Formatter
from iceledger.web.labels import category_label

HEADLINE_METRICS = ("administrative_arrests", "removals", "detainers", "operation_arrests", "arrests_change_pct")


def claim_view(row: dict, f: Formatter) -> dict:
    """A claim result with the checker's details unpacked, its words in the page's language."""
    try:
        detail = json.loads(row.get("claim_result_json") or "{}")
    except ValueError:
        detail = {}
    words = (detail.get("translations") or {}).get(f.lang) or {}
    checks = detail.get("checks") or []
    official = next((c for c in checks if c.get("kind") == "official" and c.get("decides")), None)
    records = next((c for c in checks if c.get("kind") == "records"), None)
    return {**detail, **row, "statement": words.get("statement") or row.get("claim_statement"),
            "statement_lang": f.lang if words.get("statement") else "en",
            "notes": words.get("notes") or detail.get("notes"), "notes_lang": f.lang if words.get("notes") else "en",
            "verdict": row.get("claim_verdict"), "query": detail.get("query") or detail.get("sql"),
            "official_check": official, "records_check": records,
            "related": (official or {}).get("related") or [], "source": detail.get("source") or {}}


def period(f: Formatter, text: str | None) -> str:
    """The checker's "YYYY-MM-DD to YYYY-MM-DD" in the page's words and date format."""
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2})", text or "")
    return f"{f.date(m[1])} – {f.date(m[2])}" if m else (text or "—")


def number(f: Formatter, v, unit: str | None = None) -> str:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return f.number(v) + ("%" if unit == "percent" else "")
    if isinstance(v, list):
        return "; ".join(map(str, v))
    return "—" if v is None else str(v)


def reconcile(f: Formatter, c: dict, threshold: int) -> Markup:
    """One sentence putting the claim's numbers side by side, each named by its origin (publishers' names,
    as English, marked so). A verdict the gate withheld reads "not shown: rests on fewer than threshold + 1"."""
    names: list[str] = []

    def en(name: str | None) -> str:
        if f.lang == "en":
            return name or "—"
        names.append(name or "—")
        return f"\x00{len(names) - 1}\x00"

    off = c.get("official_check")
    unit = ((off or {}).get("official") or {}).get("unit")
    parts = [f.gettext("The claim says %(v)s", v=number(f, c.get("expected"), unit))]
    if off and off.get("official") and off["official"].get("value") is not None:
        o = off["official"]
        parts.append(f.gettext("the official figure (%(who)s, %(period)s) is %(v)s", who=en(o.get("publisher")),
                               period=period(f, o.get("period")), v=number(f, o["value"], unit)))
    for r in c.get("related") or []:
        parts.append(f.gettext("a related official figure (%(who)s, %(period)s) is %(v)s", who=en(r.get("publisher")),
                               period=period(f, r.get("period")), v=number(f, r.get("value"), r.get("unit"))))
    rec = c.get("records_check")
    if rec:
        if rec.get("value") is None:
            parts.append(f.gettext("the check against ICE's records is withheld or could not be made"))
        elif rec.get("is_synthetic"):
            parts.append(f.gettext("SYNTHETIC demonstration records give %(v)s, which does not count toward the verdict",
                                   v=number(f, rec["value"], unit)))
        else:
            parts.append(f.gettext("ICE's records (releases %(r)s) give %(v)s", v=number(f, rec["value"], unit),
                                   r=", ".join(c.get("releases") or []) or "—"))
    else:
        parts.append(f.gettext("ICE's records cannot test it"))
    verdict = category_label(f, "verdict", c.get("verdict"), threshold).lower()
    text = str(escape("; ".join(parts) + ". " + f.gettext("Verdict: %(v)s.", v=verdict)))
    return Markup(re.sub("\x00(\\d+)\x00", lambda m: f'<span lang="en">{escape(names[int(m[1])])}</span>', text))


def claims_by_figure(data: WebData, f: Formatter) -> dict[str, dict]:
    return {c["figure_id"]: c for c in (claim_view(r, f) for r in data.claims()) if c.get("figure_id")}


def headline_figures(data: WebData) -> list[dict]:
    """The newest official figure of each headline metric for the whole country, and Safe City's total."""
    out, seen = [], set()
    for r in data.official_figures():
        key = r["metric_code"]
        if key not in HEADLINE_METRICS or key in seen:
            continue
        if (key == "operation_arrests") != (r["operation_slug"] == "safe-city-2017") or \
                (key != "operation_arrests" and r["place_level"] != "nation"):
            continue
        seen.add(key)
        out.append(r)
    return out
