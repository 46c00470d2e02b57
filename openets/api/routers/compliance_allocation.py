"""The regulator's compliance runs over HTTP: the pre-allocation (its prior output given as lines
or as CSV), the final allocation, the penalties, and the lists of allocations and runs (names in
shared/API.md "The compliance cycle").

=====================================================  ==================  ====================
Route                                                  Who                 Engine command
=====================================================  ==================  ====================
``POST /compliance/allocations/preallocate``           regulator           RunPreAllocation
``POST /compliance/allocations/finalize``              regulator           RunFinalAllocation
``POST /compliance/penalties/assess``                  regulator           AssessPenalties
=====================================================  ==================  ====================

The entities and their reports, registered, submitted, verified and approved by the other roles,
are in :mod:`openets.api.routers.compliance_cycle`.
"""

from __future__ import annotations

import csv
import io
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import ValidationError
from starlette.responses import Response

from openets.api.auth import Action, authorize
from openets.api.deps import CommandDep, PrincipalDep, ServicesDep, json_response
from openets.api.errors import ApiError
from openets.api.routers._compliance_views import (
    LARGE_COMMAND_ERRORS,
    render_run,
    report_lines,
    run_out,
    visible_entities,
)
from openets.api.schemas.common import COMMAND_ERRORS, QUERY_ERRORS
from openets.api.schemas.compliance_cycle import (
    PRIOR_CSV_COLUMNS,
    AllocationOut,
    AllocationRunIn,
    AllocationsOut,
    PenaltiesIn,
    PriorIn,
    RunOut,
    RunsOut,
)
from openets.compliance import run_messages as runs
from openets.compliance.service import part
from openets.domain.rejection import Code

router = APIRouter(tags=["compliance"])

YearQuery = Annotated[int, Query(ge=2000, le=2100)]


# --- allocation and penalties ---------------------------------------------------------------


@router.post(
    "/compliance/allocations/preallocate",
    status_code=201,
    response_model=RunOut,
    responses=LARGE_COMMAND_ERRORS,
)
async def preallocate(body: AllocationRunIn, cmd: CommandDep) -> Response:
    """Run the year's pre-allocation for every entity the regulator regulates; the registry
    issues it national → provincial → entity accounts."""
    cmd.require(Action.COMPLIANCE_ALLOCATE)
    given = [*body.prior, *prior_from_csv(body.prior_csv)]
    prior = tuple(runs.EntityPrior(p.entity_id, report_lines(p.lines)) for p in given)
    return await cmd.run(runs.RunPreAllocation(body.plan, body.year, prior), render_run)


def prior_from_csv(text: str) -> list[PriorIn]:
    """Prior output per entity from CSV (``PRIOR_CSV_COLUMNS``, optionally followed by
    ``emissions_t``: the prior verified emissions that pre-allocate steel, cement and
    aluminium in 2025); 422 naming the row."""
    rows = [r for r in csv.reader(io.StringIO(text.strip())) if any(c.strip() for c in r)]
    if not rows:
        return []
    header = tuple(c.strip() for c in rows[0])
    columns: tuple[str, ...] = PRIOR_CSV_COLUMNS
    if header == (*PRIOR_CSV_COLUMNS, "emissions_t"):
        columns = header
    elif header != PRIOR_CSV_COLUMNS:
        raise ApiError(
            Code.INVALID_FIELD,
            f"the first row must be {','.join(PRIOR_CSV_COLUMNS)} (optionally ,emissions_t), "
            f"was {','.join(header)!r:.80}",
            "prior_csv",
        )
    by_entity: dict[str, list[dict[str, object]]] = {}
    for n, row in enumerate(rows[1:], start=2):
        if len(row) != len(columns):
            raise ApiError(
                Code.INVALID_FIELD,
                f"row {n} has {len(row)} columns, needs {len(columns)}",
                "prior_csv",
            )
        cells = dict(zip(columns, (c.strip() for c in row), strict=True))
        emissions = cells.get("emissions_t", "") or "0"
        if not emissions.isascii() or not emissions.isdigit():
            raise ApiError(
                Code.INVALID_FIELD,
                f"row {n}, column emissions_t: must be whole tonnes (digits 0-9), was "
                f"{emissions!r:.20}",
                "prior_csv",
            )
        try:
            line: dict[str, object] = {
                "unit_id": cells["unit_id"],
                "supply_mwh": int(cells["supply_mwh"] or "0"),
                "heat_gj": int(cells["heat_gj"] or "0"),
                "heat_ratio": cells["heat_ratio"] or "0",
                "load_factor": cells["load_factor"] or "0",
                "emissions_t": int(emissions),
            }
        except ValueError:
            raise ApiError(
                Code.INVALID_FIELD,
                f"row {n}: supply_mwh and heat_gj must be whole numbers, were "
                f"{cells['supply_mwh']!r:.20} and {cells['heat_gj']!r:.20}",
                "prior_csv",
            ) from None
        by_entity.setdefault(cells["entity_id"], []).append(line)
    try:
        return [PriorIn(entity_id=e, lines=lines) for e, lines in by_entity.items()]  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise ApiError(
            Code.INVALID_FIELD, f"prior_csv: {where}: {first['msg']}", "prior_csv"
        ) from None


@router.post(
    "/compliance/allocations/finalize",
    status_code=201,
    response_model=RunOut,
    responses=LARGE_COMMAND_ERRORS,
)
async def finalize(body: AllocationRunIn, cmd: CommandDep) -> Response:
    """Run the final allocation on the approved reports: the true-up is issued, or clawed back
    where the pre-allocation was larger; the obligations follow with the plan's caps."""
    cmd.require(Action.COMPLIANCE_ALLOCATE)
    if body.prior or body.prior_csv.strip():
        field = "prior" if body.prior else "prior_csv"
        raise ApiError(Code.INVALID_FIELD, "prior output is for the pre-allocation only", field)
    return await cmd.run(runs.RunFinalAllocation(body.plan, body.year), render_run)


@router.get("/compliance/allocations", response_model=AllocationsOut, responses=QUERY_ERRORS)
async def allocations(
    principal: PrincipalDep,
    services: ServicesDep,
    year: YearQuery,
    entity_id: Annotated[str | None, Query(min_length=1, max_length=32)] = None,
) -> Response:
    """Pre-allocation, final allocation and true-up per entity (the holder its own)."""
    authorize(principal, Action.COMPLIANCE_VIEW, principal.account_id)
    comp = part(services.state)
    data = []
    for e in visible_entities(comp, principal, entity_id):
        ey = comp.years.get((e.entity_id, year))
        if ey is None:
            continue
        final = ey.final_allocation_t
        data.append(
            AllocationOut(
                entity_id=e.entity_id,
                name=e.name,
                province=e.province,
                year=year,
                plan=ey.plan,
                preallocation_t=ey.preallocation_t,
                final_allocation_t=final,
                true_up_t=None if final is None else final - ey.preallocation_t,
                obligation_t=None if ey.obligation is None else ey.obligation.obligation_t,
                preallocation_late=ey.preallocation_late,
                final_late=ey.final_late,
            )
        )
    return json_response(AllocationsOut(data=data, count=len(data)))


@router.get("/compliance/runs", response_model=RunsOut, responses=QUERY_ERRORS)
async def list_runs(
    principal: PrincipalDep,
    services: ServicesDep,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> Response:
    """Allocation and penalty runs, newest first (operators and the regulator)."""
    authorize(principal, Action.REPORT)
    comp = part(services.state)
    data = [run_out(r) for r in reversed(comp.runs) if year is None or r.year == year]
    return json_response(RunsOut(data=data, count=len(data)))


@router.post(
    "/compliance/penalties/assess",
    status_code=201,
    response_model=RunOut,
    responses=COMMAND_ERRORS,
)
async def assess_penalties(body: PenaltiesIn, cmd: CommandDep) -> Response:
    """After the deadline: fine every entity short of its obligation and schedule the shortfall's
    deduction from the next year's allocation (the regulator, for its province or the nation)."""
    cmd.require(Action.COMPLIANCE_PENALIZE)
    return await cmd.run(runs.AssessPenalties(body.year, body.fine_share_pct), render_run)
