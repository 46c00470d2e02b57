"""MRV: submit → verify → approve, with roles, order and duplicates as rejections."""

from __future__ import annotations

import pytest
from compliance_world import (
    ACCOUNT,
    ENTITY,
    NATIONAL_REGULATOR,
    OPERATOR,
    OTHER_REGULATOR,
    OTHER_VERIFIER,
    PROVINCE,
    REGULATOR,
    VERIFIER,
    World,
    line,
)

from openets.compliance.mrv import (
    COMMANDS,
    AppointRegulator,
    AppointVerifier,
    ApproveReport,
    RegisterEntity,
    RegisterInstallation,
    ReportApproved,
    ReportSubmitted,
    ReportVerified,
    SubmitReport,
    VerifyReport,
    handle,
)
from openets.compliance.plans import Category, Sector
from openets.compliance.state import ComplianceState, ReportLine, ReportStatus
from openets.domain.messages import EVENT_TYPES, Command, Ctx
from openets.domain.rejection import Code

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)


LINES = (line("U1", 900_000, 1_100_000), line("U2", 40_000, 100_000))


def submitted() -> World:
    w = World().with_power_entity()
    w.ok(OPERATOR, SubmitReport(ENTITY, 2023, LINES))
    return w


def verified() -> World:
    w = submitted()
    w.ok(VERIFIER, VerifyReport(ENTITY, 2023, LINES))
    return w


def test_report_goes_submitted_verified_approved_one_event_each() -> None:
    w = verified()
    (event,) = w.ok(REGULATOR, ApproveReport(ENTITY, 2023))
    assert event == ReportApproved(ENTITY, 2023, REGULATOR, 940_000)
    assert [type(e) for e in w.journal[-3:]] == [ReportSubmitted, ReportVerified, ReportApproved]
    report = w.state.reports[(ENTITY, 2023)]
    assert (report.status, report.verifier, report.approver) == (
        ReportStatus.APPROVED,
        VERIFIER,
        REGULATOR,
    )


def test_report_submitted_by_someone_not_operating_the_entity_is_rejected() -> None:
    r = World().with_power_entity().refused(VERIFIER, SubmitReport(ENTITY, 2023, LINES))
    assert r.code is Code.NOT_PERMITTED


def test_report_submitted_twice_is_rejected() -> None:
    r = submitted().refused(OPERATOR, SubmitReport(ENTITY, 2023, LINES))
    assert r.code is Code.DUPLICATE


def test_report_missing_a_unit_is_rejected() -> None:
    w = World().with_power_entity()
    r = w.refused(OPERATOR, SubmitReport(ENTITY, 2023, LINES[:1]))
    assert r.code is Code.INVALID_FIELD and "U2" in r.message


def test_report_naming_an_unregistered_unit_is_rejected() -> None:
    w = World().with_power_entity()
    r = w.refused(OPERATOR, SubmitReport(ENTITY, 2023, (*LINES, line("U9", 1))))
    assert (r.code, r.field) == (Code.INVALID_FIELD, "lines[2].unit_id")


def test_report_with_negative_emissions_is_rejected() -> None:
    w = World().with_power_entity()
    r = w.refused(OPERATOR, SubmitReport(ENTITY, 2023, (line("U1", -1), LINES[1])))
    assert (r.code, r.field) == (Code.INVALID_FIELD, "lines[0].emissions_t")
    assert "was -1" in r.message


def test_report_with_load_factor_above_one_is_rejected() -> None:
    w = World().with_power_entity()
    bad = ReportLine("U1", 1, 0, 0, 0, 1_000_001)
    r = w.refused(OPERATOR, SubmitReport(ENTITY, 2023, (bad, LINES[1])))
    assert r.field == "lines[0].load_factor_ppm"


def test_verification_before_submission_is_rejected() -> None:
    r = World().with_power_entity().refused(VERIFIER, VerifyReport(ENTITY, 2023, LINES))
    assert r.code is Code.INVALID_STATE


def test_verification_by_a_verifier_of_another_province_is_rejected() -> None:
    r = submitted().refused(OTHER_VERIFIER, VerifyReport(ENTITY, 2023, LINES))
    assert r.code is Code.NOT_PERMITTED and PROVINCE in r.message


def test_verification_by_a_verifier_that_operates_for_the_entity_is_rejected() -> None:
    w = submitted()
    w.ok(NATIONAL_REGULATOR, AppointVerifier(OPERATOR, (PROVINCE,)))
    r = w.refused(OPERATOR, VerifyReport(ENTITY, 2023, LINES))
    assert r.code is Code.NOT_PERMITTED


def test_verifier_adjusting_figures_without_a_reason_is_rejected() -> None:
    adjusted = (line("U1", 950_000, 1_100_000), LINES[1])
    r = submitted().refused(VERIFIER, VerifyReport(ENTITY, 2023, adjusted))
    assert (r.code, r.field) == (Code.INVALID_FIELD, "reason")


def test_verifier_adjusting_figures_with_a_reason_makes_them_the_verified_figures() -> None:
    w = submitted()
    adjusted = (line("U1", 950_000, 1_100_000), LINES[1])
    (event,) = w.ok(VERIFIER, VerifyReport(ENTITY, 2023, adjusted, "coal carbon content re-tested"))
    assert isinstance(event, ReportVerified) and event.adjusted
    (approved,) = w.ok(REGULATOR, ApproveReport(ENTITY, 2023))
    assert isinstance(approved, ReportApproved) and approved.verified_emissions_t == 990_000
    assert w.state.reports[(ENTITY, 2023)].submitted == LINES


def test_verification_twice_is_rejected() -> None:
    r = verified().refused(VERIFIER, VerifyReport(ENTITY, 2023, LINES))
    assert r.code is Code.ALREADY_DONE


def test_approval_before_verification_is_rejected() -> None:
    r = submitted().refused(REGULATOR, ApproveReport(ENTITY, 2023))
    assert r.code is Code.INVALID_STATE and "not verified" in r.message


def test_approval_by_the_regulator_of_another_province_is_rejected() -> None:
    r = verified().refused(OTHER_REGULATOR, ApproveReport(ENTITY, 2023))
    assert r.code is Code.NOT_PERMITTED


def test_approval_by_the_national_regulator_is_accepted() -> None:
    verified().ok(NATIONAL_REGULATOR, ApproveReport(ENTITY, 2023))


def test_approval_by_the_person_who_verified_is_rejected() -> None:
    w = submitted()
    w.ok(NATIONAL_REGULATOR, AppointVerifier(REGULATOR, (PROVINCE,)))
    w.ok(REGULATOR, VerifyReport(ENTITY, 2023, LINES))
    r = w.refused(REGULATOR, ApproveReport(ENTITY, 2023))
    assert r.code is Code.SAME_PERSON_APPROVAL


def test_approval_twice_is_rejected() -> None:
    w = verified()
    w.ok(REGULATOR, ApproveReport(ENTITY, 2023))
    assert w.refused(REGULATOR, ApproveReport(ENTITY, 2023)).code is Code.ALREADY_DONE


def test_entity_registered_by_a_non_regulator_is_rejected() -> None:
    w = World().with_people()
    r = w.refused(VERIFIER, RegisterEntity("E2", "x", PROVINCE, "A2", ()))
    assert r.code is Code.NOT_PERMITTED


def test_entity_registered_twice_is_rejected() -> None:
    w = World().with_power_entity()
    r = w.refused(REGULATOR, RegisterEntity(ENTITY, "x", PROVINCE, "A2", ()))
    assert r.code is Code.DUPLICATE


def test_entity_on_an_account_of_another_entity_is_rejected() -> None:
    w = World().with_power_entity()
    r = w.refused(REGULATOR, RegisterEntity("E2", "x", PROVINCE, ACCOUNT, ()))
    assert (r.code, r.field) == (Code.DUPLICATE, "account_id")


def test_power_unit_without_a_category_is_rejected() -> None:
    w = World().with_power_entity()
    r = w.refused(REGULATOR, RegisterInstallation(ENTITY, "U3", Sector.POWER, None))
    assert (r.code, r.field) == (Code.INVALID_FIELD, "category")


def test_steel_installation_with_a_power_category_is_rejected() -> None:
    w = World().with_power_entity()
    cmd = RegisterInstallation(ENTITY, "S1", Sector.STEEL, Category.GAS)
    assert w.refused(REGULATOR, cmd).code is Code.INVALID_FIELD


def test_appointment_by_a_provincial_regulator_is_rejected() -> None:
    w = World().with_people()
    r = w.refused(REGULATOR, AppointRegulator("someone", PROVINCE))
    assert r.code is Code.NOT_PERMITTED


def test_replaying_the_journal_rebuilds_the_same_state() -> None:
    w = verified()
    w.ok(REGULATOR, ApproveReport(ENTITY, 2023))
    assert w.replayed() == w.state


def test_every_compliance_event_is_registered_for_the_journal() -> None:
    for name in ("ReportSubmitted", "PreAllocationDetermined", "SurrenderRecorded"):
        assert name in EVENT_TYPES
    assert len(COMMANDS) == 14


def test_a_command_of_another_context_is_a_broken_invariant() -> None:
    class Foreign(Command):
        __slots__ = ()

    w = World()
    with pytest.raises(TypeError):
        handle(ComplianceState(), Foreign(), Ctx(w.now, "x", w.ids))
