"""Tamper evidence: the latest signed checkpoint of the journal, for anyone."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from openets.api.deps import ServicesDep, json_response
from openets.api.errors import ApiCode, ApiError
from openets.api.schemas.common import QUERY_ERRORS
from openets.api.schemas.ops import AuditHeadOut
from openets.audit.service import CheckpointSigned, audit_part

router = APIRouter(tags=["audit"])


def head_out(cp: CheckpointSigned) -> AuditHeadOut:
    return AuditHeadOut(
        seq=cp.seq,
        hash=cp.hash,
        signed_at=cp.signed_at,
        signature=cp.signature,
        key_id=cp.key_id,
        day=cp.day or None,
    )


@router.get("/audit/head", response_model=AuditHeadOut, responses=QUERY_ERRORS)
async def audit_head(services: ServicesDep) -> Response:
    """The latest signed checkpoint ``{seq, hash, signed_at, signature, key_id}`` (anyone):
    check it with the market's public key, and against a copy of the journal."""
    cp = audit_part(services.state).latest
    if cp is None:
        raise ApiError(ApiCode.NOT_FOUND, "no signed checkpoint yet (serve --signing-key)", None)
    return json_response(head_out(cp))
