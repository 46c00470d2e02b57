"""Provinces of the synthetic population: division codes, names, places and weights.

The 2-digit codes and the city-level codes (``370300`` 淄博) are GB/T 2260 administrative
division codes; a credit code carries one of them in characters 3-8.

The weights are approximations, not statistics: relative numbers of covered power entities per
province, shaped after the coal-power geography of 2019 (Shandong, Jiangsu, Inner Mongolia,
Shanxi, Henan, Zhejiang, Hebei lead; pilot-market regions are small), and for 2025 the
relative weights of steel, cement and aluminium plants. The tilts shift the unit mix where it
differs from the national average: gas where gas power is built (the Yangtze delta,
Guangdong, Beijing, Sichuan), unconventional coal (coal gangue, slime, CFB) in mining
provinces, air cooling in the arid north.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Place:
    """A prefecture-level city (or a district of a municipality) with its division code."""

    code: str
    name: str
    name_en: str


@dataclass(frozen=True, slots=True)
class Province:
    """A provincial-level division and how the population uses it."""

    code: str
    name: str
    short: str
    name_en: str
    power_weight: int
    gas_tilt_pct: int
    unconventional_tilt_pct: int
    air_cooled_pct: int
    steel_weight: int
    cement_weight: int
    aluminium_weight: int
    places: tuple[Place, ...]


def _places(*items: tuple[str, str, str]) -> tuple[Place, ...]:
    return tuple(Place(code, name, name_en) for code, name, name_en in items)


def _p(
    code: str,
    name: str,
    short: str,
    name_en: str,
    weights: tuple[int, int, int, int, int, int, int],
    places: tuple[Place, ...],
) -> Province:
    power, gas, unconv, air, steel, cement, alu = weights
    return Province(code, name, short, name_en, power, gas, unconv, air, steel, cement, alu, places)


# weights: (power, gas tilt %, unconventional tilt %, air-cooled %, steel, cement, aluminium)
PROVINCES: tuple[Province, ...] = (
    _p("11", "北京市", "北京", "Beijing", (6, 2000, 0, 20, 0, 2, 0), _places(
        ("110105", "朝阳", "Chaoyang"), ("110106", "丰台", "Fengtai"),
        ("110111", "房山", "Fangshan"), ("110112", "通州", "Tongzhou"))),
    _p("12", "天津市", "天津", "Tianjin", (15, 200, 50, 10, 6, 3, 0), _places(
        ("120110", "东丽", "Dongli"), ("120112", "津南", "Jinnan"),
        ("120116", "滨海", "Binhai"), ("120114", "武清", "Wuqing"))),
    _p("13", "河北省", "河北", "Hebei", (75, 60, 80, 30, 60, 45, 0), _places(
        ("130100", "石家庄", "Shijiazhuang"), ("130200", "唐山", "Tangshan"),
        ("130300", "秦皇岛", "Qinhuangdao"), ("130400", "邯郸", "Handan"),
        ("130600", "保定", "Baoding"), ("130700", "张家口", "Zhangjiakou"),
        ("130900", "沧州", "Cangzhou"), ("131100", "衡水", "Hengshui"))),
    _p("14", "山西省", "山西", "Shanxi", (80, 20, 300, 60, 15, 30, 5), _places(
        ("140100", "太原", "Taiyuan"), ("140200", "大同", "Datong"),
        ("140300", "阳泉", "Yangquan"), ("140400", "长治", "Changzhi"),
        ("140500", "晋城", "Jincheng"), ("140600", "朔州", "Shuozhou"),
        ("140700", "晋中", "Jinzhong"), ("141000", "临汾", "Linfen"))),
    _p("15", "内蒙古自治区", "内蒙古", "Inner Mongolia", (95, 20, 200, 70, 6, 30, 12), _places(
        ("150100", "呼和浩特", "Hohhot"), ("150200", "包头", "Baotou"),
        ("150300", "乌海", "Wuhai"), ("150400", "赤峰", "Chifeng"),
        ("150500", "通辽", "Tongliao"), ("150600", "鄂尔多斯", "Ordos"),
        ("150700", "呼伦贝尔", "Hulunbuir"), ("150900", "乌兰察布", "Ulanqab"))),
    _p("21", "辽宁省", "辽宁", "Liaoning", (60, 30, 60, 15, 15, 25, 1), _places(
        ("210100", "沈阳", "Shenyang"), ("210200", "大连", "Dalian"),
        ("210300", "鞍山", "Anshan"), ("210400", "抚顺", "Fushun"),
        ("210700", "锦州", "Jinzhou"), ("210800", "营口", "Yingkou"),
        ("210900", "阜新", "Fuxin"), ("211100", "盘锦", "Panjin"))),
    _p("22", "吉林省", "吉林", "Jilin", (40, 20, 60, 15, 3, 15, 0), _places(
        ("220100", "长春", "Changchun"), ("220200", "吉林", "Jilin"),
        ("220300", "四平", "Siping"), ("220500", "通化", "Tonghua"),
        ("220700", "松原", "Songyuan"), ("220800", "白城", "Baicheng"))),
    _p("23", "黑龙江省", "黑龙江", "Heilongjiang", (60, 10, 150, 15, 2, 15, 0), _places(
        ("230100", "哈尔滨", "Harbin"), ("230200", "齐齐哈尔", "Qiqihar"),
        ("230300", "鸡西", "Jixi"), ("230400", "鹤岗", "Hegang"),
        ("230500", "双鸭山", "Shuangyashan"), ("230600", "大庆", "Daqing"),
        ("230800", "佳木斯", "Jiamusi"), ("231000", "牡丹江", "Mudanjiang"))),
    _p("31", "上海市", "上海", "Shanghai", (12, 300, 0, 0, 2, 2, 0), _places(
        ("310115", "浦东", "Pudong"), ("310112", "闵行", "Minhang"),
        ("310113", "宝山", "Baoshan"), ("310116", "金山", "Jinshan"))),
    _p("32", "江苏省", "江苏", "Jiangsu", (140, 250, 40, 0, 25, 45, 0), _places(
        ("320100", "南京", "Nanjing"), ("320200", "无锡", "Wuxi"),
        ("320300", "徐州", "Xuzhou"), ("320400", "常州", "Changzhou"),
        ("320500", "苏州", "Suzhou"), ("320600", "南通", "Nantong"),
        ("320700", "连云港", "Lianyungang"), ("320900", "盐城", "Yancheng"),
        ("321000", "扬州", "Yangzhou"), ("321100", "镇江", "Zhenjiang"),
        ("321200", "泰州", "Taizhou"), ("321300", "宿迁", "Suqian"))),
    _p("33", "浙江省", "浙江", "Zhejiang", (80, 250, 20, 0, 4, 45, 0), _places(
        ("330100", "杭州", "Hangzhou"), ("330200", "宁波", "Ningbo"),
        ("330300", "温州", "Wenzhou"), ("330400", "嘉兴", "Jiaxing"),
        ("330500", "湖州", "Huzhou"), ("330600", "绍兴", "Shaoxing"),
        ("330700", "金华", "Jinhua"), ("331000", "台州", "Taizhou"))),
    _p("34", "安徽省", "安徽", "Anhui", (45, 30, 150, 5, 6, 60, 0), _places(
        ("340100", "合肥", "Hefei"), ("340200", "芜湖", "Wuhu"),
        ("340300", "蚌埠", "Bengbu"), ("340400", "淮南", "Huainan"),
        ("340500", "马鞍山", "Maanshan"), ("340600", "淮北", "Huaibei"),
        ("340700", "铜陵", "Tongling"), ("341200", "阜阳", "Fuyang"))),
    _p("35", "福建省", "福建", "Fujian", (30, 80, 40, 0, 6, 35, 0), _places(
        ("350100", "福州", "Fuzhou"), ("350200", "厦门", "Xiamen"),
        ("350300", "莆田", "Putian"), ("350500", "泉州", "Quanzhou"),
        ("350600", "漳州", "Zhangzhou"), ("350800", "龙岩", "Longyan"),
        ("350900", "宁德", "Ningde"))),
    _p("36", "江西省", "江西", "Jiangxi", (20, 20, 80, 0, 5, 40, 0), _places(
        ("360100", "南昌", "Nanchang"), ("360300", "萍乡", "Pingxiang"),
        ("360400", "九江", "Jiujiang"), ("360700", "赣州", "Ganzhou"),
        ("360900", "宜春", "Yichun"), ("361100", "上饶", "Shangrao"))),
    _p("37", "山东省", "山东", "Shandong", (230, 30, 60, 10, 20, 60, 12), _places(
        ("370100", "济南", "Jinan"), ("370200", "青岛", "Qingdao"),
        ("370300", "淄博", "Zibo"), ("370400", "枣庄", "Zaozhuang"),
        ("370500", "东营", "Dongying"), ("370600", "烟台", "Yantai"),
        ("370700", "潍坊", "Weifang"), ("370800", "济宁", "Jining"),
        ("370900", "泰安", "Tai'an"), ("371000", "威海", "Weihai"),
        ("371100", "日照", "Rizhao"), ("371300", "临沂", "Linyi"),
        ("371400", "德州", "Dezhou"), ("371500", "聊城", "Liaocheng"),
        ("371600", "滨州", "Binzhou"), ("371700", "菏泽", "Heze"))),
    _p("41", "河南省", "河南", "Henan", (80, 40, 150, 15, 8, 50, 8), _places(
        ("410100", "郑州", "Zhengzhou"), ("410300", "洛阳", "Luoyang"),
        ("410400", "平顶山", "Pingdingshan"), ("410500", "安阳", "Anyang"),
        ("410700", "新乡", "Xinxiang"), ("410800", "焦作", "Jiaozuo"),
        ("411200", "三门峡", "Sanmenxia"), ("411300", "南阳", "Nanyang"),
        ("411400", "商丘", "Shangqiu"), ("411500", "信阳", "Xinyang"))),
    _p("42", "湖北省", "湖北", "Hubei", (30, 60, 60, 0, 6, 40, 1), _places(
        ("420100", "武汉", "Wuhan"), ("420200", "黄石", "Huangshi"),
        ("420500", "宜昌", "Yichang"), ("420600", "襄阳", "Xiangyang"),
        ("420700", "鄂州", "Ezhou"), ("420800", "荆门", "Jingmen"),
        ("421000", "荆州", "Jingzhou"))),
    _p("43", "湖南省", "湖南", "Hunan", (20, 30, 80, 0, 4, 45, 0), _places(
        ("430100", "长沙", "Changsha"), ("430200", "株洲", "Zhuzhou"),
        ("430300", "湘潭", "Xiangtan"), ("430400", "衡阳", "Hengyang"),
        ("430600", "岳阳", "Yueyang"), ("430700", "常德", "Changde"),
        ("431300", "娄底", "Loudi"))),
    _p("44", "广东省", "广东", "Guangdong", (60, 300, 10, 0, 6, 60, 0), _places(
        ("440100", "广州", "Guangzhou"), ("440200", "韶关", "Shaoguan"),
        ("440300", "深圳", "Shenzhen"), ("440400", "珠海", "Zhuhai"),
        ("440600", "佛山", "Foshan"), ("440700", "江门", "Jiangmen"),
        ("440800", "湛江", "Zhanjiang"), ("440900", "茂名", "Maoming"),
        ("441300", "惠州", "Huizhou"), ("441900", "东莞", "Dongguan"))),
    _p("45", "广西壮族自治区", "广西", "Guangxi", (20, 40, 40, 0, 6, 45, 8), _places(
        ("450100", "南宁", "Nanning"), ("450200", "柳州", "Liuzhou"),
        ("450300", "桂林", "Guilin"), ("450500", "北海", "Beihai"),
        ("450600", "防城港", "Fangchenggang"), ("451000", "百色", "Baise"))),
    _p("46", "海南省", "海南", "Hainan", (5, 200, 0, 0, 0, 6, 0), _places(
        ("460100", "海口", "Haikou"), ("460200", "三亚", "Sanya"),
        ("460400", "儋州", "Danzhou"))),
    _p("50", "重庆市", "重庆", "Chongqing", (15, 60, 150, 0, 3, 30, 2), _places(
        ("500101", "万州", "Wanzhou"), ("500102", "涪陵", "Fuling"),
        ("500110", "綦江", "Qijiang"), ("500115", "长寿", "Changshou"))),
    _p("51", "四川省", "四川", "Sichuan", (20, 250, 150, 0, 6, 60, 4), _places(
        ("510100", "成都", "Chengdu"), ("510300", "自贡", "Zigong"),
        ("510400", "攀枝花", "Panzhihua"), ("510500", "泸州", "Luzhou"),
        ("510600", "德阳", "Deyang"), ("511100", "乐山", "Leshan"),
        ("511500", "宜宾", "Yibin"), ("511700", "达州", "Dazhou"))),
    _p("52", "贵州省", "贵州", "Guizhou", (25, 10, 250, 0, 2, 45, 6), _places(
        ("520100", "贵阳", "Guiyang"), ("520200", "六盘水", "Liupanshui"),
        ("520300", "遵义", "Zunyi"), ("520400", "安顺", "Anshun"),
        ("520500", "毕节", "Bijie"))),
    _p("53", "云南省", "云南", "Yunnan", (12, 10, 150, 0, 5, 50, 10), _places(
        ("530100", "昆明", "Kunming"), ("530300", "曲靖", "Qujing"),
        ("530400", "玉溪", "Yuxi"), ("530600", "昭通", "Zhaotong"),
        ("532500", "红河", "Honghe"))),
    _p("61", "陕西省", "陕西", "Shaanxi", (45, 30, 200, 50, 4, 30, 2), _places(
        ("610100", "西安", "Xi'an"), ("610200", "铜川", "Tongchuan"),
        ("610300", "宝鸡", "Baoji"), ("610400", "咸阳", "Xianyang"),
        ("610500", "渭南", "Weinan"), ("610800", "榆林", "Yulin"))),
    _p("62", "甘肃省", "甘肃", "Gansu", (20, 10, 80, 50, 3, 25, 6), _places(
        ("620100", "兰州", "Lanzhou"), ("620200", "嘉峪关", "Jiayuguan"),
        ("620300", "金昌", "Jinchang"), ("620400", "白银", "Baiyin"),
        ("620700", "张掖", "Zhangye"), ("620900", "酒泉", "Jiuquan"))),
    _p("63", "青海省", "青海", "Qinghai", (5, 100, 20, 40, 1, 8, 6), _places(
        ("630100", "西宁", "Xining"), ("632800", "海西", "Haixi"))),
    _p("64", "宁夏回族自治区", "宁夏", "Ningxia", (25, 10, 80, 70, 1, 10, 4), _places(
        ("640100", "银川", "Yinchuan"), ("640200", "石嘴山", "Shizuishan"),
        ("640300", "吴忠", "Wuzhong"), ("640500", "中卫", "Zhongwei"))),
    _p("65", "新疆维吾尔自治区", "新疆", "Xinjiang", (60, 20, 60, 60, 4, 35, 10), _places(
        ("650100", "乌鲁木齐", "Urumqi"), ("650200", "克拉玛依", "Karamay"),
        ("650500", "哈密", "Hami"), ("652300", "昌吉", "Changji"),
        ("652800", "巴音郭楞", "Bayingolin"), ("654000", "伊犁", "Ili"))),
)  # fmt: skip

_BY_CODE = {p.code: p for p in PROVINCES}


def province_by_code(code: str) -> Province:
    """The province with the 2-digit division code ``code`` (``"37"`` is Shandong)."""
    try:
        return _BY_CODE[code]
    except KeyError:
        raise KeyError(f"no province with division code {code!r}") from None
