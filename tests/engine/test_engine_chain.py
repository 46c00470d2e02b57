"""The journal's hash-chain link (openets.engine.chain): the compiled one and the pure-Python one
give exactly record_hash's hashes, and the engine's records verify."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from openets.engine import chain
from openets.engine.journal import record_hash

REPO = Path(__file__).resolve().parents[2]
HEADER = Path("/usr/include/openssl/sha.h")


def _cases(n: int) -> list[tuple[str, int, int, int, str, str, bytes, bytes]]:
    rng = random.Random(18)
    out = []
    for i in range(n):
        prev = "0" * 64 if i % 7 == 0 else rng.randbytes(32).hex()
        seq = rng.randrange(1, 10 ** rng.randrange(1, 18))
        cmd_seq, ts = rng.randrange(1, 10**9), rng.randrange(0, 10**17)
        actor = rng.choice(["bench", "op1", "审核员", "a|b", ""])
        name = rng.choice(["FundsPosted", "TradeExecuted", "X"])
        payload = rng.randbytes(rng.randrange(0, 3000))
        ids = rng.choice([b"", b'{"O":1,"TX":12}'])
        out.append((prev, seq, cmd_seq, ts, actor, name, payload, ids))
    return out


@pytest.mark.parametrize("fn", [chain.link, chain.link_py], ids=["in-use", "pure-python"])
def test_a_record_link_is_record_hash_of_the_same_fields(fn: object) -> None:
    assert callable(fn)
    for prev, seq, cmd_seq, ts, actor, name, payload, ids in _cases(3000):
        head = f"|{cmd_seq}|{ts}|{actor}|".encode()
        want = record_hash(prev, seq, cmd_seq, ts, actor, name, payload, ids)
        assert fn(prev, seq, head, name, payload, ids) == want


def test_the_compiled_link_is_built_where_a_compiler_and_openssl_headers_exist() -> None:
    compiler = shutil.which("gcc") or shutil.which("cc")
    if compiler is None or not HEADER.is_file():
        pytest.skip("no C compiler or no OpenSSL headers here: the pure-Python link serves")
    if os.environ.get("OPENETS_PURE_CHAIN", "") not in ("", "0"):
        pytest.skip("OPENETS_PURE_CHAIN is set")
    assert chain.COMPILED, (
        f"a C compiler ({compiler}) and {HEADER} exist but openets.engine._chain is not built: "
        "`python setup.py build_ext --inplace` builds it in a work tree"
    )


def test_openets_pure_chain_forces_the_pure_python_link() -> None:
    code = "from openets.engine import chain; print(chain.COMPILED, chain.link is chain.link_py)"
    env = {**os.environ, "PYTHONPATH": str(REPO), "OPENETS_PURE_CHAIN": "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "True"]


def test_the_compiled_link_refuses_arguments_of_the_wrong_type() -> None:
    if not chain.COMPILED:
        pytest.skip("the compiled link is not built")
    head = b"|1|0|a|"
    with pytest.raises(TypeError):
        chain.link(b"0" * 64, 1, head, "X", b"{}", b"")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        chain.link("0" * 64, 1, head, "X", "{}", b"")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        chain.link("0" * 64, 1, head, "X", b"{}")  # type: ignore[call-arg]
