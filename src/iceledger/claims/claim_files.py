"""Reading claim files: YAML with line numbers kept, each claim validated, and every problem reported
with the file, the line, the claim id and the field, plus what to do about it."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from iceledger.claims.model import Claim, ClaimFile
from iceledger.errors import IceledgerError, InputError, Location, NotFoundError
from iceledger.settings import PROJECT_DIR

SEED_DIR = Path(__file__).resolve().parent / "seed"
DOCS = "see docs/claims.md for how to write a claim"


def seed_paths() -> list[Path]:
    """The claim files shipped with iceledger (claims/seed-*.yaml, also installed as package data)."""
    return sorted(SEED_DIR.glob("*.yaml"))


def display_name(path: Path) -> str:
    p = Path(path)
    for base in (Path.cwd(), PROJECT_DIR):
        try:
            return str(p.resolve().relative_to(base.resolve()))
        except ValueError:
            continue
    return str(p)


@dataclass(frozen=True)
class LoadedClaim:
    """A validated claim and where it was written (file, and the line of each field)."""

    claim: Claim
    file: str
    lines: dict[tuple, int]

    def line(self, *path) -> int | None:
        """The line of the deepest written field on ``path`` (the claim's own line at worst)."""
        for n in range(len(path), -1, -1):
            if tuple(path[:n]) in self.lines:
                return self.lines[tuple(path[:n])]
        return None

    def error(self, code: str, message: str, fix: str, *path) -> InputError:
        return InputError(code, f"claim {self.claim.id}: {'.'.join(map(str, path)) + ': ' if path else ''}{message}",
                          fix=fix, location=Location(file=self.file, row=self.line(*path), column=".".join(map(str, path)) or None))


def _line_map(node, path: tuple, out: dict, name: str) -> None:
    """Line (1-based) of every mapping key and sequence item under ``node``; duplicate keys are refused."""
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for k, v in node.value:
            key = k.value
            if key in seen:
                raise InputError("duplicate_key", f"key {key!r} is written twice in the same block", fix="keep one of them",
                                 location=Location(file=name, row=k.start_mark.line + 1, column=".".join(map(str, path + (key,)))))
            seen.add(key)
            _line_map(v, path + (key,), out, name)
            out[path + (key,)] = k.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_map(item, path + (i,), out, name)


def read_yaml(path: Path, name: str) -> tuple[object, dict]:
    if not path.exists():
        raise NotFoundError("claims_file_missing", f"there is no claims file {name}",
                            fix="give the path of a claims YAML file, or no path for the bundled seed claims")
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError("bad_yaml", f"not valid YAML: {getattr(exc, 'problem', None) or exc}",
                         fix="fix the YAML syntax at that line (indentation, a missing colon, an unclosed quote)",
                         location=Location(file=name, row=mark.line + 1 if mark else None)) from None
    lines: dict = {}
    if node is not None:
        _line_map(node, (), lines, name)
    return data, lines


def _written_path(loc: tuple, data) -> tuple:
    """The part of a pydantic error location that names fields as written (dropping the type tags pydantic
    adds for unions); a missing or unknown field's name is kept as the last part."""
    out, here = [], data
    for part in loc:
        if isinstance(here, dict):
            out.append(part)
            if part not in here:
                break
            here = here[part]
        elif isinstance(here, list) and isinstance(part, int) and part < len(here):
            out.append(part)
            here = here[part]
        else:
            break
    return tuple(out)


def _first_error(exc: ValidationError, data) -> tuple[tuple, str, int]:
    """The error to show first (an unknown field before the missing one it probably misspells), its
    location as written, its message, and how many more there are."""
    errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
    first = errors[0]
    loc = _written_path(tuple(first["loc"]), data)
    msg = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        missing = [e["loc"][-1] for e in errors if e["type"] == "missing" and tuple(e["loc"][:-1]) == tuple(first["loc"][:-1])]
        close = difflib.get_close_matches(str(first["loc"][-1]), [str(m) for m in missing], n=1)
        msg = "is not a claim field" + (f" (did you mean {close[0]!r}?)" if close else "")
    elif first["type"] == "missing":
        msg = "is required"
    return loc, msg, len(errors) - 1


def load_claim_file(path: str | Path) -> list[LoadedClaim]:
    """Every claim of one file, validated; the first problem found is raised with its location."""
    path = Path(path)
    name = display_name(path)
    data, lines = read_yaml(path, name)
    if not isinstance(data, dict) or "claims" not in data:
        raise InputError("bad_claims_file", "a claims file is a mapping with a `claims:` list",
                         fix=f"start the file with `claims:` and list claims under it; {DOCS}", location=Location(file=name, row=1))
    try:
        ClaimFile.model_validate(data)
    except ValidationError as exc:
        loc, msg, _ = _first_error(exc, data)
        raise InputError("bad_claims_file", f"{'.'.join(map(str, loc))}: {msg}", fix=DOCS,
                         location=Location(file=name, row=lines.get(loc[:1]), column=".".join(map(str, loc)) or None)) from None
    out, seen = [], {}
    for i, raw in enumerate(data["claims"]):
        where = {k[2:]: v for k, v in lines.items() if k[:2] == ("claims", i)}
        if not isinstance(raw, dict):
            raise InputError("bad_claim", f"claim #{i + 1} is not a mapping of fields", fix=DOCS,
                             location=Location(file=name, row=where.get(())))
        cid = raw.get("id") if isinstance(raw.get("id"), str) else f"#{i + 1}"
        placeholder = LoadedClaim(Claim.model_construct(id=cid), name, where)
        try:
            claim = Claim.model_validate(raw)
        except ValidationError as exc:
            loc, msg, more = _first_error(exc, raw)
            extra = f" ({more} more problem{'s' if more > 1 else ''} in this claim)" if more else ""
            raise placeholder.error("bad_claim", msg + extra, DOCS, *loc) from None
        except IceledgerError as exc:  # raised by a measure spec's own checks (unknown subject, dimension...)
            raise placeholder.error("bad_claim", exc.message, exc.fix or DOCS, "measure", "records") from None
        if claim.id in seen:
            raise placeholder.error("duplicate_claim_id", f"the id is used twice (first at line {seen[claim.id]})",
                                    "give each claim its own id", "id")
        seen[claim.id] = where.get(())
        out.append(LoadedClaim(claim, name, where))
    return out


def load_claims(paths: list[str | Path] | None = None) -> list[LoadedClaim]:
    """Claims from ``paths`` (default: the seed claims), ids unique across all of them."""
    files = [Path(p) for p in paths] if paths else seed_paths()
    if not files:
        raise NotFoundError("no_claims", "no claim files were given and no seed claims are installed",
                            fix="give the path of a claims YAML file")
    out: list[LoadedClaim] = []
    first: dict[str, LoadedClaim] = {}
    for f in files:
        for lc in load_claim_file(f):
            if lc.claim.id in first:
                prev = first[lc.claim.id]
                raise lc.error("duplicate_claim_id", f"the id is also used in {prev.file} (line {prev.line()})",
                               "give each claim its own id", "id")
            first[lc.claim.id] = lc
            out.append(lc)
    return out
