"""What a measure asks for, as data: pydantic records that a claim (or the CLI, or the API) fills in.

A claim will be "a MeasureSpec + a comparison + an expected value", so specs are plain data that
round-trip through YAML and JSON. Validation names the field and the fix.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from iceledger.errors import InputError
from iceledger.measures import catalog
from iceledger.metadata import listing

MAX_DIMENSIONS = 3
Synthetic = Literal["auto", "include", "exclude", "only"]


def _split(v):
    if isinstance(v, str):
        return [p.strip() for p in v.split(",") if p.strip()]
    return v


def split_where(v) -> dict:
    """Filters as given: ``{"aor_code": "SEA,NYC"}`` → ``{"aor_code": ["SEA", "NYC"]}``."""
    return {k: (_split(x) if isinstance(x, str) and "," in x else x) for k, x in (v or {}).items()}


class LedgerQuery(BaseModel):
    """Which rows: filters, a date window, and the release, synthetic and duplicate rules."""

    model_config = ConfigDict(extra="forbid")

    where: dict[str, str | int | list[str | int]] = Field(default_factory=dict,
        description="Equality (a value) or membership (a list) on dimensions, e.g. {aor_code: [SEA, NYC]}.")
    date_from: dt.date | None = Field(None, description="First day of the window (inclusive), on the subject's date.")
    date_to: dt.date | None = Field(None, description="Last day of the window (inclusive).")
    releases: Literal["latest"] | list[str] = Field("latest",
        description="'latest' (the latest release per table and identifier namespace, overlaps resolved) or release ids to pin.")
    synthetic: Synthetic = Field("auto",
        description="auto: real rows when a table has any, else synthetic rows (labelled); include; exclude; only.")
    count_duplicates: bool = Field(False, description="Count rows flagged as likely duplicates (default: one row per arrest episode).")
    namespace: str | None = Field(None, description="Restrict to one identifier namespace (release era), e.g. L2.")

    @field_validator("releases", mode="before")
    @classmethod
    def _releases(cls, v):
        return _split(v) if v != "latest" else v

    @field_validator("where", mode="before")
    @classmethod
    def _where(cls, v):
        return split_where(v)

    @model_validator(mode="after")
    def _window(self):
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError(f"date_from {self.date_from} is after date_to {self.date_to}")
        return self

    @classmethod
    def parse(cls, data: dict):
        """Build a spec from plain data; a bad field becomes an InputError naming it and the fix."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "spec"
            msg = first["msg"].removeprefix("Value error, ")
            raise InputError("bad_spec", f"{where}: {msg}",
                             fix=f"check {where!r}; see `iceledger measure --help` and docs/measures.md") from None


def _check_dims(subject: str, names: list[str]) -> None:
    if len(names) > MAX_DIMENSIONS:
        raise ValueError(f"at most {MAX_DIMENSIONS} dimensions, got {len(names)}: {', '.join(names)}")
    if len(set(names)) != len(names):
        raise ValueError(f"a dimension is repeated in {names}")
    for n in names:
        catalog.dimension(n, subject)
    times = [n for n in names if n in catalog.TIME_DIMENSIONS]
    if len(times) > 1:
        raise ValueError(f"use one time dimension at a time, not {', '.join(times)}")


class _ByDimensions(LedgerQuery):
    by: list[str] = Field(default_factory=list, description="Up to three dimensions.")

    @field_validator("by", mode="before")
    @classmethod
    def _by(cls, v):
        return _split(v)


class MeasureSpec(_ByDimensions):
    """Count events or distinct people, by up to three dimensions, with shares, changes and rates."""

    count: str = Field(description=f"What is counted: {listing(catalog.subjects())}.")
    unit: Literal["events", "people"] = Field("events",
        description="events, or distinct people (within one identifier namespace only).")
    share: bool = Field(False, description="Add each row's share of its group (the rows that share all but the last dimension).")
    compare: Literal["year_earlier", "before_after"] | None = Field(None,
        description="year_earlier: change against the same period a year earlier; before_after: per-day rate before and after compare_date.")
    compare_date: dt.date | None = Field(None, description="The date splitting before from after (it starts 'after').")
    rate: bool = Field(False, description="Add rates per 100,000 residents where a resident population is known.")
    policy: str | None = Field(None, description="Policy id (policies registry) for the policy_period dimension.")

    @model_validator(mode="after")
    def _check(self):
        catalog.subject(self.count)
        _check_dims(self.count, self.by)
        for k in self.where:
            catalog.dimension(k, self.count)
        if "policy_period" in self.by or "policy_period" in self.where:
            if not self.policy:
                raise ValueError("policy_period needs policy: the id of a policy in the policies registry")
        if self.compare == "before_after":
            if not (self.compare_date and self.date_from and self.date_to):
                raise ValueError("before_after needs compare_date, date_from and date_to, so both periods have known lengths")
            if not self.date_from < self.compare_date <= self.date_to:
                raise ValueError(f"compare_date {self.compare_date} must fall after date_from and on or before date_to")
            if len(self.by) >= MAX_DIMENSIONS:
                raise ValueError("before_after adds a 'period' dimension: use at most two others")
        if self.compare == "year_earlier" and self.by and not any(d in catalog.TIME_DIMENSIONS for d in self.by) \
                and not (self.date_from and self.date_to):
            raise ValueError("year_earlier needs a time dimension in by, or date_from and date_to")
        return self


class FunnelSpec(_ByDimensions):
    """The detainer funnel: lodged → lift reason → ICE custody within N days → removal."""

    by: list[str] = Field(default_factory=list, description="Up to three dimensions of detainers (facility, county, aor_code, month...).")
    within_days: int = Field(30, ge=0, le=3650, description="Days after the detainer was prepared within which an ICE arrest or book-in counts as custody.")

    @model_validator(mode="after")
    def _check(self):
        _check_dims("detainers", self.by)
        for k in self.where:
            catalog.dimension(k, "detainers")
        return self


class PopulationSpec(_ByDimensions):
    """Detention population (average daily population) and length of stay over a window."""

    by: list[str] = Field(default_factory=list, description="Up to three dimensions of detention stints (month, facility, aor_code...).")

    @model_validator(mode="after")
    def _check(self):
        if not (self.date_from and self.date_to):
            raise ValueError("a detention population needs date_from and date_to")
        _check_dims("book_ins", self.by)
        for k in self.where:
            catalog.dimension(k, "book_ins")
        return self


class WindowSpec(_ByDimensions):
    """Counts in a window of at most seven days against the same weekdays in the weeks before."""

    count: str = Field("arrests", description="What is counted.")
    by: list[str] = Field(default_factory=lambda: ["aor_code"], description="Up to two dimensions (default aor_code).")
    weeks: int = Field(4, ge=1, le=52, description="Number of earlier weeks in the baseline.")
    operation: str | None = Field(None, description="An operation slug (operations registry) giving the window and the areas.")

    @model_validator(mode="after")
    def _check(self):
        catalog.subject(self.count)
        _check_dims(self.count, self.by)
        if len(self.by) > 2:
            raise ValueError("an operation window takes at most two dimensions")
        if any(d in catalog.TIME_DIMENSIONS for d in self.by):
            raise ValueError("the window is the time axis: drop time dimensions from by")
        for k in self.where:
            catalog.dimension(k, self.count)
        if self.date_from and self.date_to and (self.date_to - self.date_from).days >= 7:
            raise ValueError("the window must be at most seven days long, so that earlier weeks give the same weekdays")
        if not self.operation and not (self.date_from and self.date_to):
            raise ValueError("give the window (date_from and date_to) or an operation slug")
        return self
