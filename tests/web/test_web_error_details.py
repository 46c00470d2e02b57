"""The refusals that keep an account's allowances or funds where they are, worded in both
languages: a registry status (restricted, frozen), a supervisory restriction from transfers, a
receiver's position limit. The messages come from the real commands; the page words them with
the account, the status or measure, and the figures, in Chinese as in English."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

from dsl import Given

import openets
from openets.clearing import funds
from openets.domain.rejection import Code, Rejection
from openets.registry import commands as rc
from openets.registry.model import AccountStatus
from openets.supervision import messages as sm
from openets.supervision.messages import Authority
from openets.trading.book import Side
from openets.trading.commands import PostListing
from openets.web import errors, i18n

CEA = "CEA19-20"


def _shown(r: Rejection) -> tuple[str, str]:
    err = {"code": r.code.value, "message": r.message, "field": r.field}
    return errors.localise("zh", err), errors.localise("en", err)


def _market(preset: str = "cn") -> tuple[Given, str, str]:
    g = Given.in_memory("2021-07-16T09:00+08:00", preset=preset)
    g.at("2021-07-16T09:30+08:00")
    return g, g.account(tonnes={CEA: 100}, fen=10**7), g.account(tonnes={CEA: 100}, fen=10**7)


def _worded_forms(shapes: dict[str, str]) -> list[tuple[str, str]]:
    """Each shape with its Chinese form; fails unless every shape has one naming each value."""
    unworded = sorted(set(shapes) - set(errors.REFUSALS_ZH))
    assert unworded == [], [(s, shapes[s]) for s in unworded]
    out = []
    for shape in shapes:
        zh = errors.REFUSALS_ZH[shape]
        n = len(errors.shape_pattern(shape)[1])
        assert sorted(set(re.findall(r"\{(\d+)\}", zh)), key=int) == [str(i) for i in range(n)], (
            shape,
            zh,
        )
        out.append((shape, zh))
    return out


def test_every_rejection_code_has_a_worded_message_in_both_languages() -> None:
    for lang, cat in (("zh", i18n.ZH), ("en", i18n.EN)):
        missing = [c.value for c in Code if not cat.get(f"err.{c.value}", "").strip()]
        assert missing == [], (lang, missing)
    # every worded detail, and every word it carries, exists in both languages
    details = {key for _, key in errors.PATTERNS}
    words = {k for k in i18n.ZH if k.startswith("errw.")}
    for key in details | words:
        assert i18n.ZH.get(key) and i18n.EN.get(key), key
    # every message shape a Rejection of the engine can carry has a worded Chinese form that
    # names each of its values; the English form is the message itself
    shapes = refusal_shapes()
    assert len(shapes) > 300
    for shape, zh in _worded_forms(shapes):
        assert re.search(r"[\u4e00-\u9fff]", zh), shape
        message = _sample(shape)
        err = {"code": "INVALID_FIELD", "message": message, "field": "quantity"}
        assert errors.detail("zh", message) is not None, (shape, message)
        shown = errors.localise("zh", err)
        assert "不符合" not in shown and message not in shown, (shape, shown)
        en = errors.localise("en", err)
        assert en.startswith(i18n.EN["err.INVALID_FIELD"] + ": "), (shape, en)
        assert en.endswith(errors.english_yuan(message)) or errors.detail("en", message), shape


def test_a_refusal_of_no_known_shape_names_the_field_the_value_and_the_rule_in_chinese() -> None:
    err = {"code": "TICK_SIZE", "message": "odd rule of a later release, was 12", "field": "price"}
    zh = errors.localise("zh", err)
    label = i18n.ZH["err.TICK_SIZE"]
    assert zh == f"{label}：字段“{i18n.ZH['field.price']}”的取值 12 不符合“{label}”的规则"
    quoted = {"code": "INVALID_FIELD", "message": "'x-1' is odd", "field": "items[2].product"}
    assert f"字段“{i18n.ZH['field.product']}”的取值 x-1 " in errors.localise("zh", quoted)
    assert errors.localise("en", err).endswith("odd rule of a later release, was 12")


def _sample(shape: str) -> str:
    """A message of ``shape``: money and tonnes as numbers, other values as a word."""
    parts = shape.replace("{{", "\x00").replace("}}", "\x01").split("{}")
    out = parts[0]
    for i, lit in enumerate(parts[1:]):
        out += "12345" if lit.startswith((" fen", " t")) else f"V{i}"
        out += lit
    return out.replace("\x00", "{").replace("\x01", "}")


# --- every message shape of the engine, read from its source ---------------------------------
# A message is an f-string or a text, or a name bound to one (in the function, by a function
# returning ``str | None``, by an exception of :data:`_EXC_MESSAGE_ARG`, or by the callers'
# arguments); ``{}`` stands for each value the message carries.

_EXC_MESSAGE_ARG = {"ProductCodeError": 0, "WhenError": 0}
Shape = list[str | None]


class _Source:
    def __init__(self, root: Path) -> None:
        self.mods: dict[Path, ast.Module] = {}
        self.par: dict[ast.AST, ast.AST] = {}
        self.defs: dict[str, list[Any]] = {}
        self.raises: dict[str, list[ast.Call]] = {}
        self.calls: dict[str, list[ast.Call]] = {}
        for p in sorted(root.rglob("*.py")):
            tree = self.mods[p] = ast.parse(p.read_text(encoding="utf-8"))
            for n in ast.walk(tree):
                for c in ast.iter_child_nodes(n):
                    self.par[c] = n
                if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef):
                    self.defs.setdefault(n.name, []).append(n)
                if isinstance(n, ast.Call) and (name := _called(n)):
                    self.calls.setdefault(name, []).append(n)
                exc = n.exc if isinstance(n, ast.Raise) else None
                if isinstance(exc, ast.Call) and isinstance(exc.func, ast.Name):
                    self.raises.setdefault(exc.func.id, []).append(exc)

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
                    sub = self.name(v.value.id, v, depth) or [[None]]
                outs = [o + s for o in outs for s in sub]
            return outs
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
        if isinstance(e, ast.Call):
            if isinstance(e.func, ast.Name) and e.func.id == "str" and len(e.args) == 1:
                return self.shapes(e.args[0], depth + 1)
            return self.returns(e, depth) or [[None]]
        return [[None]]

    def name(self, name: str, at: ast.AST, depth: int) -> list[Shape] | None:  # noqa: C901
        fn = self.fn_of(at)
        if fn is None:
            return None
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
        for n in ast.walk(fn):
            if isinstance(n, ast.ExceptHandler) and n.name == name and n.type is not None:
                return self.raised(n.type, depth)
        params = [a.arg for a in fn.args.posonlyargs + fn.args.args]
        if name not in params + [a.arg for a in fn.args.kwonlyargs]:
            return None
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

    def raised(self, types: ast.expr, depth: int) -> list[Shape] | None:
        out: list[Shape] = []
        for t in types.elts if isinstance(types, ast.Tuple) else [types]:
            idx = _EXC_MESSAGE_ARG.get(t.id) if isinstance(t, ast.Name) else None
            if idx is None:
                return None
            for call in self.raises.get(t.id, []):  # type: ignore[attr-defined]
                if len(call.args) > idx:
                    out.extend(self.shapes(call.args[idx], depth + 1))
        return out or None


def _is_none(e: ast.AST) -> bool:
    return isinstance(e, ast.Constant) and e.value is None


def _is_text(e: ast.AST) -> bool:
    return isinstance(e, ast.Constant) and isinstance(e.value, str)


def _called(call: ast.Call) -> str | None:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def refusal_shapes() -> dict[str, str]:
    """Every message shape of a ``Rejection(...)`` (or ``reject(...)``) in openets, with where
    one is written; a message passed through as it is (an exception's own text) is left to the
    fallback, which words it by its field, its value and its rule."""
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
    return found


def _text(sh: Shape) -> str:
    return "".join("{}" if p is None else p.replace("{", "{{").replace("}", "}}") for p in sh)


_API_MESSAGE_ARG = {"ApiError": 1, "error_response": 1, "error_body": 1, "Refused": 2}
"""The API's ways of answering an error, and which argument is the message."""


def api_error_shapes() -> dict[str, str]:
    """Every message shape of an error the API or the pages answer themselves (``ApiError``, an
    error response or body, a refusal of the request guard); the engine's rejections passed
    through as they are are walked by :func:`refusal_shapes`."""
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


def test_every_api_error_and_validation_message_has_a_worded_chinese_form() -> None:
    shapes = {**api_error_shapes(), **validation_shapes()}
    assert len(shapes) > 150
    for shape, _ in _worded_forms(shapes):
        message = _sample(shape)
        err = {"code": "INVALID_FIELD", "message": message, "field": "quantity"}
        shown = errors.localise("zh", err)
        assert errors.detail("zh", message) is not None, (shape, message)
        words = re.sub(r"openets serve", "", shown)  # a command is a command in any language
        assert "不符合" not in shown and not re.search(r"[a-z]{3} [a-z]{3}", words), (shape, shown)


def test_restricted_account_refused_a_transfer_out_is_worded_in_chinese() -> None:
    g, a, b = _market()
    g.ok(rc.ChangeAccountStatus(a, AccountStatus.RESTRICTED, "court order"))
    zh, en = _shown(g.rejects(rc.RequestTransfer(a, b, CEA, 10, "gift")))
    assert zh.startswith(i18n.ZH["err.ACCOUNT_NOT_ACTIVE"] + "：")
    assert f"账户 {a} 当前为“受限”状态，不得转出" in zh
    assert f"account {a} is restricted, it may not send" in en


def test_frozen_account_refused_a_transfer_in_is_worded_in_chinese() -> None:
    g, a, b = _market()
    g.ok(rc.ChangeAccountStatus(a, AccountStatus.FROZEN, "court order"))
    zh, en = _shown(g.rejects(rc.RequestTransfer(b, a, CEA, 10, "gift")))
    assert f"账户 {a} 当前为“冻结”状态，不得转入" in zh
    assert f"account {a} is frozen, it may not receive" in en


def test_frozen_account_refused_a_withdrawal_is_worded_in_chinese() -> None:
    g, a, _ = _market()
    g.ok(rc.ChangeAccountStatus(a, AccountStatus.FROZEN, "court order"))
    zh, en = _shown(g.rejects(funds.RequestWithdrawal(a, 1_000, "WDR-1")))
    assert f"账户 {a} 当前为“冻结”状态" in zh
    assert f"account {a} is frozen" in en


def test_account_restricted_from_transfers_by_the_regulator_is_worded_in_chinese() -> None:
    g, a, b = _market()
    g.ok(sm.RestrictAccount(a, False, True, "异常交易", Authority.REGULATOR), "reg1")
    zh, en = _shown(g.rejects(rc.RequestTransfer(a, b, CEA, 10, "gift")))
    assert f"账户 {a} 自 2021-07-16 09:30 起被主管部门限制转出（划转与出金），原因：异常交易" in zh
    assert "by the regulator since 2021-07-16 09:30: 异常交易" in en


def test_transfer_over_the_receivers_position_limit_is_worded_in_chinese() -> None:
    g = Given.in_memory("2021-07-16T09:00+08:00", preset="cn-pilot-limits")
    a = g.account(tonnes={CEA: 3_000_000})
    b = g.account(tonnes={CEA: 500_000})
    zh, en = _shown(g.rejects(rc.RequestTransfer(a, b, CEA, 1_000_001, "sale")))
    assert f"账户 {b} 的 {CEA} 持仓将达 1,500,001 吨" in zh
    assert "本次划转 1,000,001 吨），超过持仓限额 1,500,000 吨" in zh
    assert "over its position limit of 1,500,000 t" in en


def test_withdrawal_paid_while_barred_alert_is_named_and_its_amount_shown_in_yuan() -> None:
    zh, en = i18n.translator("zh"), i18n.translator("en")
    assert zh("detector.withdrawal_paid_while_barred") == "账户受限或冻结后银行仍支付的出金"
    assert en("detector.withdrawal_paid_while_barred").startswith("Withdrawal paid after")
    assert errors.evidence({"amount_fen": 4_000_000}, zh) == "出金金额（元） 40,000.00"
    assert errors.evidence({"amount_fen": 4_000_000}, en) == "Amount withdrawn (yuan) 40,000.00"


def test_restricted_account_refused_a_listing_is_worded_in_chinese() -> None:
    g, a, _ = _market()
    g.instrument(CEA, "48.00")
    g.ok(rc.ChangeAccountStatus(a, AccountStatus.RESTRICTED, "court order"))
    zh, en = _shown(g.rejects(PostListing(a, CEA, Side.SELL, 4800, 10)))
    assert zh == f"{i18n.ZH['err.ACCOUNT_RESTRICTED']}：账户 {a} 当前为“受限”状态，不得交易"
    assert en.endswith(f"account {a} is restricted from trading")


def test_a_validation_error_names_the_field_the_value_and_the_rule_in_chinese() -> None:
    def zh(message: str, field: str | None) -> str:
        return errors.localise("zh", {"code": "INVALID_FIELD", "message": message, "field": field})

    label = i18n.ZH["err.INVALID_FIELD"]
    side = "items[0].side: Input should be 'buy' or 'sell', was 'up'"
    shown = f"{label}：{i18n.ZH['field.side']}：须为 'buy'、'sell' 之一，实为 'up'"
    assert zh(side, "items[0].side") == shown
    qty = "quantity must be a whole number of tonnes (a JSON integer), was '1.5'"
    shown = f"{label}：{i18n.ZH['field.quantity']}须为整数吨（JSON 整数），实为 '1.5'"
    assert zh(qty, "quantity") == shown
    extra = "colour: Extra inputs are not permitted, was 'red'"
    assert zh(extra, "colour") == f"{label}：colour：不是可接受的字段，实为 'red'"
    assert zh("the request body is not valid JSON", "body") == f"{label}：请求体不是有效的 JSON"


def test_a_daily_report_of_a_day_not_closed_is_refused_in_chinese() -> None:
    from openets.supervision.reports.daily import daily_report
    from openets.supervision.reports.history import history

    try:
        daily_report(history([]), "2021-07-16")
    except ValueError as exc:
        message = str(exc)
    else:
        raise AssertionError("a day not closed has no report")
    err = {"code": "NOT_FOUND", "message": message, "field": "date"}
    zh = errors.localise("zh", err)
    assert zh.endswith("日志中没有已闭市的交易日 2021-07-16（已闭市的交易日：无）"), zh
