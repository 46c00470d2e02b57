"""Property-based conformance against /openapi.json (schemathesis): whatever a caller sends,
valid or not, the server never answers 5xx and every answer matches the schema."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from liveapi import LiveApi
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

TOTAL_EXAMPLES = 2400
"""Spread over every operation and both modes (valid and invalid data): about 20 s here."""
PARTICIPANT_PATHS = ("/registry/surrenders", "/funds/deposits", "/funds/withdrawals")


def _role_for(path: str) -> str:
    if path.endswith(PARTICIPANT_PATHS):
        return "participant"
    if path.endswith("/ops/clock/advance"):
        return "exop"
    return "regop"


CHECKS: list[Any] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _fuzz(
    op: Any,
    mode: GenerationMode,
    base_url: str,
    headers: Callable[[str], dict[str, str]],
    examples: int,
) -> None:
    """Run ``EXAMPLES`` generated requests against one operation and validate each answer."""

    @given(case=op.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        case.call_and_validate(base_url=base_url, headers=headers(case.path), checks=CHECKS)

    try:
        run()
    except Unsatisfiable:  # nothing to make invalid (no parameters, no body)
        assert mode is GenerationMode.NEGATIVE


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_no_5xx_and_answers_match_the_openapi_schema(fresh_api: LiveApi) -> None:
    api = fresh_api
    p = api.participant(tonnes={"CEA21": 1000}, fen=10**8)
    tokens = {
        "participant": p.client.token,
        "exop": api.client("exop").token,
        "regop": api.client("regop").token,
    }

    def headers_for(path: str) -> dict[str, str]:
        if path.endswith("/auth/logout"):  # a token of its own, so ours stay valid
            return {"Authorization": f"Bearer {api.login('regulator').token}"}
        return {"Authorization": f"Bearer {tokens[_role_for(path)]}"}

    spec = httpx.get(f"{api.base_url}/openapi.json").json()
    schema = schemathesis.openapi.from_dict(spec)
    ops = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(ops) >= 25
    examples = max(5, min(50, TOTAL_EXAMPLES // (2 * len(ops))))
    for op in ops:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz(op, mode, api.base_url, headers_for, examples)
    assert api.state.violations() == []
