"""Company names and credit codes for synthetic entities.

Names follow the usual shape of a Chinese company name: place (province or city) + trade name
(字号) + line of business + legal form, e.g. 淄博恒源热电有限公司 / Zibo Hengyuan Thermal Power
Co., Ltd. The trade names are generic words; none is a real group's brand.

Credit codes (GB 32100) are 91 (enterprise registered with market regulation) + the
division code of the place + a 9-character organisation code with its GB 11714 check character
+ the GB 32100 check character, so both check characters are right.
"""

from __future__ import annotations

import random

from openets.domain.identity import USCC_ALPHABET, make_uscc
from openets.sim.population_geo import Place, Province

TRADE_NAMES: tuple[tuple[str, str], ...] = (
    ("恒源", "Hengyuan"), ("鑫源", "Xinyuan"), ("金桥", "Jinqiao"), ("宏达", "Hongda"),
    ("泰和", "Taihe"), ("永安", "Yong'an"), ("瑞丰", "Ruifeng"), ("东方", "Dongfang"),
    ("长城", "Changcheng"), ("新华", "Xinhua"), ("海通", "Haitong"), ("天成", "Tiancheng"),
    ("兴隆", "Xinglong"), ("盛源", "Shengyuan"), ("广源", "Guangyuan"), ("嘉禾", "Jiahe"),
    ("昌盛", "Changsheng"), ("鸿运", "Hongyun"), ("富源", "Fuyuan"), ("德隆", "Delong"),
    ("裕华", "Yuhua"), ("通达", "Tongda"), ("晨光", "Chenguang"), ("阳光", "Yangguang"),
    ("远大", "Yuanda"), ("建新", "Jianxin"), ("北辰", "Beichen"), ("南山", "Nanshan"),
    ("丰源", "Fengyuan"), ("金山", "Jinshan"), ("银河", "Yinhe"), ("明珠", "Mingzhu"),
    ("宝华", "Baohua"), ("安泰", "Antai"), ("康达", "Kangda"), ("立信", "Lixin"),
    ("信达", "Xinda"), ("华鑫", "Huaxin"), ("国泰", "Guotai"), ("祥和", "Xianghe"),
    ("润泽", "Runze"), ("博瑞", "Borui"), ("联合", "Lianhe"), ("恒通", "Hengtong"),
    ("永泰", "Yongtai"), ("众诚", "Zhongcheng"), ("三友", "Sanyou"), ("金晟", "Jinsheng"),
    ("聚源", "Juyuan"), ("宏图", "Hongtu"), ("恒信", "Hengxin"), ("和平", "Heping"),
    ("汇通", "Huitong"), ("天元", "Tianyuan"), ("中联", "Zhonglian"), ("华盛", "Huasheng"),
    ("龙源", "Longyuan"), ("正阳", "Zhengyang"), ("九州", "Jiuzhou"), ("瑞源", "Ruiyuan"),
)  # fmt: skip

LINES_OF_BUSINESS: dict[str, tuple[tuple[str, str], ...]] = {
    "coal_large": (
        ("发电", "Power Generation"), ("电力", "Electric Power"), ("能源", "Energy"),
        ("第二发电", "No. 2 Power Generation"), ("煤电", "Coal Power"),
    ),
    "coal_small": (
        ("热电", "Thermal Power"), ("热电", "Thermal Power"), ("热力", "Heat and Power"),
        ("能源", "Energy"), ("化工", "Chemical"), ("纸业", "Paper"), ("纺织", "Textile"),
        ("石化", "Petrochemical"), ("焦化", "Coking"), ("铝业", "Aluminium"),
    ),
    "unconventional": (
        ("煤矸石发电", "Coal Gangue Power Generation"),
        ("综合利用发电", "Resource Utilisation Power"), ("矿业", "Mining"),
        ("煤电", "Coal Power"), ("循环经济", "Circular Economy"),
    ),
    "gas": (
        ("燃气发电", "Gas Power Generation"), ("燃机热电", "Gas Turbine Cogeneration"),
        ("天然气发电", "Natural Gas Power Generation"), ("综合能源", "Integrated Energy"),
    ),
    "steel": (("钢铁", "Iron and Steel"), ("特钢", "Special Steel"), ("钢铁", "Iron and Steel")),
    "cement": (("水泥", "Cement"), ("水泥", "Cement"), ("建材", "Building Materials")),
    "aluminium": (("铝业", "Aluminium"), ("铝电", "Aluminium and Power")),
}  # fmt: skip

LEGAL_FORMS: tuple[tuple[str, str], ...] = (
    ("有限公司", "Co., Ltd."),
    ("有限公司", "Co., Ltd."),
    ("有限责任公司", "Co., Ltd."),
    ("股份有限公司", "Co., Ltd."),
)

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_MAX_ATTEMPTS = 200


def org_code_check_char(body8: str) -> str:
    """The GB 11714 check character of an 8-character organisation code body."""
    total = sum(_org_value(c) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 10:
        return "X"
    if check == 11:
        return "0"
    return str(check)


def _org_value(c: str) -> int:
    return int(c) if c.isdigit() else ord(c) - ord("A") + 10


def draw_uscc(rng: random.Random, division_code: str) -> str:
    """A valid credit code of an enterprise registered at ``division_code``.

    About two codes in three carry a numeric organisation code of the pre-2015 kind; the rest
    are of the newer ``MA…`` kind.
    """
    if rng.randrange(3) < 2:
        body8 = "".join(str(rng.randrange(10)) for _ in range(8))
    else:
        body8 = "MA" + "".join(rng.choice(USCC_ALPHABET) for _ in range(6))
    return make_uscc("91" + division_code + body8 + org_code_check_char(body8))


class NameBook:
    """Draws company names and credit codes, never the same one twice in a population."""

    __slots__ = ("_codes", "_names")

    def __init__(self) -> None:
        self._names: set[str] = set()
        self._codes: set[str] = set()

    def draw(self, rng: random.Random, province: Province, business: str) -> tuple[str, str, Place]:
        """A fresh (Chinese name, English name, place) for a company of ``business``."""
        lines = LINES_OF_BUSINESS[business]
        for attempt in range(_MAX_ATTEMPTS):
            place = rng.choice(province.places)
            use_city = rng.randrange(2) == 0
            where_cn, where_en = (
                (place.name, place.name_en) if use_city else (province.short, province.name_en)
            )
            trade_cn, trade_en = rng.choice(TRADE_NAMES)
            if attempt >= _MAX_ATTEMPTS // 2:
                # Crowded province: a four-character trade name, as many real firms use.
                more_cn, more_en = rng.choice(TRADE_NAMES)
                trade_cn, trade_en = trade_cn + more_cn, trade_en + more_en.lower()
            line_cn, line_en = rng.choice(lines)
            form_cn, form_en = rng.choice(LEGAL_FORMS)
            name = f"{where_cn}{trade_cn}{line_cn}{form_cn}"
            if name not in self._names:
                self._names.add(name)
                return name, f"{where_en} {trade_en} {line_en} {form_en}", place
        raise RuntimeError(f"no free company name left in {province.name_en} for {business}")

    def uscc(self, rng: random.Random, division_code: str) -> str:
        """A credit code at ``division_code`` that no other entity of the population has."""
        while True:
            code = draw_uscc(rng, division_code)
            if code not in self._codes:
                self._codes.add(code)
                return code
