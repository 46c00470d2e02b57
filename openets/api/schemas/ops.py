"""Bodies of operations: the clock and health."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from openets.api.schemas.common import InModel, OutModel, text_schema, text_validator

MAX_ADVANCE = 100 * 366 * 86_400


class ClockOut(OutModel):
    now: str
    mode: Literal["real", "simulated"]


class ClockAdvanceIn(InModel):
    """Exactly one of ``seconds`` (forward by) or ``to`` (an ISO 8601 time, not in the past)."""

    seconds: Annotated[int, Field(strict=True, ge=0, le=MAX_ADVANCE)] | None = None
    to: Annotated[str, text_validator(40, 1), text_schema(40, 1)] | None = None


class HealthOut(OutModel):
    status: Literal["ok", "halted"]
    journal_seq: int
    now: str
    clock: Literal["real", "simulated"]


class AuditHeadOut(OutModel):
    """The latest signed checkpoint of the journal: ``signature`` (base64 Ed25519) signs
    ``openets-checkpoint|<seq>|<hash>|<signed_at>``."""

    seq: int
    hash: str
    signed_at: str
    signature: str
    key_id: str
    day: str | None = None
