"""The JSON envelope every answer is (written by iceledger/envelope.py), as OpenAPI response schemas, so
/api/openapi.json says what comes back and not only what goes in."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class ErrorLocation(BaseModel):
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = Field(None, description="For a request: the parameter at fault.")


class ErrorBody(BaseModel):
    code: str = Field(description="One of the error codes listed in docs/errors.md, e.g. bad_parameter.")
    message: str
    fix: str = Field(description="What to do about it (for a parameter: what is allowed).")
    location: ErrorLocation


class Success(BaseModel):
    ok: Literal[True]
    data: Any = Field(description="The answer: rows, or one object (see the endpoint).")
    meta: dict[str, Any] = Field(description="The publication, the mode, whether figures are exact, paging.")


class Failure(BaseModel):
    ok: Literal[False]
    error: ErrorBody
    meta: dict[str, Any]


RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": Success, "description": "The answer in the envelope (or a CSV, Parquet or XLSX download with format=)."},
    400: {"model": Failure, "description": "A parameter or value is wrong: the message names it, the fix lists what is allowed."},
    404: {"model": Failure, "description": "Nothing of that name in this publication."},
}
