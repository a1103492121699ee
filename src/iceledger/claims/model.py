"""A claim as data: what was said and by whom, what the ledger measures to test it, and how the two
are compared. Validated with pydantic; ``claims.claim_files`` turns a validation error into one that names
the file, the line, the claim and the field."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from iceledger.claims.vocabulary import COMPARISONS, check_expected
from iceledger.measures.spec import MeasureSpec, WindowSpec

ID = r"^[a-z0-9][a-z0-9._-]{0,119}$"
DATE_TEXT = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
Comparison = Literal[tuple(COMPARISONS)]  # type: ignore[valid-type]  # the words of compare.COMPARISONS
Tolerance = float | int | str
OperationFact = Literal["start_date", "end_date", "duration_days", "announced_count", "places", "status"]
FACT_KIND = {"start_date": "date", "end_date": "date", "duration_days": "number", "announced_count": "number",
             "places": "set", "status": "text"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Source(_Strict):
    """Where the claim was made."""

    url: str | None = Field(None, description="The address of the page that makes the claim.")
    publisher: str = Field(min_length=2, description="Who published it.")
    date: str | None = Field(None, description="When: YYYY-MM-DD, or YYYY-MM / YYYY when the day is not known.")
    kind: str = Field(description="A citation kind (metadata/codes/citation_kind.csv), e.g. news_report.")
    note: str | None = Field(None, description="Anything about the source a reader needs; required when there is no url.")

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, v):
        if isinstance(v, dt.date):
            return v.isoformat()
        if v is not None and not DATE_TEXT.match(str(v)):
            raise ValueError(f"{v!r} is not YYYY-MM-DD, YYYY-MM or YYYY")
        return None if v is None else str(v)

    @field_validator("url")
    @classmethod
    def _url(cls, v):
        if v is not None and not re.match(r"^https?://\S+$", v):
            raise ValueError(f"{v!r} is not a web address (http:// or https://)")
        return v

    @field_validator("kind")
    @classmethod
    def _kind(cls, v):
        from iceledger.metadata import code_list

        if not code_list("citation_kind").knows(v):
            raise ValueError(f"unknown kind {v!r}: use one of {', '.join(code_list('citation_kind').values)}")
        return v

    @model_validator(mode="after")
    def _located(self):
        if not self.url and not self.note:
            raise ValueError("a source without a url needs a note saying where the claim was seen and why no address is given")
        return self


class AgreementsMeasure(_Strict):
    """287(g) agreements on ICE's published lists: how many on a day, or their change since another day."""

    date: dt.date = Field(description="Count the agreements on ICE's latest list on or before this day.")
    since: dt.date | None = Field(None, description="Compare with ICE's latest list on or before this earlier day.")
    value: Literal["count", "change", "change_pct", "ratio"] = Field("count",
        description="count (on `date`), change (date - since), change_pct (percent change since) or ratio (date / since).")
    state: str | None = Field(None, pattern=r"^[A-Z]{2}$", description="Only agencies of this state (USPS code).")
    model: Literal["JEM", "TFM", "WSO"] | None = Field(None, description="Only agreements of this model.")

    @model_validator(mode="after")
    def _dates(self):
        if (self.value == "count") != (self.since is None):
            raise ValueError("since goes with value change, change_pct or ratio (and they need since)")
        if self.since and self.since >= self.date:
            raise ValueError(f"since ({self.since}) must come before date ({self.date})")
        return self


class DesignationsMeasure(_Strict):
    """Entries of a government designation list (ref_policy_designations): how many it names."""

    list_id: str = Field(pattern=ID, description="A designation_list_id in ref_designation_lists.")
    levels: list[Literal["state", "county", "city"]] = Field(default_factory=list,
        description="Count only entries naming places of these levels (default: every entry).")
    state: str | None = Field(None, pattern=r"^[A-Z]{2}$", description="Only entries in this state (USPS code).")


class DetstatsMeasure(_Strict):
    """One published number of ICE's detention statistics workbooks (ref_detstats_values), named by its labels."""

    fy: int = Field(ge=2000, le=2100, description="The workbook's fiscal year.")
    block: str = Field(pattern=r"^[a-z0-9_]{1,80}$", description="The block (table) id, see `iceledger detstats list`.")
    row: str = Field(min_length=1, description="The row label as the block prints it, e.g. Average or Total.")
    column: str = Field(min_length=1, description="The column label as the block prints it, e.g. FY Overall or Total.")


class OfficialMeasure(_Strict):
    """What ICE (or another agency) published, from the registries: a figure, a fact about an operation, 287(g)
    agreements on ICE's lists, the entries of a designation list, or a number of ICE's detention statistics."""

    figure: str | None = Field(None, pattern=ID, description="A figure id in ref_official_figures.")
    change_from: str | None = Field(None, pattern=ID, description="A second figure id: the value is the percent change from it to `figure`.")
    operation: str | None = Field(None, pattern=ID, description="An operation slug in ref_operations.")
    fact: OperationFact | None = Field(None, description="Which fact about the operation.")
    related: list[str] = Field(default_factory=list, description="Figure ids shown beside the result for context.")
    agreements: AgreementsMeasure | None = Field(None, description="287(g) agreements on ICE's lists on a day, or their change.")
    designations: DesignationsMeasure | None = Field(None, description="How many entries a designation list names.")
    detstats: DetstatsMeasure | None = Field(None, description="A number of ICE's detention statistics workbooks.")

    @field_validator("related")
    @classmethod
    def _related(cls, v):
        bad = [x for x in v if not re.match(ID, x)]
        if bad:
            raise ValueError(f"not figure ids: {bad}")
        return v

    @property
    def registry_fact(self) -> str | None:
        """Which registry fact the measure reads besides figures and operations: agreements, designations or detstats."""
        return next((k for k in ("agreements", "designations", "detstats") if getattr(self, k) is not None), None)

    @model_validator(mode="after")
    def _one(self):
        given = [k for k in ("figure", "operation", "agreements", "designations", "detstats") if getattr(self, k)]
        if len(given) != 1:
            raise ValueError("give exactly one of figure (a figure id), operation (a slug) with fact, agreements, designations "
                             f"or detstats (given: {', '.join(given) or 'none'})")
        if self.related and not self.figure:
            raise ValueError("related (figure ids shown beside) goes with figure")
        if self.operation and not self.fact:
            raise ValueError(f"operation needs fact: one of {', '.join(FACT_KIND)}")
        if self.figure and self.fact:
            raise ValueError("fact goes with operation, not with figure")
        if self.change_from and not self.figure:
            raise ValueError("change_from goes with figure")
        return self

    @property
    def value_kind(self) -> str:
        return FACT_KIND[self.fact] if self.fact else "number"


DateBasis = Literal["removal", "departure"]


class RecordsMeasure(_Strict):
    """What ICE's record-level releases say, through the measures layer."""

    spec: MeasureSpec | None = Field(None, description="A count (docs/measures.md), with date_from and date_to.")
    window: WindowSpec | None = Field(None, description="An operation window against its baseline weeks.")
    value: str | None = Field(None, description="The column compared (default n for a count, window_n for a window).")
    row: dict[str, str | int] = Field(default_factory=dict, description="Dimension values picking one row of the result.")
    comparison: Comparison | None = Field(None, description="Overrides the claim's comparison for this check.")
    expected: float | int | None = Field(None, description="Overrides the claim's expected value for this check.")
    tolerance: Tolerance | None = Field(None, description="Overrides the claim's tolerance for this check.")
    note: str | None = Field(None, description="What this check tests, in plain words (shown with the result).")
    date_basis: DateBasis | None = Field(None, description="For removals: count them by ICE's removal date or by the "
                                                           "departure date (claims about removals should say which).")

    @model_validator(mode="after")
    def _one(self):
        if self.date_basis and (self.spec is None or self.spec.count != "removals"):
            raise ValueError("date_basis goes with a spec counting removals")
        if (self.spec is None) == (self.window is None):
            raise ValueError("give either spec (a count) or window (an operation window)")
        if self.spec is not None and not (self.spec.date_from and self.spec.date_to):
            raise ValueError("spec needs date_from and date_to, so the checker can tell whether the loaded records cover them")
        return self

    @property
    def column(self) -> str:
        return self.value or ("n" if self.spec is not None else "window_n")


class Measure(_Strict):
    official: OfficialMeasure | None = None
    records: RecordsMeasure | None = None

    @model_validator(mode="after")
    def _some(self):
        if self.official is None and self.records is None:
            raise ValueError("give official (a figure or registry fact), records (a measure), or both")
        return self


class Translation(_Strict):
    """A claim's words in another language (the dashboard's Spanish pages show them)."""

    statement: str = Field(min_length=10)
    notes: str | None = None


class Claim(_Strict):
    """One published claim, in the ledger's words, with what tests it."""

    id: str = Field(pattern=ID, description="Stable id: lower case, digits, . _ -")
    statement: str = Field(min_length=10, description="What was claimed, paraphrased in our words.")
    source: Source
    measure: Measure
    comparison: Comparison
    expected: Any = Field(description="The value the claim states (number, date, text, or list of names).")
    tolerance: Tolerance | None = None
    levels: list[Literal["place", "aor"]] = Field(default_factory=lambda: ["place"],
        description="set_equals: the levels names are matched at; the first decides, the others are shown.")
    notes: str | None = None
    translations: dict[Literal["es"], Translation] = Field(default_factory=dict,
        description="The statement and notes in other languages, by language code (es: Spanish).")

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, v):
        return str(v) if isinstance(v, int) and not isinstance(v, bool) else v  # `id: 2019` reads as a number in YAML

    @model_validator(mode="after")
    def _consistent(self):
        self.expected = check_expected(self.comparison, self.expected, self.tolerance)
        word = COMPARISONS[self.comparison]
        off = self.measure.official
        if off is not None:
            kind = off.value_kind
            fits = {"number": ("number", "number_or_text"), "date": ("date",), "set": ("set",), "text": ("number_or_text",)}
            if word.kind not in fits[kind]:
                wanted = [w for w, x in COMPARISONS.items() if x.kind in fits[kind]]
                raise ValueError(f"the official measure gives a {kind}, which {self.comparison} cannot compare: "
                                 f"use {' or '.join(wanted)}")
            if kind == "text" and not isinstance(self.expected, str):
                raise ValueError(f"{off.fact} is text: expected must be text")
            if kind == "number" and isinstance(self.expected, str):
                raise ValueError("the official measure gives a number: expected must be a number")
        if self.comparison != "set_equals" and self.levels != ["place"]:
            raise ValueError("levels goes with set_equals")
        if len(set(self.levels)) != len(self.levels) or not self.levels:
            raise ValueError("levels lists each of place, aor at most once")
        rec = self.measure.records
        if rec is not None:
            comparison, expected, tolerance = self.records_terms()
            if COMPARISONS[comparison].kind not in ("number", "number_or_text"):
                raise ValueError(f"a records check gives a number: give measure.records.comparison (not {comparison})")
            if isinstance(expected, str):
                raise ValueError("a records check gives a number: give measure.records.expected as a number")
            check_expected(comparison, expected, tolerance)
        return self

    def records_terms(self) -> tuple[str, Any, Any]:
        """(comparison, expected, tolerance) for the records check: its own where given, else the claim's."""
        rec = self.measure.records
        comparison = rec.comparison or self.comparison
        expected = rec.expected if rec.expected is not None else self.expected
        tolerance = rec.tolerance if (rec.comparison or rec.tolerance is not None) else self.tolerance
        return comparison, expected, tolerance


class ClaimFile(_Strict):
    """A file of claims: a title, optional notes, and the claims."""

    title: str | None = None
    notes: str | None = None
    claims: list[dict] = Field(min_length=1)
