"""One entity's compliance cycle through the pages, in a real browser (Debian's chromium driven by
Playwright): the registry registers the entity and its unit, the entity submits its 2019 report,
the verifier of its province verifies it, the regulator approves it and runs the final
allocation, the entity sees its allocation, obligation and deadline and surrenders.

Figures (plan 2019-2020's worked example): coal ≥300 MW, water-cooled, load 82%, 1,000,000 MWh
(prior 900,000): pre-allocation 554,831 t, final 880,683 t, true-up 325,852 t; emissions
880,000 t give the obligation min(880,000, 880,683 + 176,000) = 880,000 t."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from conftest import PASSWORD, LiveWeb
from test_web_browser import Session

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_one_entitys_cycle_runs_through_the_pages(web: LiveWeb, browser: Any) -> None:
    firm = web.participant("鲁能示范电厂")
    regop = web.client("regop")
    regop.post("/users", {
        "username": "ver-lu", "password": PASSWORD, "role": "verifier", "provinces": ["山东"],
        "person": {"name": "核查员", "id_number": secrets.token_hex(8).upper()},
    })  # fmt: skip
    web.client("regop2").approve_user("ver-lu")  # a different person approves

    # the registry operator registers the entity and its unit on the entities page
    registry = Session(browser, web)
    registry.login("regop")
    registry.go("/registry/entities")
    form = registry.page.locator("form.register-entity")
    form.locator("input[name=entity_id]").fill("LU1")
    form.locator("input[name=name]").fill("鲁能示范电厂")
    form.locator("input[name=account_id]").fill(firm.account_id)
    form.locator("select[name=province]").select_option("山东")
    form.locator("select[name=sector]").select_option("power")
    form.locator("button[type=submit]").click()
    registry.toast("重点排放单位已登记")
    unit = registry.page.locator("form.register-unit")
    unit.locator("input[name=entity_id]").fill("LU1")
    unit.locator("input[name=unit_id]").fill("G1")
    unit.locator("select[name=category]").select_option("coal_300_plus")
    unit.locator("input[name=capacity_mw]").fill("660")
    unit.locator("button[type=submit]").click()
    registry.toast("机组已登记")
    registry.page.locator('#f-entities tr[data-entity="LU1"]', has_text="G1").wait_for()
    registry.shot("registry_entities_zh")

    # the regulator pre-allocates on the 2018 output pasted as CSV
    regulator = Session(browser, web)
    regulator.login("regulator")
    regulator.go("/regulator/cycle?year=2019")
    run = regulator.page.locator("form.allocation-run")
    run.locator("select[name=step]").select_option("preallocate")
    run.locator("select[name=plan]").select_option("2019-2020")
    run.locator("input[name=year]").fill("2019")
    run.locator("textarea[name=prior_csv]").fill(
        "entity_id,unit_id,supply_mwh,heat_gj,heat_ratio,load_factor\nLU1,G1,900000,0,0,0.82"
    )
    run.locator("button[type=submit]").click()
    regulator.toast("批次已执行")

    # the entity submits its report on its compliance page
    entity = Session(browser, web)
    entity.login(firm.username)
    entity.go("/compliance?year=2019")
    assert "554,831" in entity.page.locator('#f-my_cycle dd[data-fig="preallocation"]').inner_text()
    form = entity.page.locator("form.submit-report")
    form.locator('input[name="lines.0.supply_mwh"]').fill("1000000")
    form.locator('input[name="lines.0.load_factor"]').fill("0.82")
    form.locator('input[name="lines.0.emissions_t"]').fill("880000")
    form.locator("button[type=submit]").click()
    entity.toast("排放报告已提交")
    entity.shot("entity_cycle_zh")

    # the verifier of 山东 finds it in its queue and verifies it unchanged
    verifier = Session(browser, web)
    verifier.login("ver-lu")
    verifier.go("/verifier")
    card = verifier.page.locator('#f-verify_queue .verify-report[data-report="LU1-2019"]')
    card.locator("button[type=submit]").click()
    verifier.toast("核查结果已提交")
    verifier.shot("verifier_queue_zh")

    # the regulator approves it and runs the final allocation
    regulator.go("/regulator/cycle?year=2019")
    regulator.page.locator(
        '#f-approval_queue tr[data-report="LU1-2019"] form.approve-report button'
    ).click()
    regulator.toast("报告已审定")
    run = regulator.page.locator("form.allocation-run")
    run.locator("select[name=step]").select_option("finalize")
    run.locator("textarea[name=prior_csv]").fill("")
    run.locator("select[name=plan]").select_option("2019-2020")
    run.locator("input[name=year]").fill("2019")
    run.locator("button[type=submit]").click()
    regulator.toast("批次已执行")
    regulator.page.locator("#f-runs tr[data-run]", has_text="核定分配").wait_for()
    regulator.shot("regulator_cycle_zh")

    # the entity sees its allocation, obligation and deadline, and surrenders
    entity.go("/compliance?year=2019")
    figs = entity.page.locator("#f-my_cycle")
    assert "880,683" in figs.locator('dd[data-fig="final"]').inner_text()
    assert "325,852" in figs.locator('dd[data-fig="true-up"]').inner_text()
    assert "880,000" in figs.locator('dd[data-fig="cycle-obligation"]').inner_text()
    assert "2021-12-31" in figs.locator('dd[data-fig="deadline"]').inner_text()
    surrender = entity.page.locator("form.surrender")
    surrender.locator("select").select_option("CEA19-20")
    surrender.locator("input[name='items.0.quantity']").fill("880000")
    surrender.locator("button[type=submit]").click()
    entity.page.locator(".obligation.status-compliant").wait_for()
    entity.shot("entity_cycle_done_zh")
    for s in (registry, entity, verifier, regulator):
        s.close()
