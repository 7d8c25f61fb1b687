"""Every code a rejected or conflicting op can carry into the device's inbox is in
`outcome_codes()`, which the field app receives (pwa/src/shared/rules.js) and translates
(tests/pwa/inbox.test.js): the codes the op handlers and push write, found in their source."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from server.domain.sync.catalogue import OP_MODULES
from server.domain.sync.inbox import HANDLER_ERRORS, outcome_codes
from server.domain.sync.push import DATA_REFUSALS
from server.errors import OP_REFUSALS, RoundsError, error_catalogue
from server.settings import REPO_ROOT

# Never stored, so never in an inbox: the op waits for the missing seq (PROTOCOL.md "Push").
NOT_STORED = {"seq_gap"}


def _all_errors(cls: type[RoundsError]) -> Iterator[type[RoundsError]]:
    yield cls
    for sub in cls.__subclasses__():
        yield from _all_errors(sub)


ERROR_CLASSES = {cls.__name__: cls for cls in _all_errors(RoundsError)}


def source_of(module: str) -> Path | None:
    base = REPO_ROOT / module.replace(".", "/")
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def handler_modules() -> dict[str, ast.Module]:
    """The op modules and push, and every module of ours they import, transitively."""
    found: dict[str, ast.Module] = {}
    todo = [*OP_MODULES, "server.domain.sync.push"]
    while todo:
        module = todo.pop()
        path = source_of(module)
        if module in found or path is None:
            continue
        tree = found[module] = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                todo += [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            elif isinstance(node, ast.Import):
                todo += [alias.name for alias in node.names]
    return {name: tree for name, tree in found.items() if name.startswith(("server.", "sync."))}


def _name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    return call.func.attr if isinstance(call.func, ast.Attribute) else None


def written_codes(tree: ast.Module) -> set[str]:
    """Literal codes: Rejected("x", ...), code="x", record.code = "x" (also in a tuple)."""
    codes: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            first = node.args[0] if node.args else None
            if _name(node) == "Rejected" and isinstance(first, ast.Constant):
                codes.add(str(first.value))
            codes |= {
                str(k.value.value)
                for k in node.keywords
                if k.arg == "code" and isinstance(k.value, ast.Constant)
            }
        if isinstance(node, ast.Assign):
            for target in node.targets:
                pairs = (
                    zip(target.elts, node.value.elts, strict=False)
                    if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple)
                    else [(target, node.value)]
                )
                for left, right in pairs:
                    if (
                        isinstance(left, ast.Attribute)
                        and left.attr == "code"
                        and isinstance(right, ast.Constant)
                    ):
                        codes.add(str(right.value))
    return codes


def raised_errors(tree: ast.Module) -> set[str]:
    """Codes of our errors the module makes (raise NotFound(...), return Forbidden(...))."""
    return {
        ERROR_CLASSES[name].code
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and (name := _name(node)) in ERROR_CLASSES
    }


def test_every_code_the_handlers_and_push_write_is_an_outcome_code() -> None:
    modules = handler_modules()
    assert {"server.domain.work.workflow.core", "server.domain.sync.push"} <= modules.keys()
    written = set().union(*(written_codes(tree) for tree in modules.values())) - NOT_STORED
    raised = set().union(*(raised_errors(tree) for tree in modules.values()))
    refused = {code for code, _ in DATA_REFUSALS.values()}
    assert {"unknown_work_order", "server_error", "conflict", "seq_reused"} <= written
    assert sorted((written | raised | refused) - set(outcome_codes())) == []


def test_outcome_codes_are_catalogued_and_documented() -> None:
    documented = (REPO_ROOT / "docs" / "errors.md").read_text()
    for code in outcome_codes():
        assert code in OP_REFUSALS or code in error_catalogue(), code
        assert f"| `{code}` |" in documented, code
    assert {error.code for error in HANDLER_ERRORS} <= error_catalogue().keys()
    assert not OP_REFUSALS.keys() & error_catalogue().keys(), "an op-only code is not also HTTP"
