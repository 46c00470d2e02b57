"""Market stability mechanisms, rule by rule (pure decisions of openets.supervision.reserves).

Published figures: the Commission's TNAC communications
(https://climate.ec.europa.eu/news-your-voice/news/ets-market-stability-reserve-reduce-auction-volume-over-272-million-allowances-between-september-2023-05-15_en,
and its 2026 communication as reported at
https://www.brusselstimes.com/2165722/eu-carbon-market-surplus-triggers-permit-reduction-cutting-auction-volumes)
and RGGI's trigger prices (anchors §A.5: $13 and $6 in 2021, +7% a year). Other numbers are
constructed, and say so.
"""

from __future__ import annotations

import pytest

from openets.presets import CN, PRESETS
from openets.supervision.reserves import (
    MILLION,
    BandAction,
    BandReserveRules,
    ContainmentRules,
    MsrRule,
    MsrRules,
    PriceContainmentRules,
    Trigger,
    adjust_auction_volumes,
    band_trigger,
    ccr_released,
    ecr_withheld,
    msr_decision,
    msr_intake_rate_bps,
    msr_invalidation,
    pcr_offer,
)

pytestmark = pytest.mark.db_free  # never opens a database (no market, no journal on disk)


MSR = MsrRules()


# --- EU MSR -----------------------------------------------------------------------------------


def test_msr_intake_is_24_percent_of_the_tnac_above_1096_million_published_2023() -> None:
    # TNAC 2022 = 1,134,794,738 -> 272,350,737 placed in the MSR, Sept 2023 - Aug 2024.
    d = msr_decision(MSR, 1_134_794_738, 2023, holding=0)
    assert d.rule is MsrRule.INTAKE and d.intake == 272_350_737 and d.release == 0


def test_msr_intake_between_833_and_1096_million_is_the_tnac_less_833_million_published_2026() -> (
    None
):
    # TNAC 2025 = 1,023,494,202 -> 190,494,202 placed in the MSR, Sept 2026 - Aug 2027.
    d = msr_decision(MSR, 1_023_494_202, 2026, holding=400 * MILLION)
    assert d.rule is MsrRule.BUFFER and d.intake == 190_494_202


def test_msr_buffer_rule_does_not_apply_before_2024() -> None:
    # constructed: 1,000 M in the 2023 intake year is still 24%
    assert msr_decision(MSR, 1_000 * MILLION, 2023, 0).intake == 240 * MILLION


def test_msr_intake_rate_is_24_percent_from_2019_and_12_percent_from_2031() -> None:
    assert msr_intake_rate_bps(MSR, 2019) == 2_400 and msr_intake_rate_bps(MSR, 2030) == 2_400
    assert msr_intake_rate_bps(MSR, 2031) == 1_200 and msr_intake_rate_bps(MSR, 2018) == 0
    assert msr_decision(MSR, 1_500 * MILLION, 2031, 0).intake == 180 * MILLION  # constructed


def test_msr_takes_nothing_between_400_and_833_million() -> None:
    for tnac in (400 * MILLION, 600 * MILLION, 833 * MILLION):
        d = msr_decision(MSR, tnac, 2025, holding=500 * MILLION)
        assert (d.rule, d.intake, d.release) == (MsrRule.NONE, 0, 0)


def test_msr_releases_100_million_below_400_million() -> None:
    d = msr_decision(MSR, 399_999_999, 2025, holding=500 * MILLION)
    assert d.rule is MsrRule.RELEASE and d.release == 100 * MILLION and d.intake == 0


def test_msr_release_is_at_most_the_reserve_holding() -> None:
    assert msr_decision(MSR, 300 * MILLION, 2025, holding=60 * MILLION).release == 60 * MILLION


def test_msr_negative_tnac_is_refused() -> None:
    with pytest.raises(ValueError, match="not negative"):
        msr_decision(MSR, -1, 2025, 0)


def test_msr_invalidation_in_2023_is_the_holding_above_the_previous_years_auction_volume() -> None:
    # constructed: 3,100 M held on 1 Jan 2023, 585 M auctioned in 2022 -> 2,515 M invalid
    assert msr_invalidation(MSR, 2023, 3_100 * MILLION, 585 * MILLION) == 2_515 * MILLION


def test_msr_invalidation_from_2024_is_the_holding_above_400_million_published_2026() -> None:
    # "400 million allowances in the MSR on 1 January 2026; above that level no longer valid"
    assert msr_invalidation(MSR, 2026, 1_000 * MILLION, 0) == 600 * MILLION
    assert msr_invalidation(MSR, 2026, 400 * MILLION, 0) == 0


def test_msr_invalidates_nothing_before_2023() -> None:
    assert msr_invalidation(MSR, 2022, 3_000 * MILLION, 500 * MILLION) == 0


def test_msr_intake_reduces_auction_volumes_in_proportion() -> None:
    # constructed: 272,350,737 over twelve months of 50 M, 40 M, ... (remainder to the earliest)
    planned = (50 * MILLION,) * 8 + (25 * MILLION,) * 4
    out = adjust_auction_volumes(planned, -272_350_737)
    assert sum(planned) - sum(out) == 272_350_737
    assert out[0] <= out[1] <= out[7] and out[8] > out[0] // 2 - 2
    assert all(v >= 0 for v in out)


def test_msr_intake_above_the_planned_volume_takes_all_of_it() -> None:
    assert adjust_auction_volumes((10, 20), -100) == (0, 0)


def test_msr_release_adds_to_auction_volumes() -> None:
    assert adjust_auction_volumes((100, 300), 100) == (125, 375)
    assert adjust_auction_volumes((0, 0, 0), 100) == (34, 33, 33)


# --- containment reserves ----------------------------------------------------------------------

RGGI = ContainmentRules(
    ccr=Trigger(1_300, 2021, 700), ccr_quantity=1_000, ecr=Trigger(600, 2021, 700), ecr_quantity=500
)


def test_containment_trigger_rises_7_percent_a_year_rounded_each_year() -> None:
    # $13.00 in 2021 (anchors §A.5) -> 13.91, 14.88, 15.92 [derived]; $6.00 -> 6.42, 6.87, 7.35
    assert [RGGI.ccr.price(y) for y in range(2021, 2025)] == [1_300, 1_391, 1_488, 1_592]  # type: ignore[union-attr]
    assert [RGGI.ecr.price(y) for y in range(2021, 2025)] == [600, 642, 687, 735]  # type: ignore[union-attr]


def test_ecr_withholds_what_the_bids_at_the_trigger_leave_unsold() -> None:
    bids = [(700, 300), (650, 400), (500, 900)]  # 2021: trigger 600 -> 700 t at or above it
    assert ecr_withheld(RGGI, 2021, supply=1_000, bids=bids) == 300


def test_ecr_withholds_at_most_its_quantity() -> None:
    assert ecr_withheld(RGGI, 2021, supply=1_000, bids=[(500, 5_000)]) == 500


def test_ecr_withholds_nothing_when_demand_at_the_trigger_covers_the_supply() -> None:
    assert ecr_withheld(RGGI, 2021, supply=1_000, bids=[(601, 1_000)]) == 0


def test_ccr_releases_the_demand_above_the_trigger_beyond_the_supply() -> None:
    bids = [(1_500, 900), (1_400, 500), (1_200, 800)]  # 2021: 1,400 t above 13.00
    assert ccr_released(RGGI, 2021, supply=1_000, bids=bids, left=10_000) == 400
    assert ccr_released(RGGI, 2021, supply=1_000, bids=bids, left=150) == 150
    assert ccr_released(RGGI, 2023, supply=1_000, bids=bids, left=10_000) == 0  # 14.88 in 2023


def test_pcr_offers_each_tier_the_auction_price_reached_at_its_fixed_price() -> None:
    pcr = PriceContainmentRules(((4_140, 100), (5_320, 200)))
    assert pcr_offer(pcr, 4_000, (0, 0)) == ()
    assert pcr_offer(pcr, 4_140, (0, 0)) == ((4_140, 100),)
    assert pcr_offer(pcr, 6_000, (30, 0)) == ((4_140, 70), (5_320, 200))
    assert pcr_offer(pcr, 6_000, (100, 0)) == ((5_320, 200),)


def test_pcr_tiers_must_be_cheapest_first() -> None:
    with pytest.raises(ValueError, match="cheapest first"):
        PriceContainmentRules(((5_320, 1), (4_140, 1)))


# --- China-style band reserve --------------------------------------------------------------------

BAND = BandReserveRules(low=40_00, high=120_00, days=3, quantity=1_000)


def test_band_reserve_releases_after_n_closes_above_the_band() -> None:
    assert band_trigger(BAND, [100_00, 121_00, 125_00, 130_00]) is BandAction.RELEASE


def test_band_reserve_buys_back_after_n_closes_below_the_band() -> None:
    assert band_trigger(BAND, [39_00, 38_00, 39_99]) is BandAction.BUY_BACK


def test_band_reserve_does_nothing_when_one_close_of_the_n_is_inside_the_band() -> None:
    assert band_trigger(BAND, [121_00, 120_00, 125_00]) is None
    assert band_trigger(BAND, [121_00, 125_00]) is None  # fewer than N closes


def test_band_reserve_rules_must_have_low_below_high() -> None:
    with pytest.raises(ValueError, match="low < high"):
        BandReserveRules(low=120_00, high=40_00, days=3, quantity=1)


# --- presets -------------------------------------------------------------------------------------


def test_cn_preset_has_no_stability_mechanism() -> None:
    r = CN.reserves
    assert (r.msr, r.containment, r.price_containment, r.band) == (None, None, None, None)


def test_reserve_presets_mark_their_unpublished_parameters_unconfirmed() -> None:
    assert PRESETS["eu-like"].reserves.msr == MSR
    assert {"reserves.band.low", "reserves.band.days"} <= set(PRESETS["cn-reserve"].unconfirmed)
    assert "reserves.price_containment.tiers" in PRESETS["wci-like"].unconfirmed
