"""The bounded contexts meet only through their ports.

A module of one context (``openets/<context>/``) may import another context only through that
context's port module (``openets/<other>/port.py``), never its services, state, handlers or
models; shared kernels (``openets.domain``, and ``openets.market``, the typed state the
contexts' functions are written against) are not contexts. Every import counts: at module
level, inside functions and under ``TYPE_CHECKING``.

The services are typed against the whole ``MarketState``, so an import check alone would not see
one context reading (or changing) another's part of it by attribute: a context's module reaches
another context's part (``m.trading`` in clearing, ``m.registry`` in supervision) only through
that context's port, which is the one place that reads it.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import pytest
from sources import parse as parse_source

import openets

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)


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
    for line, target in sorted(_imported(parse_source(source), module, is_package)):
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
            parse_source(p.read_text(encoding="utf-8")), _module_name(p), p.stem == "__init__"
        )
        if t.split(".")[0] == "openets"
        and t.split(".")[1] in CONTEXTS
        and t.split(".")[1] != _module_name(p).split(".")[1]
    }
    assert used, "no context uses another: the scan found nothing to check"
    missing = sorted(c for c in used if not (ROOT / c / "port.py").is_file())
    assert missing == [], f"contexts used by others without a port module: {missing}"


# --- reads of another context's part of the market state


def _part_owners() -> dict[str, str]:
    """Each field of the typed ``MarketState`` that is a context's part -> that context (the
    package its type is defined in)."""
    from openets.market import MarketState

    m = MarketState()
    out: dict[str, str] = {}
    for f in dataclasses.fields(MarketState):
        where = type(getattr(m, f.name)).__module__.split(".")
        if len(where) > 1 and where[0] == "openets" and where[1] in CONTEXTS:
            out[f.name] = where[1]
    return out


PART_OWNERS = _part_owners()

READ_ALLOWED: dict[tuple[str, str], str] = {}
"""Deliberate exceptions, (module, part) -> the reason. None."""


def _is_market_type(annotation: ast.expr | None) -> bool:
    if annotation is None:
        return False
    text = annotation.value if isinstance(annotation, ast.Constant) else ast.unparse(annotation)
    return isinstance(text, str) and re.search(r"\bMarketState\b", text) is not None


class _MarketNames:
    """The names (and ``self`` attributes) of a module that hold the market state: annotated
    ``MarketState`` anywhere, assigned from one, or ``m`` (the house name for it)."""

    def __init__(self, tree: ast.AST) -> None:
        self.names = {"m"}
        self.attrs: set[str] = set()
        nodes = list(ast.walk(tree))
        for n in nodes:
            if isinstance(n, ast.arg) and _is_market_type(n.annotation):
                self.names.add(n.arg)
            elif isinstance(n, ast.AnnAssign) and _is_market_type(n.annotation):
                self._bind(n.target)
        grew = True
        while grew:  # x = m, self.m = m, a = b = m, walrus (x := m)
            before = (len(self.names), len(self.attrs))
            for n in nodes:
                if isinstance(n, ast.Assign) and self.holds(n.value):
                    for t in n.targets:
                        self._bind(t)
                elif isinstance(n, ast.NamedExpr) and self.holds(n.value):
                    self._bind(n.target)
            grew = (len(self.names), len(self.attrs)) != before

    def _bind(self, target: ast.expr) -> None:
        if isinstance(target, ast.Name):
            self.names.add(target.id)
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            self.attrs.add(target.attr)

    def holds(self, e: ast.expr) -> bool:
        """Whether ``e`` is the market state."""
        if isinstance(e, ast.NamedExpr):
            return self.holds(e.value)
        if isinstance(e, ast.Name):
            return e.id in self.names
        return (
            isinstance(e, ast.Attribute) and isinstance(e.value, ast.Name) and e.attr in self.attrs
        )


def _part_named(e: ast.expr) -> str | None:
    return e.value if isinstance(e, ast.Constant) and isinstance(e.value, str) else None


def state_reads(source: str, module: str) -> list[str]:
    """The places in ``module`` (its ``source``) that reach another context's part of the market
    state other than through that context's port: ``m.<part>``, ``getattr(m, "<part>")``, and
    routing a handler or applier to it by name (``part("<part>", ...)``, ``apply_part``), as
    ``"module:line reads part"``."""
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != "openets" or parts[1] not in CONTEXTS:
        return []
    own = parts[1]
    tree = parse_source(source)
    market = _MarketNames(tree)
    bad: list[tuple[int, str]] = []
    for n in ast.walk(tree):
        name = None
        if isinstance(n, ast.Attribute) and market.holds(n.value):
            name = n.attr
        elif isinstance(n, ast.Call) and n.args:
            fn = n.func.id if isinstance(n.func, ast.Name) else getattr(n.func, "attr", "")
            if fn == "getattr" and len(n.args) > 1 and market.holds(n.args[0]):
                name = _part_named(n.args[1])
            elif fn in ("part", "apply_part"):
                name = _part_named(n.args[0])
        if name is None or PART_OWNERS.get(name, own) == own:
            continue
        if (module, name) in READ_ALLOWED:
            continue
        bad.append((n.lineno, name))
    return [f"{module}:{line} reads {name}" for line, name in sorted(bad)]


def test_a_context_reads_another_contexts_state_only_through_its_port() -> None:
    found = [
        x
        for p in context_modules()
        for x in state_reads(p.read_text(encoding="utf-8"), _module_name(p))
    ]
    assert found == [], "reads of another context's part of the state:\n" + "\n".join(found)


def test_the_state_check_sees_every_way_of_reaching_another_contexts_part() -> None:
    src = (
        "from openets.market import MarketState, apply_part\n"
        "def f(m: MarketState, cmd, ctx):\n"
        "    a = m.trading.instruments\n"
        "    b = m.rules.trading.tick_fen\n"
        "    c = rules(m).block.sessions\n"
        "    d = cmd.trading, m.supervision, m.finance, m.clock, m.audit, m.rules\n"
        "    st = m\n"
        "    e = st.registry.holdings\n"
        "    return getattr(m, 'block'), getattr(cmd, 'funds')\n"
        "def g(market: 'MarketState') -> None:\n"
        "    market.account_requests.pending.clear()\n"
        "    (x := market).auction\n"
        "class W:\n"
        "    def __init__(self, state: MarketState | None) -> None:\n"
        "        self.state = state\n"
        "    def of(self, acct):\n"
        "        return self.state.funds.of(acct)\n"
        "h = lambda m: m.compliance\n"
        "appliers = {1: apply_part('identity', print), 2: apply_part('supervision', print)}\n"
    )
    found = state_reads(src, "openets.supervision.service")
    assert [(int(x.split(":")[1].split()[0]), x.split(" reads ")[1]) for x in found] == [
        (3, "trading"),
        (8, "registry"),
        (9, "block"),
        (11, "account_requests"),
        (12, "auction"),
        (17, "funds"),
        (18, "compliance"),
        (19, "identity"),
    ]
    assert state_reads(src, "openets.ops.eod") == []  # not a context: it may read every part


def test_the_state_check_knows_which_context_owns_each_part_of_the_market() -> None:
    assert PART_OWNERS == {
        "registry": "registry",
        "account_requests": "registry",
        "funds": "clearing",
        "trading": "trading",
        "auction": "trading",
        "block": "trading",
        "finance": "supervision",
        "supervision": "supervision",
        "compliance": "compliance",
        "identity": "identity",
    }


def test_the_engine_imports_no_context() -> None:
    """The engine sequences, journals and snapshots the typed state (``openets.market``) without
    naming a context's types: a type that keeps its data its own way writes its own snapshot
    data (``to_snapshot``/``from_snapshot``)."""
    found = [
        f"{_module_name(p)}:{line} imports {target}"
        for p in sorted((ROOT / "engine").rglob("*.py"))
        for line, target in _imported(
            parse_source(p.read_text(encoding="utf-8")), _module_name(p), p.stem == "__init__"
        )
        if target.split(".")[0] == "openets"
        and len(target.split(".")) > 1
        and target.split(".")[1] in CONTEXTS
    ]
    assert found == [], "the engine imports a context:\n" + "\n".join(found)
