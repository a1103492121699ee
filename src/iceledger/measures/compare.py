"""Two releases side by side: where two productions of the same records disagree.

``compare_releases`` counts one subject (arrests, removals...) in release A and in release B over
what both cover, by up to three dimensions, and says how many of A's rows pair with a row of B on
every field both releases populate (a multiset match: equal rows pair one to one).

- **What both cover**: the period is the intersection of the releases' coverage (the manifest's
  ``coverage`` where recorded, else the span of the release's dates in the subject's table); a release
  of one AOR (its manifest's ``aor``) covers only that AOR, so the comparison is narrowed to it.
- **Counted** as ``iceledger measure`` counts the subject with the release pinned (the same duplicate
  rule and dimensions; ``count_duplicates`` counts every row), so each side equals that measure.
- **Shared fields**: the subject's date and every declared field both releases populate (a value in at
  least ``POPULATED_SHARE`` of the rows compared), leaving out identifiers and bookkeeping, and the
  raw text a normalised field was made from (a timestamp when its day is there, AOR/state/county
  text when their codes are). Text is compared trimmed, upper-cased, spaces collapsed; two missing
  values agree. ``on`` names the fields instead.

Exact figures from the ledger (analyst use): the public comparison is publish/comparisons.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import ibis
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from iceledger.errors import InputError, NotFoundError
from iceledger.measures import catalog
from iceledger.measures.count import engine_for
from iceledger.measures.derive import sort_rows
from iceledger.measures.events import build_frame, time_expr
from iceledger.measures.result import MeasureResult, build_provenance, quality_aggregates
from iceledger.measures.selection import list_releases
from iceledger.measures.spec import LedgerQuery, _check_dims, _split, split_where
from iceledger.metadata import field_, table as table_meta

POPULATED_SHARE = 0.5
NOT_MATCHED = {"person_id", "episode_id", "is_duplicate_likely", "is_episode_first", "duplicate_rule",
               "removal_count_date", "removal_date_basis"}  # identifiers, flags and per-release bookkeeping
FY = "_fy"


class CompareSpec(BaseModel):
    """Compare ``count`` in release ``a`` and release ``b`` over what both cover."""

    model_config = ConfigDict(extra="forbid")

    a: str = Field(description="The first release id.")
    b: str = Field(description="The second release id (the difference is b - a).")
    count: str = Field("arrests", description="What is counted: arrests, encounters, detainers, book_ins, removals...")
    by: list[str] = Field(default_factory=lambda: ["month"], description="Up to three dimensions, at most one of time.")
    where: dict[str, str | int | list[str | int]] = Field(default_factory=dict, description="Filters, as for measures.")
    date_from: dt.date | None = Field(None, description="Narrow the shared period: first day.")
    date_to: dt.date | None = Field(None, description="Narrow the shared period: last day.")
    on: list[str] | None = Field(None, description="Fields to match rows on (default: every field both populate).")
    count_duplicates: bool = Field(False, description="Count rows flagged as likely duplicates.")

    @field_validator("by", "on", mode="before")
    @classmethod
    def _lists(cls, v):
        return _split(v)

    _where = field_validator("where", mode="before")(split_where)

    @model_validator(mode="after")
    def _check(self):
        if self.a == self.b:
            raise ValueError("compare two different releases")
        catalog.subject(self.count)
        _check_dims(self.count, self.by)
        for k in self.where:
            catalog.dimension(k, self.count)
        declared = table_meta(catalog.subject(self.count).table).fields
        unknown = [f for f in self.on or [] if f not in declared]
        if unknown:
            raise ValueError(f"{unknown[0]!r} is not a field of {catalog.subject(self.count).table}")
        return self

    @classmethod
    def parse(cls, data: dict) -> CompareSpec:
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "spec"
            raise InputError("bad_spec", f"{where}: {first['msg'].removeprefix('Value error, ')}",
                             fix="see `iceledger releases compare --help` and docs/releases.md") from None


@dataclass(frozen=True)
class Coverage:
    release_id: str
    date_from: dt.date
    date_to: dt.date
    basis: str  # manifest | records
    aor_code: str | None
    is_synthetic: bool

    def to_dict(self) -> dict:
        return {"release_id": self.release_id, "from": self.date_from, "to": self.date_to, "basis": self.basis,
                "aor_code": self.aor_code, "is_synthetic": self.is_synthetic}


def release_coverage(engine, subject: catalog.Subject, release_id: str) -> Coverage:
    """The period and AOR a release covers for ``subject``: its manifest's coverage where recorded, else
    the span of its rows' dates in the subject's table."""
    meta = next((r for r in engine.small("releases") if r["release_id"] == release_id), None)
    if meta is None:
        known = sorted(r["release_id"] for r in engine.small("releases"))
        raise NotFoundError("unknown_release", f"no release {release_id!r} in this ledger",
                            fix=f"use release ids listed by `iceledger status`: {', '.join(known) or 'none yet'}")
    if release_id not in {r.release_id for r in list_releases(engine, subject.table)}:
        raise NotFoundError("release_lacks_table", f"release {release_id} has no {subject.table.removeprefix('core_')}",
                            fix="compare a table both releases hold (`iceledger status` lists rows per table)")
    lo, hi, basis = meta.get("coverage_from_date"), meta.get("coverage_to_date"), "manifest"
    if lo is None or hi is None:
        t = engine.table(subject.table).filter(lambda t: t.release_id == release_id)
        cov = [t[c] for c in subject.coverage_date]
        cov = cov[0] if len(cov) == 1 else ibis.coalesce(*cov)
        span = engine.rows(t.aggregate(lo=cov.min(), hi=cov.max()))[0]
        lo, hi, basis = lo or span["lo"], hi or span["hi"], "records"
    return Coverage(release_id, lo, hi, basis, meta.get("release_aor_code"), bool(meta.get("is_synthetic")))


def shared_window(ca: Coverage, cb: Coverage, spec: CompareSpec) -> tuple[dt.date, dt.date, str | None]:
    """(first day, last day, AOR or None) that both releases cover, narrowed by the spec's dates."""
    if ca.aor_code and cb.aor_code and ca.aor_code != cb.aor_code:
        raise InputError("no_overlap", f"{ca.release_id} covers only {ca.aor_code} and {cb.release_id} only {cb.aor_code}",
                         fix="compare releases that cover the same area")
    lo = max(d for d in (ca.date_from, cb.date_from, spec.date_from) if d)
    hi = min(d for d in (ca.date_to, cb.date_to, spec.date_to) if d)
    if lo > hi:
        raise InputError("no_overlap", f"{ca.release_id} covers {ca.date_from}..{ca.date_to} and {cb.release_id} "
                         f"{cb.date_from}..{cb.date_to}: no day in common" + (" within --from/--to" if spec.date_from or spec.date_to else ""),
                         fix="compare releases whose periods overlap")
    return lo, hi, ca.aor_code or cb.aor_code


def candidate_fields(subject: catalog.Subject) -> list[str]:
    """Declared fields that could be matched on: not identifiers or bookkeeping, and not the raw text a
    normalised field is made from."""
    t = table_meta(subject.table)
    raw = {field_(c).derived_from for c in t.fields} | {t.aor_field, t.state_field, t.county_field}
    out = [c for c in t.fields if c not in NOT_MATCHED and c not in raw]
    return [subject.date_column] + [c for c in out if c != subject.date_column]


def _normalised(col):
    return col.strip().upper().re_replace(r"\s+", " ") if col.type().is_string() else col


def _grouped(events, keys: list[str], dims: list[str]):
    """Rows of one release grouped by the match key (columns ``k_<field>``), the dimensions and the fiscal year."""
    t = events.mutate(**{FY: time_expr("fy", events._date)})
    cols = {f"k_{k}": _normalised(t[k]) for k in keys}
    cols.update({d: t[d] for d in dims if d not in cols})
    cols[FY] = t[FY]
    g = t.select(**cols)
    return g.group_by(list(cols)).aggregate(n=g.count())


def _matched(ga, gb, keys: list[str], dims: list[str], group: list[str]):
    """Pairs of rows agreeing on every key, dimension and fiscal year (missing values agree), summed by ``group``."""
    cols = [f"k_{k}" for k in keys] + [*dims, FY]
    a, b = (g.group_by(cols).aggregate(n=g.n.sum()) for g in (ga, gb))
    rb = b.rename({f"{c}__b": c for c in cols + ["n"]})
    j = a.join(rb, [a[c].identical_to(rb[f"{c}__b"]) for c in cols])
    pairs = ibis.least(j.n, j.n__b)
    return j.group_by(group).aggregate(matched=pairs.sum()) if group else j.aggregate(matched=pairs.sum())


def compare_releases(spec: CompareSpec | dict, *, engine=None, home=None, detail: bool = True) -> MeasureResult:
    """Counts of ``spec.count`` in both releases over what both cover, their difference and matches.
    ``detail`` adds, per shared field, the rows that would pair without it (which field disagrees)."""
    spec = spec if isinstance(spec, CompareSpec) else CompareSpec.parse(spec)
    with engine_for(engine, home) as eng:
        return _run(eng, spec, detail)


def matched_on(spec: CompareSpec | dict, *, engine) -> list[str]:
    """The fields ``compare_releases(spec)`` would match rows on (its provenance's ``fields.matched_on``), without
    counting or matching: the same checks of the window and the releases, and the same errors."""
    spec = spec if isinstance(spec, CompareSpec) else CompareSpec.parse(spec)
    return _prepare(engine, spec)[-1]


def _prepare(eng, spec: CompareSpec) -> tuple:
    """The shared window, both releases' frames, how populated each field is, and the fields matched on."""
    subject = catalog.subject(spec.count)
    ca, cb = (release_coverage(eng, subject, r) for r in (spec.a, spec.b))
    lo, hi, aor = shared_window(ca, cb, spec)
    where = dict(spec.where)
    if aor:
        asked = where.get("aor_code")
        if asked is not None and aor not in (asked if isinstance(asked, list) else [asked]):
            raise InputError("no_overlap", f"{aor} is the only AOR both releases cover; --where asks for {asked}",
                             fix=f"drop the aor_code filter, or ask for {aor}")
        where["aor_code"] = aor
    dims = list(spec.by)
    fields_ = spec.on or candidate_fields(subject)
    frames = [build_frame(eng, spec.count, LedgerQuery(where=where, date_from=lo, date_to=hi, releases=[rid],
                                                       synthetic="include", count_duplicates=spec.count_duplicates),
                          dims, extra=tuple(f for f in fields_ if f != subject.date_column))
              for rid in (spec.a, spec.b)]
    filled = [eng.rows(f.events.aggregate(_rows=f.events.count(), **{c: f.events[c].count() for c in fields_}))[0]
              for f in frames]
    if spec.on:
        keys = list(spec.on)
    else:
        keys = [c for c in fields_ if all(r["_rows"] and r[c] / r["_rows"] >= POPULATED_SHARE for r in filled)]
        keys = list(dict.fromkeys([subject.date_column, *keys]))
    return subject, ca, cb, lo, hi, aor, dims, fields_, frames, filled, keys


def _run(eng, spec: CompareSpec, detail: bool) -> MeasureResult:
    subject, ca, cb, lo, hi, aor, dims, fields_, frames, filled, keys = _prepare(eng, spec)
    only = {rid: [c for c in fields_ if c not in keys and r["_rows"] and r[c] / r["_rows"] >= POPULATED_SHARE]
            for rid, r in zip((spec.a, spec.b), filled)}
    ga, gb = (_grouped(f.events, keys, dims) for f in frames)
    group = [*dims, FY]
    counts = [eng.rows(g.group_by(group).aggregate(n=g.n.sum())) for g in (ga, gb)]
    match_expr = _matched(ga, gb, keys, dims, group)
    matched = eng.rows(match_expr)
    rows, fy_rows = _combine(dims, counts, matched)
    total = _totals(fy_rows)
    result_fields = {"matched_on": keys, "only_in": only, "populated_share": POPULATED_SHARE,
                     "normalised": "text trimmed, upper-cased, spaces collapsed; missing values agree"}
    if detail and len(keys) > 1:
        result_fields["matched_without"] = {k: eng.rows(_matched(ga, gb, [c for c in keys if c != k], dims, []))[0]["matched"] or 0
                                            for k in keys}
    notes = _notes(spec, subject, ca, cb, lo, hi, aor, eng, frames)
    quality = {rid: eng.rows(f.flagged.aggregate(**quality_aggregates(f.flagged)))[0]
               for rid, f in zip((spec.a, spec.b), frames)}
    sql = [{"purpose": f"count {rid}", "sql": eng.sql(g.group_by(group).aggregate(n=g.n.sum()))}
           for rid, g in zip((spec.a, spec.b), (ga, gb))] + [{"purpose": "match", "sql": eng.sql(match_expr)}]
    extra = {"comparison": {"releases": [ca.to_dict(), cb.to_dict()], "from": lo, "to": hi, "aor_code": aor,
                            "subject": subject.name, "date": {"column": subject.date_column, "basis": subject.date_basis},
                            "fields": result_fields, "total": total, "by_fy": fy_rows,
                            "exact": "exact figures from the ledger, not passed through the disclosure gate"}}
    prov = build_provenance(eng, frames, sql, quality, notes, extra)
    columns = dims + ["count_a", "count_b", "difference", "matched", "only_a", "only_b"]
    return MeasureResult("release_comparison", spec.model_dump(mode="json"), columns, rows, prov)


def _cell(a: int, b: int, m: int) -> dict:
    return {"count_a": a, "count_b": b, "difference": b - a, "matched": m, "only_a": a - m, "only_b": b - m}


def _combine(dims: list[str], counts: list[list[dict]], matched: list[dict]) -> tuple[list[dict], list[dict]]:
    """Rows by ``dims`` and rows by fiscal year, from counts and matches by ``dims`` and fiscal year."""
    by_dims: dict[tuple, list[int]] = {}
    by_fy: dict[int, list[int]] = {}
    for slot, source, col in ((0, counts[0], "n"), (1, counts[1], "n"), (2, matched, "matched")):
        for r in source:
            k = tuple(r[d] for d in dims)
            by_dims.setdefault(k, [0, 0, 0])[slot] += r[col] or 0
            by_fy.setdefault(r[FY], [0, 0, 0])[slot] += r[col] or 0
    rows = sort_rows([{**dict(zip(dims, k)), **_cell(*v)} for k, v in by_dims.items()], dims)
    fy_rows = [{"fy": fy, **_cell(*v)} for fy, v in sorted(by_fy.items(), key=lambda kv: kv[0])]
    return rows, fy_rows


def _totals(fy_rows: list[dict]) -> dict:
    a, b, m = (sum(r[c] for r in fy_rows) for c in ("count_a", "count_b", "matched"))
    return _cell(a, b, m)


def _notes(spec, subject, ca: Coverage, cb: Coverage, lo, hi, aor, eng, frames) -> list[str]:
    notes = [f"compared over {lo}..{hi}" + (f" in {aor} only ({'both releases are' if ca.aor_code and cb.aor_code else 'a release of one AOR'})"
                                             if aor else "") +
             "; coverage from " + ", ".join(f"{c.release_id}'s {'manifest' if c.basis == 'manifest' else 'dates of its rows'}"
                                            for c in (ca, cb))]
    if lo.day != 1 or (hi + dt.timedelta(days=1)).day != 1:
        notes.append("a month at an edge of the period is counted only on the days both releases cover")
    if subject.basis_column:
        bases = []
        for _rid, f in zip((spec.a, spec.b), frames):
            col = subject.basis_column
            bases.append({r[col] for r in eng.rows(f.events.select(col).distinct()) if r[col]})
        if bases[0] != bases[1]:
            notes.append(f"the two releases date {subject.name} differently ({spec.a}: {', '.join(sorted(bases[0])) or 'none'}; "
                         f"{spec.b}: {', '.join(sorted(bases[1])) or 'none'}): compare removals_by_departure to compare like with like")
    if ca.is_synthetic or cb.is_synthetic:
        notes.insert(0, "SYNTHETIC: a release compared is synthetic, generated by iceledger, not ICE records")
    return notes


def difference_words(a: str, b: str, subject: str, diff: int) -> str:
    """'B has N more/fewer SUBJECT than A' or 'B and A hold the same number of SUBJECT'."""
    what = subject.replace("_", " ")
    if diff == 0:
        return f"{b} and {a} hold the same number of {what}"
    return f"{b} has {abs(diff):,} {'more' if diff > 0 else 'fewer'} {what} than {a}"


def sentences(result: MeasureResult) -> list[str]:
    """The comparison in plain words: per fiscal year and over the whole period."""
    c = result.provenance["comparison"]
    a, b = result.spec["a"], result.spec["b"]
    lo, hi = dt.date.fromisoformat(str(c["from"])), dt.date.fromisoformat(str(c["to"]))
    out = []
    for r in c["by_fy"]:
        start, end = dt.date(r["fy"] - 1, 10, 1), dt.date(r["fy"], 9, 30)
        part = "" if lo <= start and end <= hi else f" (counted {max(lo, start)}..{min(hi, end)})"
        out.append(f"FY{r['fy']}{part}: {difference_words(a, b, c['subject'], r['difference'])} "
                   f"({r['count_b']:,} against {r['count_a']:,}); {r['matched']:,} rows pair on the shared fields, "
                   f"{r['only_a']:,} only in {a}, {r['only_b']:,} only in {b}.")
    t = c["total"]
    out.append(f"{lo}..{hi}: {difference_words(a, b, c['subject'], t['difference'])} ({t['count_b']:,} against "
               f"{t['count_a']:,}); {t['matched']:,} rows pair on {len(c['fields']['matched_on'])} shared fields.")
    return out
