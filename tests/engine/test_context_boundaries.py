"""The bounded contexts meet only through their ports.

A module of one context (``openets/<context>/``) may import another context only through that
context's port module (``openets/<other>/port.py``), never its services, state, handlers or
models; shared kernels (``openets.domain``, and ``openets.market``, the typed state the
contexts' functions are written against) are not contexts. Every import counts: at module
level, inside functions and under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import openets

CONTEXTS = ("registry", "trading", "clearing", "compliance", "supervision", "identity")
"""The bounded contexts of docs/design.md's layers (``domain`` is the kernel they share)."""

ALLOWED: dict[tuple[str, str], str] = {}
"""Deliberate exceptions, (importing module, imported module) -> the reason. None today."""

ROOT = Path(openets.__file__).parent


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(tree: ast.AST, module: str, is_package: bool) -> list[tuple[int, str]]:
    """(line, full module name) of every import in ``tree``; ``from pkg import name`` counts as
    ``pkg.name`` (a submodule or a name of ``pkg``: either reaches into ``pkg``)."""
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                pkg = module.split(".") if is_package else module.split(".")[:-1]
                pkg = pkg[: len(pkg) - (node.level - 1)]
                base = ".".join(pkg + ([base] if base else []))
            out += [(node.lineno, f"{base}.{a.name}") for a in node.names]
    return out


def crossings(source: str, module: str, is_package: bool = False) -> list[str]:
    """The imports of ``module`` (its ``source``) that reach into another context other than
    through its port, as ``"module:line imports target"``."""
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != "openets" or parts[1] not in CONTEXTS:
        return []
    own = parts[1]
    bad = []
    for line, target in sorted(_imported(ast.parse(source), module, is_package)):
        t = target.split(".")
        if len(t) < 2 or t[0] != "openets" or t[1] not in CONTEXTS or t[1] == own:
            continue
        if len(t) > 2 and t[2] == "port":
            continue
        if (module, ".".join(t[:3])) in ALLOWED:
            continue
        bad.append(f"{module}:{line} imports {target}")
    return bad


def context_modules() -> list[Path]:
    return sorted(p for c in CONTEXTS for p in (ROOT / c).rglob("*.py"))


def test_a_context_imports_another_only_through_its_port() -> None:
    found = [
        x
        for p in context_modules()
        for x in crossings(p.read_text(encoding="utf-8"), _module_name(p), p.stem == "__init__")
    ]
    assert found == [], "imports of another context's internals:\n" + "\n".join(found)


def test_the_boundary_check_sees_every_kind_of_import_of_another_contexts_internals() -> None:
    src = (
        "from typing import TYPE_CHECKING\n"
        "from openets.registry.handlers import move\n"
        "from openets.registry import handlers as reg\n"
        "import openets.clearing.funds\n"
        "if TYPE_CHECKING:\n"
        "    from openets.supervision.state import SupervisionState\n"
        "def f():\n"
        "    from openets.registry.validate import check_product\n"
        "from openets.registry import port\n"
        "from openets.registry.port import Bucket\n"
        "from openets.domain.rejection import Rejection\n"
        "from openets.trading.book import Side\n"
        "from .book import Side as S\n"
        "from openets import clearing\n"
    )
    found = crossings(src, "openets.trading.service")
    assert [x.split(" imports ")[1] for x in found] == [
        "openets.registry.handlers.move",
        "openets.registry.handlers",
        "openets.clearing.funds",
        "openets.supervision.state.SupervisionState",
        "openets.registry.validate.check_product",
        "openets.clearing",
    ]


def test_every_context_another_context_imports_has_a_port_module() -> None:
    used = {
        t.split(".")[1]
        for p in context_modules()
        for _, t in _imported(
            ast.parse(p.read_text(encoding="utf-8")), _module_name(p), p.stem == "__init__"
        )
        if t.split(".")[0] == "openets"
        and t.split(".")[1] in CONTEXTS
        and t.split(".")[1] != _module_name(p).split(".")[1]
    }
    assert used, "no context uses another: the scan found nothing to check"
    missing = sorted(c for c in used if not (ROOT / c / "port.py").is_file())
    assert missing == [], f"contexts used by others without a port module: {missing}"
