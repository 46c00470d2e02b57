"""Every synthetic entity has a valid, unique identity that fits its province."""

from __future__ import annotations

import random
from functools import lru_cache

import pytest

from openets.domain.identity import uscc_error
from openets.sim.population import Population, Sector, generate_population
from openets.sim.population_geo import PROVINCES, province_by_code
from openets.sim.population_names import draw_uscc, org_code_check_char

pytestmark = pytest.mark.db_free


@lru_cache(maxsize=1)
def _population() -> Population:
    return generate_population(year=2025, include_industry=True)


def test_every_credit_code_passes_the_gb_32100_check() -> None:
    bad = [(e.entity_id, e.uscc, uscc_error(e.uscc)) for e in _population().entities]
    assert [b for b in bad if b[2] is not None] == []


def test_every_organisation_code_passes_the_gb_11714_check() -> None:
    for entity in _population().entities:
        org = entity.uscc[8:17]
        assert org[8] == org_code_check_char(org[:8]), entity.uscc


def test_credit_codes_are_unique() -> None:
    codes = [e.uscc for e in _population().entities]
    assert len(set(codes)) == len(codes)


def test_credit_code_carries_a_division_code_of_the_entitys_province() -> None:
    for entity in _population().entities:
        division = entity.uscc[2:8]
        assert division[:2] == entity.province
        assert division in {p.code for p in province_by_code(entity.province).places}


def test_credit_codes_are_of_enterprises_registered_with_market_regulation() -> None:
    assert {e.uscc[:2] for e in _population().entities} == {"91"}


def test_company_names_are_unique_in_chinese() -> None:
    names = [e.name for e in _population().entities]
    assert len(set(names)) == len(names)


def test_chinese_name_starts_with_the_province_or_one_of_its_cities() -> None:
    for entity in _population().entities:
        province = province_by_code(entity.province)
        starts = (province.short, *(p.name for p in province.places))
        assert entity.name.startswith(starts), entity.name
        assert entity.name.endswith("公司"), entity.name


def test_english_name_is_ascii_and_names_the_legal_form() -> None:
    for entity in _population().entities:
        assert entity.name_en.isascii() and entity.name_en.endswith("Co., Ltd."), entity.name_en


@pytest.mark.parametrize(
    ("sector", "word"),
    [(Sector.STEEL, "钢"), (Sector.CEMENT, ("水泥", "建材")), (Sector.ALUMINIUM, "铝")],
)
def test_industry_names_say_what_the_company_makes(
    sector: Sector, word: str | tuple[str, ...]
) -> None:
    words = (word,) if isinstance(word, str) else word
    for entity in _population().sector(sector):
        assert any(w in entity.name for w in words), entity.name


def test_every_province_code_is_a_known_province() -> None:
    known = {p.code for p in PROVINCES}
    assert {e.province for e in _population().entities} <= known


def test_place_codes_belong_to_their_province() -> None:
    for province in PROVINCES:
        for place in province.places:
            assert place.code.startswith(province.code) and len(place.code) == 6


def test_drawn_credit_code_is_valid_for_any_division() -> None:
    rng = random.Random(5)
    for province in PROVINCES:
        for place in province.places:
            code = draw_uscc(rng, place.code)
            assert uscc_error(code) is None and code[2:8] == place.code


def test_unknown_province_code_is_named_in_the_error() -> None:
    with pytest.raises(KeyError, match="'99'"):
        province_by_code("99")
