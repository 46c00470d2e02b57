"""Every message shape of openets, read from its source: the engine's rejections, the API's and
the pages' own errors, the validation messages, and the text of an exception one of them passes
through as it is (``str(exc)``, ``exc.message``, ``f"…{exc}"``): the raises of that exception's
class and of its subclasses, or, for a built-in class such as ``ValueError``, the raises the
``try`` reaches. ``{}`` stands for each value a message carries; the tests of
``test_web_error_details`` check each shape has its Chinese form."""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openets

_BUILTIN = {
    n for n, v in vars(builtins).items() if isinstance(v, type) and issubclass(v, BaseException)
}
"""Python's own exceptions: their raises are looked for only where the ``try`` reaches."""
Shape = list[str | None]


class _Source:
    def __init__(self, root: Path) -> None:
        self.mods: dict[Path, ast.Module] = {}
        self.par: dict[ast.AST, ast.AST] = {}
        self.defs: dict[str, list[Any]] = {}
        self.calls: dict[str, list[ast.Call]] = {}
        self.bases: dict[str, set[str]] = {}  # a class -> the names of its bases
        self.texts: dict[str, list[ast.expr]] = {}  # a module's NAME = "text" constants
        self.aliases: dict[str, str] = {}  # from m import name as alias: alias -> name
        self.unresolved: list[str] = []  # passed-through exceptions whose texts were not found
        self.file_of: dict[ast.AST, str] = {}
        self.inits: dict[str, ast.FunctionDef] = {}  # a class -> its own __init__
        for p in sorted(root.rglob("*.py")):
            tree = self.mods[p] = ast.parse(p.read_text(encoding="utf-8"))
            for st in tree.body:
                if (
                    isinstance(st, ast.Assign)
                    and len(st.targets) == 1
                    and isinstance(st.targets[0], ast.Name)
                    and st.targets[0].id.isupper()
                    and _is_text(st.value)
                ):
                    self.texts.setdefault(st.targets[0].id, []).append(st.value)
            for n in ast.walk(tree):
                for c in ast.iter_child_nodes(n):
                    self.par[c] = n
                if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef):
                    self.defs.setdefault(n.name, []).append(n)
                    self.file_of[n] = p.name
                if isinstance(n, ast.Call) and (name := _called(n)):
                    self.calls.setdefault(name, []).append(n)
                self._classes_and_aliases(n)

    def _classes_and_aliases(self, n: ast.AST) -> None:
        if isinstance(n, ast.ClassDef):
            self.bases.setdefault(n.name, set()).update(
                b.id for b in n.bases if isinstance(b, ast.Name)
            )
            for d in n.body:
                if isinstance(d, ast.FunctionDef) and d.name == "__init__":
                    self.inits[n.name] = d
        if isinstance(n, ast.ImportFrom):
            for a in n.names:
                if a.asname:
                    self.aliases[a.asname] = a.name

    def fn_of(self, node: ast.AST) -> Any:
        while node in self.par:
            node = self.par[node]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                return node
        return None

    def shapes(self, e: ast.AST, depth: int = 0) -> list[Shape]:
        if depth > 8:
            return [[None]]
        if isinstance(e, ast.Constant) and isinstance(e.value, str):
            return [[e.value]]
        if isinstance(e, ast.JoinedStr):
            return _joined(e, lambda name, v: self.name(name, v, depth) or [[None]])
        if isinstance(e, ast.BinOp) and isinstance(e.op, ast.Add) and any(
            isinstance(x, ast.JoinedStr) or _is_text(x) for x in (e.left, e.right)
        ):
            lefts, rights = self.shapes(e.left, depth + 1), self.shapes(e.right, depth + 1)
            return [a + b for a in lefts for b in rights]
        if isinstance(e, ast.IfExp):  # a branch of None is no message
            branches = [b for b in (e.body, e.orelse) if not _is_none(b)]
            return [s for b in branches for s in self.shapes(b, depth + 1)]
        if isinstance(e, ast.Name):
            return self.name(e.id, e, depth) or [[None]]
        if isinstance(e, ast.Attribute):
            return self.attribute(e, depth) or [[None]]
        if isinstance(e, ast.Call):
            if isinstance(e.func, ast.Name) and e.func.id == "str" and len(e.args) == 1:
                return self.shapes(e.args[0], depth + 1)
            return self.returns(e, depth) or [[None]]
        return [[None]]

    def name(self, name: str, at: ast.AST, depth: int) -> list[Shape] | None:  # noqa: C901
        fn = self.fn_of(at)
        if fn is None:
            return None if isinstance(at, ast.FormattedValue) else self.constant(name, depth)
        best: ast.Assign | None = None
        line = getattr(at, "lineno", 0)
        for n in ast.walk(fn):
            if (
                isinstance(n, ast.Assign)
                and n.lineno < line
                and any(isinstance(t, ast.Name) and t.id == name for t in n.targets)
                and (best is None or n.lineno > best.lineno)
            ):
                best = n
        if best is not None:
            v = best.value
            if isinstance(v, ast.Call):
                return self.returns(v, depth)
            if isinstance(v, ast.Constant | ast.JoinedStr | ast.IfExp | ast.BinOp | ast.Name):
                return self.shapes(v, depth + 1)
            return None
        handler = self.handler_of(name, at)
        if handler is not None:
            return self.raised(handler, depth)
        params = [a.arg for a in fn.args.posonlyargs + fn.args.args]
        if name not in params + [a.arg for a in fn.args.kwonlyargs]:
            return None if isinstance(at, ast.FormattedValue) else self.constant(name, depth)
        handled = self.handled_by(fn)
        if handled:  # the exception of an exception handler the app registers
            return self.raised_of(handled, None, depth, f"{self.file_of[fn]}: {fn.name}({name})")
        whole = not isinstance(at, ast.FormattedValue)
        out: list[Shape] = []
        for call in self.calls.get(fn.name, []):
            arg = next((k.value for k in call.keywords if k.arg == name), None)
            if arg is None and name in params:
                i = params.index(name) - (1 if params[0] in ("self", "cls") else 0)
                if 0 <= i < len(call.args) and not any(
                    isinstance(a, ast.Starred) for a in call.args
                ):
                    arg = call.args[i]
            if arg is None:
                continue
            if not whole and not (_is_text(arg) and arg.value):  # type: ignore[attr-defined]
                return None
            out.extend(self.shapes(arg, depth + 1))
        return out or None

    def returns(self, call: ast.Call, depth: int) -> list[Shape] | None:
        out: list[Shape] = []
        for d in self.defs.get(_called(call) or "", []):
            if d.returns is None or ast.unparse(d.returns) != "str | None":
                continue
            for n in ast.walk(d):
                if (
                    isinstance(n, ast.Return)
                    and n.value is not None
                    and self.fn_of(n) is d
                    and not (isinstance(n.value, ast.Constant) and n.value.value is None)
                ):
                    out.extend(self.shapes(n.value, depth + 1))
        return out or None

    def attribute(self, e: ast.Attribute, depth: int) -> list[Shape] | None:
        """``exc.message`` of ``except T as exc``: the message T is made with."""
        if e.attr != "message" or not isinstance(e.value, ast.Name):
            return None
        handler = self.handler_of(e.value.id, e)
        return self.raised(handler, depth) if handler else None

    def constant(self, name: str, depth: int) -> list[Shape] | None:
        """A module's text constant (``STOPPED = "…"``), where a message is one."""
        found = self.texts.get(name, [])
        return [sh for v in found for sh in self.shapes(v, depth + 1)] or None

    def handler_of(self, name: str, at: ast.AST) -> ast.ExceptHandler | None:
        fn = self.fn_of(at)
        for n in ast.walk(fn) if fn is not None else ():
            if isinstance(n, ast.ExceptHandler) and n.name == name and n.type is not None:
                return n
        return None

    def handled_by(self, fn: Any) -> list[str]:
        """The exception classes ``fn`` is registered for (``add_exception_handler(T, fn)``)."""
        return [
            c.args[0].id
            for c in self.calls.get("add_exception_handler", [])
            if len(c.args) == 2
            and isinstance(c.args[0], ast.Name)
            and isinstance(c.args[1], ast.Name)
            and c.args[1].id == fn.name
        ]

    def raised(self, handler: ast.ExceptHandler, depth: int) -> list[Shape] | None:
        """The messages of the exceptions ``except T as exc`` catches."""
        assert handler.type is not None
        types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        names = [t.id for t in types if isinstance(t, ast.Name)]
        fn = self.fn_of(handler)
        where = (
            f"{self.file_of.get(fn, '')}:{handler.lineno}: except {ast.unparse(handler.type)}"
        )
        if len(names) < len(types):
            self.unresolved.append(where)
            return None
        return self.raised_of(names, handler, depth, where)

    def raised_of(
        self, names: list[str], handler: ast.ExceptHandler | None, depth: int, where: str
    ) -> list[Shape] | None:
        out: list[Shape] = []
        for name in names:
            classes = self.subclasses(name)
            if name in _BUILTIN:  # only what the try reaches: ValueError is raised everywhere
                calls = self.reached(self.par.get(handler) if handler else None, classes)
            else:  # each exception of the class made, raised or handed on
                calls = [c for k in classes for c in self.calls.get(k, [])]
            for call in calls:
                out.extend(self.made_with(call, depth))
        if not out:
            self.unresolved.append(where)
        return out or None

    def made_with(self, call: ast.Call, depth: int) -> list[Shape]:
        """The message of the exception ``call`` makes: its first argument, or what its class's
        ``__init__`` hands ``super().__init__``, each of its parameters the call's argument."""
        init = self.inits.get(_called(call) or "")
        message: ast.expr | None = call.args[0] if call.args else None
        if init is None:
            return self.shapes(message, depth + 1) if message is not None else []
        sup = next(
            (
                n
                for n in ast.walk(init)
                if isinstance(n, ast.Call)
                and isinstance(n.func, ast.Attribute)
                and n.func.attr == "__init__"
                and n.args
            ),
            None,
        )
        if sup is None:
            return []
        params = [a.arg for a in init.args.args[1:]]
        given = {p: a for p, a in zip(params, call.args, strict=False)}
        given.update({k.arg: k.value for k in call.keywords if k.arg})
        return self.bound(sup.args[0], given, depth)

    def bound(self, e: ast.expr, given: dict[str, ast.expr], depth: int) -> list[Shape]:
        if isinstance(e, ast.Name) and e.id in given:
            return self.shapes(given[e.id], depth + 1)
        if not isinstance(e, ast.JoinedStr):
            return self.shapes(e, depth + 1)

        def given_text(name: str, _: ast.FormattedValue) -> list[Shape]:
            arg = given.get(name)
            if isinstance(arg, ast.Constant | ast.JoinedStr):
                return self.shapes(arg, depth + 1)
            return [[None]]

        return _joined(e, given_text)

    def subclasses(self, name: str) -> set[str]:
        found, grew = {name}, True
        while grew:
            more = {k for k, bases in self.bases.items() if bases & found} - found
            found |= more
            grew = bool(more)
        return found

    def reached(self, node: ast.AST | None, classes: set[str], hops: int = 1) -> list[ast.Call]:
        """The raises of ``classes`` in a ``try``'s body and the functions it calls."""
        if not isinstance(node, ast.Try):
            return []
        out: list[ast.Call] = []
        seen: set[int] = set()
        todo: list[tuple[ast.AST, int]] = [(st, 0) for st in node.body]
        while todo:
            at, hop = todo.pop()
            for n in ast.walk(at):
                exc = n.exc if isinstance(n, ast.Raise) else None
                if isinstance(exc, ast.Call) and _called(exc) in classes:
                    out.append(exc)
                if isinstance(n, ast.Call) and hop < hops and (name := _called(n)):
                    for d in self.defs.get(self.aliases.get(name, name), []):
                        if id(d) not in seen:
                            seen.add(id(d))
                            todo.append((d, hop + 1))
        return out


def _is_none(e: ast.AST) -> bool:
    return isinstance(e, ast.Constant) and e.value is None


def _is_text(e: ast.AST) -> bool:
    return isinstance(e, ast.Constant) and isinstance(e.value, str)


def _called(call: ast.Call) -> str | None:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def refusal_shapes(unresolved: list[str] | None = None) -> dict[str, str]:
    """Every message shape of a ``Rejection(...)`` (or ``reject(...)``) in openets, with where
    one is written; a message passed through as it is (an exception's own text) is each text
    that exception is made with. ``unresolved``: where a passed-through exception's texts were
    not found (its class is made nowhere, or the ``try`` reaches no raise of it)."""
    src = _Source(Path(openets.__file__).parent)
    found: dict[str, str] = {}
    for path, tree in src.mods.items():
        for n in ast.walk(tree):
            if not isinstance(n, ast.Call) or _called(n) not in ("Rejection", "reject"):
                continue
            fn = src.fn_of(n)
            if len(n.args) < 2 or (fn is not None and fn.name == "reject"):
                continue
            for sh in src.shapes(n.args[1]):
                text = "".join(
                    "{}" if p is None else p.replace("{", "{{").replace("}", "}}") for p in sh
                )
                if text != "{}":
                    found.setdefault(text, f"{path.name}:{n.lineno}")
    if unresolved is not None:
        unresolved.extend(src.unresolved)
    return found


def _text(sh: Shape) -> str:
    return "".join("{}" if p is None else p.replace("{", "{{").replace("}", "}}") for p in sh)


_API_MESSAGE_ARG = {"ApiError": 1, "error_response": 1, "error_body": 1, "Refused": 2}
"""The API's ways of answering an error, and which argument is the message."""


def api_error_shapes(unresolved: list[str] | None = None) -> dict[str, str]:
    """Every message shape of an error the API or the pages answer themselves (``ApiError``, an
    error response or body, a refusal of the request guard), an exception's text they pass
    through included (the engine stopped, a ``ValueError`` of a report); the engine's
    rejections passed through as they are are walked by :func:`refusal_shapes`."""
    root = Path(openets.__file__).parent
    src = _Source(root)
    found: dict[str, str] = {}
    for path, tree in src.mods.items():
        if path.relative_to(root).parts[0] not in ("api", "web"):
            continue
        for n in ast.walk(tree):
            at = _API_MESSAGE_ARG.get(_called(n) or "") if isinstance(n, ast.Call) else None
            if at is not None and len(n.args) > at:  # type: ignore[attr-defined]
                for sh in src.shapes(n.args[at]):  # type: ignore[attr-defined]
                    if (text := _text(sh)) != "{}":
                        found.setdefault(text, f"{path.name}:{n.lineno}")
    if unresolved is not None:
        unresolved.extend(src.unresolved)
    return found


_CTX_SLOT = re.compile(r"\{(\w+)\}")


def validation_shapes() -> dict[str, str]:
    """Every message shape :func:`openets.api.errors.validation_error` can answer: its own texts,
    each of the API's validators (``PydanticCustomError``: the field in front, or none), each of
    pydantic's own messages (``field: message, was value``)."""
    from openets.api import errors as api_errors

    src = _Source(Path(openets.__file__).parent)
    found: dict[str, str] = {}
    for n in ast.walk(src.mods[Path(api_errors.__file__)]):
        fn = src.fn_of(n)
        if (
            isinstance(n, ast.Return)
            and isinstance(n.value, ast.Tuple)
            and fn is not None
            and fn.name == "validation_error"
        ):
            for sh in src.shapes(n.value.elts[1]):
                found.setdefault(_text(sh), f"errors.py:{n.lineno}")
    for path, tree in src.mods.items():
        for n in ast.walk(tree):
            if isinstance(n, ast.Call) and _called(n) == "PydanticCustomError":
                for text in _custom_error_shapes(src, n):
                    found.setdefault("{} " + text, f"{path.name}:{n.lineno}")
                    found.setdefault(text, f"{path.name}:{n.lineno}")
    return {**found, **_pydantic_shapes()}


def _custom_error_shapes(src: _Source, n: ast.Call) -> list[str]:
    """A validator's message templates, each ``{name}`` the shapes of its context's value."""
    ctx = n.args[2] if len(n.args) > 2 and isinstance(n.args[2], ast.Dict) else None
    values = {
        k.value: v
        for k, v in zip(ctx.keys if ctx else (), ctx.values if ctx else (), strict=True)
        if isinstance(k, ast.Constant)
    }
    found: list[str] = []
    for sh in src.shapes(n.args[1]):
        outs: list[str] = [""]
        for p in sh:
            pieces = ["", None, ""] if p is None else _CTX_SLOT.split(p)
            for i, piece in enumerate(pieces):
                if i % 2 == 0:
                    outs = [o + str(piece).replace("{", "{{").replace("}", "}}") for o in outs]
                    continue
                v = values.get(piece)
                subs = [_text(s) for s in src.shapes(v)] if v is not None else ["{}"]
                outs = [o + s for o in outs for s in subs]
        found.extend(outs)
    return found


def _pydantic_shapes() -> dict[str, str]:
    """Each of pydantic's messages (singular and plural) as ``field: message, was value``."""
    from pydantic_core._pydantic_core import list_all_errors

    found: dict[str, str] = {}
    for e in list_all_errors():
        tpl = str(e["message_template_python"])
        for plural in ("s", ""):
            text = _CTX_SLOT.sub("{}", tpl.replace("{expected_plural}", plural))
            found.setdefault("{}: " + text + ", was {}", f"pydantic:{e['type']}")
    return found


def _joined(
    e: ast.JoinedStr, named: Callable[[str, ast.FormattedValue], list[Shape]]
) -> list[Shape]:
    """The shapes of an f-string: its text parts as they are, a plain ``{name}`` as ``named``
    finds it, any other value unknown (None)."""
    outs: list[Shape] = [[]]
    for v in e.values:
        sub: list[Shape] = [[None]]
        if isinstance(v, ast.Constant):
            sub = [[v.value]]
        elif (
            isinstance(v, ast.FormattedValue)
            and isinstance(v.value, ast.Name)
            and v.conversion == -1
            and v.format_spec is None
        ):
            sub = named(v.value.id, v)
        outs = [o + s for o in outs for s in sub]
    return outs
