"""What a register says of a synthetic subject besides its identity: its industry section
(国民经济行业分类 GB/T 4754-2017, one letter A–T) and its enterprise size (统计上大中小微型
企业划分办法).

The section follows the line of business the name already shows (科技 → M, 餐饮服务 → H,
a noodle shop → H), so no random draw is spent on it; the size is drawn last of a subject's
draws, so adding it changed none of the others.
"""

from __future__ import annotations

import itertools
import random

# The section each word of `pools` suggests.
ENTERPRISE_INDUSTRIES: dict[str, str] = {
    "科技": "M", "信息技术": "I", "网络科技": "I", "电子科技": "C", "生物科技": "M",
    "医药科技": "C", "新能源科技": "M", "商贸": "F", "贸易": "F", "国际贸易": "F",
    "建筑工程": "E", "建设工程": "E", "装饰工程": "E", "市政工程": "E", "物流": "G",
    "供应链管理": "L", "国际货运代理": "G", "餐饮管理": "H", "餐饮服务": "H", "食品": "C",
    "酒店管理": "H", "物业管理": "K", "房地产开发": "K", "机械设备": "C", "汽车销售": "F",
    "汽车服务": "O", "化工": "C", "新材料": "C", "环保科技": "N", "能源": "D", "电力工程": "E",
    "印刷": "C", "文化传媒": "R", "广告": "L", "教育科技": "P", "健康管理": "Q",
    "医疗器械": "C", "农业科技": "A", "劳务服务": "L", "人力资源服务": "L",
    "企业管理咨询": "L", "金属制品": "C", "塑料制品": "C", "钢铁贸易": "F", "运输": "G",
}  # fmt: skip
SHOP_INDUSTRIES: dict[str, str] = {
    "面馆": "H", "包子铺": "H", "早点铺": "H", "饭店": "H", "小吃店": "H", "烧烤店": "H",
    "火锅店": "H", "饺子馆": "H", "水果店": "F", "便利店": "F", "超市": "F", "日用百货店": "F",
    "五金店": "F", "理发店": "O", "美容美发店": "O", "洗衣店": "O", "修车行": "O",
    "汽车维修部": "O", "家电维修部": "O", "手机维修店": "O", "服装店": "F", "鞋店": "F",
    "粮油店": "F", "蔬菜店": "F", "干洗店": "O", "烟酒店": "F", "药店": "F", "打印部": "L",
    "装饰材料店": "F", "建材经营部": "F", "茶叶店": "F", "花店": "F", "眼镜店": "F",
}  # fmt: skip
SOCIAL_ORG_INDUSTRIES: dict[str, str] = {
    "协会": "S", "商会": "S", "学会": "S", "培训学校": "P", "养老院": "Q",
    "社会工作服务中心": "Q", "幼儿园": "P", "慈善基金会": "S",
}  # fmt: skip
INSTITUTION_INDUSTRIES: dict[str, str] = {
    "中学": "P", "小学": "P", "职业学校": "P", "医院": "Q", "社区卫生服务中心": "Q",
    "疾病预防控制中心": "Q", "图书馆": "R", "文化馆": "R", "研究所": "M",
    "检验检测中心": "M", "规划设计院": "M", "档案馆": "R",
}  # fmt: skip
COOPERATIVE_INDUSTRY = "A"
COMMUNITY_INDUSTRY = "S"
"""Village collectives and other organisations (业主委员会, 调解委员会 …): 基层群众自治组织."""

# (size, weight per thousand) by synthetic kind: the size classes apply to enterprises,
# and to individual businesses and cooperatives by reference; about four in five
# enterprises are micro, a few in a thousand large. Other kinds have no size.
SIZES: dict[str, tuple[tuple[str, int], ...]] = {
    "enterprise": (("large", 5), ("medium", 25), ("small", 170), ("micro", 800)),
    "cooperative": (("medium", 5), ("small", 95), ("micro", 900)),
    "individual": (("small", 10), ("micro", 990)),
}
_SIZE_CHOICES = {
    kind: ([s for s, _ in weights], list(itertools.accumulate(w for _, w in weights)))
    for kind, weights in SIZES.items()
}


def size(rng: random.Random, kind: str) -> str:
    """The size class of a subject of synthetic `kind` ('' for kinds that have none); draws
    from `rng` only for kinds that have one."""
    choices = _SIZE_CHOICES.get(kind)
    if choices is None:
        return ""
    sizes, cumulative = choices
    return rng.choices(sizes, cum_weights=cumulative)[0]
