"""Errors as data: every error code raised in src/ is declared in src/iceledger/error_codes.yaml, and
every declared code is raised somewhere or marked reserved.

Codes are found with ``ast``: the first argument (or ``code=``) of an ``IceledgerError`` or any of its
subclasses; the code a helper forwards to one (``_error(code, ...)``, ``sheet.fail(code, ...)``);
the ``"code"`` of an error body written as a dict (the API's own answers); string constants assigned
to a variable (or looped over) that is then raised as the code. An f-string code (``f"unknown_{option}"``) is a
pattern that must match declared codes.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import iceledger
from iceledger.errors import error_catalogue

SRC = Path(iceledger.__file__).resolve().parent
BASE_ERRORS = {"IceledgerError", "InputError", "ReleaseError", "BuildError", "NotFoundError"}
LOGGERS = {"log", "logger", "logging"}  # log.error("...") is not a code forwarded to an error


def _trees() -> dict[Path, ast.Module]:
    return {p: ast.parse(p.read_text(), str(p)) for p in sorted(SRC.rglob("*.py")) if p.relative_to(SRC).parts[0] != "data"}


def _name(func: ast.expr) -> str | None:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _error_classes(trees) -> set[str]:
    names = set(BASE_ERRORS)
    grew = True
    while grew:
        grew = False
        for tree in trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in names and any(_name(b) in names for b in node.bases):
                    names.add(node.name)
                    grew = True
    return names


def _code_of_call(call: ast.Call) -> ast.expr | None:
    for k in call.keywords:
        if k.arg == "code":
            return k.value
    return call.args[0] if call.args else None


def _code_of_dict(node: ast.Dict) -> ast.expr | None:
    keys = [k.value if isinstance(k, ast.Constant) else None for k in node.keys]
    return node.values[keys.index("code")] if "code" in keys and "fix" in keys else None


def _functions(tree):
    return [f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)]


def _sites(fn, classes):
    """(node, code expression) for every error built in ``fn``: a constructor call or an error dict."""
    for node in ast.walk(fn):
        if isinstance(node, ast.Call) and _name(node.func) in classes:
            yield node, _code_of_call(node)
        elif isinstance(node, ast.Dict) and (code := _code_of_dict(node)) is not None:
            yield node, code


def _params(fn) -> list[str]:
    names = [a.arg for a in fn.args.args]
    return names[1:] if names and names[0] in ("self", "cls") else names


def raised_codes() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """({code: [file:line]}, {f-string pattern: [file:line]}) for every error code src/ raises."""
    trees = _trees()
    classes = _error_classes(trees)
    # helpers that pass one of their parameters on as the code: per module for functions, anywhere for methods
    forward_fn: dict[tuple[Path, str], int] = {}
    forward_method: dict[str, int] = {}
    for path, tree in trees.items():
        for fn in _functions(tree):
            params = _params(fn)
            for _, code in _sites(fn, classes):
                if isinstance(code, ast.Name) and code.id in params:
                    is_method = bool(fn.args.args) and fn.args.args[0].arg in ("self", "cls")
                    if is_method:
                        forward_method[fn.name] = params.index(code.id)
                    else:
                        forward_fn[(path, fn.name)] = params.index(code.id)
    codes: dict[str, list[str]] = {}
    patterns: dict[str, list[str]] = {}

    def record(expr, where: str, scope) -> None:
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            codes.setdefault(expr.value, []).append(where)
        elif isinstance(expr, ast.IfExp):
            record(expr.body, where, scope)
            record(expr.orelse, where, scope)
        elif isinstance(expr, ast.JoinedStr):
            pattern = "".join(re.escape(v.value) if isinstance(v, ast.Constant) else "[a-z0-9_]+" for v in expr.values)
            patterns.setdefault(pattern, []).append(where)
        elif isinstance(expr, ast.Name) and scope is not None and expr.id not in _params(scope):
            for node in ast.walk(scope):  # code = "a" if ... else "b"; raise Error(code, ...)
                if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == expr.id for t in node.targets):
                    record(node.value, where, None)
                elif isinstance(node, ast.For) and isinstance(node.iter, ast.Tuple | ast.List):  # for ..., code in ((..., "a"), ...)
                    names = [t.id if isinstance(t, ast.Name) else None for t in getattr(node.target, "elts", [node.target])]
                    if expr.id in names:
                        i = names.index(expr.id)
                        for item in node.iter.elts:
                            record(item.elts[i] if isinstance(node.target, ast.Tuple) and isinstance(item, ast.Tuple) else item,
                                   where, None)

    for path, tree in trees.items():
        rel = path.relative_to(SRC.parent)
        scopes = {id(n): fn for fn in _functions(tree) for n in ast.walk(fn)}  # innermost wins (walk order: outer first)
        for node in ast.walk(tree):
            where = f"{rel}:{getattr(node, 'lineno', 0)}"
            scope = scopes.get(id(node))
            if isinstance(node, ast.Call):
                name = _name(node.func)
                if name in classes:
                    record(_code_of_call(node), where, scope)
                elif isinstance(node.func, ast.Name) and (path, name) in forward_fn:
                    i = forward_fn[(path, name)]
                    record(node.args[i] if len(node.args) > i else None, where, scope)
                elif isinstance(node.func, ast.Attribute) and name in forward_method and _name(node.func.value) not in LOGGERS:
                    i = forward_method[name]
                    record(node.args[i] if len(node.args) > i else None, where, scope)
            elif isinstance(node, ast.Dict) and (code := _code_of_dict(node)) is not None:
                record(code, where, scope)
    return codes, patterns


def test_every_raised_code_is_declared():
    declared = error_catalogue()
    codes, patterns = raised_codes()
    assert len(codes) > 100  # the scan finds them (a broken scan would pass vacuously)
    missing = {c: w[0] for c, w in codes.items() if c not in declared}
    assert missing == {}, "codes raised but not declared in src/iceledger/error_codes.yaml: " + \
        ", ".join(f"{c} ({w})" for c, w in sorted(missing.items()))
    for pattern, where in patterns.items():
        assert any(re.fullmatch(pattern, c) for c in declared), f"no declared code matches {pattern!r} ({where[0]})"


def test_every_declared_code_is_raised_or_reserved():
    codes, patterns = raised_codes()
    unused = [c for c, e in error_catalogue().items()
              if not e.reserved and c not in codes and not any(re.fullmatch(p, c) for p in patterns)]
    assert unused == [], f"declared but never raised (raise them, remove them or mark them reserved): {unused}"


def test_reserved_codes_say_why():
    for code, e in error_catalogue().items():
        assert e.meaning and e.fix, code
        assert not e.reserved or e.reserved.strip(), code
