"""The day's signed head in the published reports (daily, registry): whoever holds the market's
public key can check a copy of the journal against it."""

from __future__ import annotations

from collections.abc import Iterable

import orjson
from sqlalchemy import select

from openets.audit.service import CheckpointSigned
from openets.engine import codec
from openets.store.db import make_engine, normalize_url
from openets.store.schema import journal

NAME = CheckpointSigned.journal_name


def checkpoints(db: str) -> list[CheckpointSigned]:
    """Every signed checkpoint in the market database, oldest first."""
    decode = codec.decoder(NAME)
    eng = make_engine(normalize_url(db))
    try:
        with eng.connect() as conn:
            rows = conn.execute(
                select(journal.c.payload).where(journal.c.type == NAME).order_by(journal.c.seq)
            ).all()
    finally:
        eng.dispose()
    out = []
    for (payload,) in rows:
        cp = decode(orjson.loads(payload))
        assert isinstance(cp, CheckpointSigned)
        out.append(cp)
    return out


def head_of_day(cps: Iterable[CheckpointSigned], day: str) -> CheckpointSigned | None:
    """The checkpoint sealing ``day``'s end, else the latest one signed on or before ``day``."""
    best: CheckpointSigned | None = None
    for cp in cps:
        if cp.day == day:
            return cp
        if cp.signed_at[:10] <= day:
            best = cp
    return best


def head_json(cp: CheckpointSigned | None) -> dict[str, object] | None:
    if cp is None:
        return None
    return {
        "seq": cp.seq,
        "hash": cp.hash,
        "signed_at": cp.signed_at,
        "signature": cp.signature,
        "key_id": cp.key_id,
        "day": cp.day or None,
    }


def with_signed_head(text: str, cp: CheckpointSigned | None, form: str, lang: str) -> str:
    """``text`` (a rendered report) with the signed head added in its format."""
    if form == "json":
        obj = orjson.loads(text)
        obj["signed_head"] = head_json(cp)
        return orjson.dumps(obj, option=orjson.OPT_INDENT_2).decode() + "\n"
    if form == "csv":
        header = "signed_head_seq,hash,signed_at,key_id,signature"
        row = f"{cp.seq},{cp.hash},{cp.signed_at},{cp.key_id},{cp.signature}" if cp else ""
        return f"{text}\n{header}\n{row}\n"
    if lang == "zh":
        if cp is None:
            return text + "\n## 签名链头\n\n无（服务未配置签名密钥）\n"
        return text + (
            "\n## 签名链头\n\n"
            f"- 序号：{cp.seq}\n- 哈希：`{cp.hash}`\n- 签名时间：{cp.signed_at}\n"
            f"- 密钥编号：{cp.key_id}\n- 签名（Ed25519，base64）：`{cp.signature}`\n\n"
            "持有市场公钥者可用 `openets verify --public-key` 核对日志副本。\n"
        )
    if cp is None:
        return text + "\n## Signed head\n\nNone (the server runs without a signing key)\n"
    return text + (
        "\n## Signed head\n\n"
        f"- Sequence: {cp.seq}\n- Hash: `{cp.hash}`\n- Signed at: {cp.signed_at}\n"
        f"- Key id: {cp.key_id}\n- Signature (Ed25519, base64): `{cp.signature}`\n\n"
        "Anyone holding the market's public key can check a copy of the journal with "
        "`openets verify --public-key`.\n"
    )
