"""MRV through the engine: appointments, entities tied to registry accounts, the report cycle."""

from __future__ import annotations

from compliance_engine_world import (
    NATIONAL_REG,
    REG_SD,
    REPORT,
    SD,
    VERIFIER,
    World,
    line,
    op,
)

from openets.compliance.mrv import (
    AppointRegulator,
    ApproveReport,
    RegisterEntity,
    RegisterInstallation,
    SubmitReport,
    VerifyReport,
)
from openets.compliance.plans import Category, Sector
from openets.compliance.state import ReportLine, ReportStatus
from openets.domain.rejection import Code
from openets.registry.model import SystemRole


def test_regulators_are_appointed_by_the_system_or_a_national_regulator() -> None:
    w = World()
    assert w.comp.regulators == {NATIONAL_REG: "CN", REG_SD: SD}
    r = w.g.rejects(AppointRegulator("reg-x", "广东"), REG_SD)
    assert r.code is Code.NOT_PERMITTED


def test_entity_is_registered_with_its_registry_account() -> None:
    w = World()
    acct = w.entity("E1")
    e = w.comp.entities["E1"]
    assert (e.account_id, e.province, e.operators) == (acct, SD, (op("E1"),))
    assert w.comp.entity_for_account(acct) is e


def test_entity_registration_by_another_provinces_regulator_is_rejected() -> None:
    w = World()
    acct = w.g.account(province="广东")
    r = w.g.rejects(RegisterEntity("E1", "粤电", "广东", acct, ()), REG_SD)
    assert r.code is Code.NOT_PERMITTED and r.field == "province"


def test_entity_registration_with_an_unknown_account_is_rejected() -> None:
    w = World()
    r = w.g.rejects(RegisterEntity("E1", "鲁电", SD, "A999999", ()), REG_SD)
    assert r.code is Code.UNKNOWN_ACCOUNT and "A999999" in r.message


def test_entity_registration_with_an_account_of_another_province_is_rejected() -> None:
    w = World()
    acct = w.g.account(province="广东")
    r = w.g.rejects(RegisterEntity("E1", "鲁电", SD, acct, ()), REG_SD)
    assert r.code is Code.INVALID_FIELD and r.field == "province" and "广东" in r.message


def test_entity_registration_with_a_system_account_is_rejected() -> None:
    w = World()
    acct = w.system(SystemRole.PROVINCIAL_ALLOCATION, SD)
    r = w.g.rejects(RegisterEntity("E1", "鲁电", SD, acct, ()), REG_SD)
    assert r.code is Code.INVALID_FIELD and r.field == "account_id" and "system" in r.message


def test_one_account_cannot_serve_two_entities() -> None:
    w = World()
    acct = w.entity("E1")
    r = w.g.rejects(RegisterEntity("E2", "鲁电二", SD, acct, ()), REG_SD)
    assert r.code is Code.DUPLICATE and r.field == "account_id"


def test_report_is_submitted_verified_with_an_adjustment_and_approved() -> None:
    w = World()
    w.entity("E1")
    w.g.ok(SubmitReport("E1", 2021, REPORT), op("E1"))
    adjusted = (line("U1", 905_000, 1_100_000), REPORT[1])
    (ev,) = w.g.ok(VerifyReport("E1", 2021, adjusted, "coal carbon content re-tested"), VERIFIER)
    assert ev.adjusted and ev.reason == "coal carbon content re-tested"
    (approved,) = w.g.ok(ApproveReport("E1", 2021), REG_SD)
    assert approved.verified_emissions_t == 945_000
    report = w.comp.reports[("E1", 2021)]
    assert report.status is ReportStatus.APPROVED
    assert report.submitted == REPORT and report.verified == adjusted
    assert (report.verifier, report.approver) == (VERIFIER, REG_SD)


def test_verified_figures_that_differ_need_a_reason() -> None:
    w = World()
    w.entity("E1")
    w.g.ok(SubmitReport("E1", 2021, REPORT), op("E1"))
    adjusted = (line("U1", 905_000, 1_100_000), REPORT[1])
    r = w.g.rejects(VerifyReport("E1", 2021, adjusted, " "), VERIFIER)
    assert r.code is Code.INVALID_FIELD and r.field == "reason"


def test_report_is_approved_only_after_verification() -> None:
    w = World()
    w.entity("E1")
    w.g.ok(SubmitReport("E1", 2021, REPORT), op("E1"))
    r = w.g.rejects(ApproveReport("E1", 2021), REG_SD)
    assert r.code is Code.INVALID_STATE and "not verified" in r.message


def test_report_submitted_by_someone_else_is_rejected() -> None:
    w = World()
    w.entity("E1")
    r = w.g.rejects(SubmitReport("E1", 2021, REPORT), "op-someone")
    assert r.code is Code.NOT_PERMITTED


def test_report_naming_an_unregistered_unit_is_rejected() -> None:
    w = World()
    w.entity("E1")
    r = w.g.rejects(SubmitReport("E1", 2021, (*REPORT, line("U9", 1, 1))), op("E1"))
    assert r.code is Code.INVALID_FIELD and r.field == "lines[2].unit_id"


def test_report_with_float_emissions_is_rejected() -> None:
    w = World()
    w.entity("E1")
    bad = (ReportLine("U1", 900_000.5, 1), REPORT[1])  # type: ignore[arg-type]
    r = w.g.rejects(SubmitReport("E1", 2021, bad), op("E1"))
    assert r.code is Code.INVALID_FIELD and r.field == "lines[0].emissions_t"
    assert "900000.5" in r.message


def test_report_with_a_text_year_is_rejected() -> None:
    w = World()
    w.entity("E1")
    r = w.g.rejects(SubmitReport("E1", "2021", REPORT), op("E1"))  # type: ignore[arg-type]
    assert r.code is Code.INVALID_FIELD and r.field == "year"


def test_installation_with_a_text_sector_is_rejected() -> None:
    w = World()
    w.entity("E1")
    cmd = RegisterInstallation("E1", "U3", "power", Category.GAS)  # type: ignore[arg-type]
    r = w.g.rejects(cmd, REG_SD)
    assert r.code is Code.INVALID_FIELD and r.field == "sector" and "steel" in r.message


def test_installation_of_a_power_unit_needs_a_category() -> None:
    w = World()
    w.entity("E1")
    r = w.g.rejects(RegisterInstallation("E1", "U3", Sector.POWER, None), REG_SD)
    assert r.code is Code.INVALID_FIELD and r.field == "category"


def test_every_compliance_command_and_event_is_routed_by_the_engine() -> None:
    from openets.compliance import mrv
    from openets.composition import build_tables
    from openets.domain.messages import EVENT_TYPES

    handlers, appliers = build_tables()
    assert set(mrv.COMMANDS) <= set(handlers)
    modules = {"openets.compliance.mrv", "openets.compliance.cycle_messages"}
    events = {c for c in EVENT_TYPES.values() if c.__module__ in modules}
    assert len(events) == 15 and events <= set(appliers)
