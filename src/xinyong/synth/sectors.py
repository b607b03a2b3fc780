"""What each kind of department decides: violations and legal bases, licences and their numbers.

Keyed by the `sector` of departments.yaml. A sector not listed here makes no 双公示 records
(the credit office, courts, audit …). Text placeholders are filled by `records.py`:
`{name}` the subject, `{when}` a date before the decision, `{place}` a district, and in
licence numbers `{region}` `{year}` `{seq}` `{d7}` `{t}` `{uscc}`. No licence number
embeds a citizen ID (some real ones do): it would carry a personal identifier into a column
that is not treated as one.
"""

from __future__ import annotations

from dataclasses import dataclass

BUSINESS = frozenset({"enterprise", "individual", "cooperative"})
ENTERPRISE = frozenset({"enterprise"})
ORGANISATION = frozenset({"enterprise", "cooperative", "social", "institution", "rural", "other"})
PRODUCERS = frozenset({"enterprise", "cooperative", "institution"})
HEALTH_CARE = frozenset({"enterprise", "individual", "institution", "social"})
PERSON = frozenset({"person"})
SOCIAL = frozenset({"social"})
FARM = frozenset({"cooperative", "rural", "individual", "enterprise"})
LAND_USERS = frozenset({"enterprise", "cooperative", "rural"})


@dataclass(frozen=True, slots=True)
class PenaltyKind:
    violation: str  # 违法行为类型
    fact: str  # 违法事实
    basis: str  # 处罚依据
    subjects: frozenset[str]
    fine: tuple[float, float]  # 万元, the usual range for a general case
    heavy: str = "责令停产停业"  # the category a serious case adds
    licence: str = ""  # certificate suspended or revoked in a serious case
    confiscates: bool = False


@dataclass(frozen=True, slots=True)
class LicenceKind:
    document: str  # 行政许可决定文书名称
    category: str  # 许可类别: 普通/特许/认可/核准/登记/其他
    certificate: str  # 许可证书名称
    number: str  # 许可编号 pattern
    content: str  # 许可内容
    years: int  # validity; 0 = long-term (有效期至 2099-12-31)
    subjects: frozenset[str]


@dataclass(frozen=True, slots=True)
class Sector:
    abbr: str  # in document numbers: 津{abbr}罚〔2026〕123号
    penalty_weight: int
    licence_weight: int
    penalties: tuple[PenaltyKind, ...]
    licences: tuple[LicenceKind, ...]


P, L = PenaltyKind, LicenceKind
_APPROVE = "准予行政许可决定书"

SECTORS: dict[str, Sector] = {
    "market_regulation": Sector("市监", 30, 30, (
        P("虚假宣传",
          "{when}，当事人{name}在其经营场所及网络店铺对商品作虚假的商业宣传，欺骗、误导消费者",
          "《中华人民共和国反不正当竞争法》第二十条第一款", BUSINESS, (0.5, 20.0),
          confiscates=True),
        P("销售不符合食品安全标准的食品",
          "{when}，执法人员检查发现当事人{name}销售超过保质期的食品",
          "《中华人民共和国食品安全法》第一百二十四条第一款", BUSINESS, (0.5, 10.0),
          "吊销许可证件", "食品经营许可证", True),
        P("未按规定明码标价", "{when}，当事人{name}销售商品未按照规定明码标价",
          "《中华人民共和国价格法》第四十二条", BUSINESS, (0.05, 0.5)),
        P("销售侵犯注册商标专用权的商品", "{when}，当事人{name}销售侵犯他人注册商标专用权的商品",
          "《中华人民共和国商标法》第六十条第二款", BUSINESS, (0.3, 25.0), confiscates=True),
        P("使用未经检验的特种设备", "{when}，当事人{name}使用未经定期检验的电梯",
          "《中华人民共和国特种设备安全法》第八十四条第一项", ORGANISATION, (3.0, 30.0)),
    ), (
        L("食品经营许可决定书", "普通", "食品经营许可证", "JY{t}{region}{d7}",
          "预包装食品（含冷藏冷冻食品）销售；热食类食品制售", 5, BUSINESS),
        L("食品生产许可决定书", "普通", "食品生产许可证", "SC{t}{region}{d7}",
          "糕点；速冻食品", 5, ENTERPRISE),
        L("特种设备使用登记决定书", "登记", "特种设备使用登记证", "梯11津{region}({year}){seq}",
          "曳引驱动乘客电梯使用登记", 0, ORGANISATION),
    )),
    "tax": Sector("税稽", 14, 4, (
        P("未按期申报", "当事人{name}未按照规定期限办理{when}所属期的纳税申报和报送纳税资料",
          "《中华人民共和国税收征收管理法》第六十二条", BUSINESS, (0.02, 0.2)),
        P("偷税", "当事人{name}在账簿上多列支出、少列收入，不缴或者少缴应纳税款",
          "《中华人民共和国税收征收管理法》第六十三条第一款", ENTERPRISE, (5.0, 120.0)),
        P("虚开发票", "当事人{name}为他人开具与实际经营业务情况不符的发票",
          "《中华人民共和国发票管理办法》第三十五条", ENTERPRISE, (1.0, 50.0),
          confiscates=True),
    ), (
        L("准予税务行政许可决定书", "普通", "增值税防伪税控系统最高开票限额审批",
          "津税许{year}{seq}", "增值税专用发票最高开票限额十万元", 0, BUSINESS),
    )),
    "human_resources_social_security": Sector("人社", 3, 2, (
        P("拖欠劳动者工资",
          "经查，当事人{name}自{when}起拖欠劳动者劳动报酬，经责令限期支付后逾期未支付",
          "《保障农民工工资支付条例》第五十五条", ENTERPRISE, (2.0, 10.0), "限制开展生产经营活动"),
        P("未依法为劳动者缴纳社会保险费", "当事人{name}未按时足额缴纳社会保险费",
          "《中华人民共和国社会保险法》第八十六条", ORGANISATION, (0.1, 3.0)),
    ), (
        L(_APPROVE, "普通", "劳务派遣经营许可证", "津人社派许字〔{year}〕{seq}号",
          "劳务派遣经营", 3, ENTERPRISE),
        L(_APPROVE, "普通", "人力资源服务许可证", "{region}{year}{seq}", "职业中介活动", 5,
          ENTERPRISE),
    )),
    "housing_construction": Sector("建", 6, 8, (
        P("未取得施工许可证擅自施工", "{when}，当事人{name}未取得施工许可证擅自施工",
          "《建设工程质量管理条例》第五十七条", ENTERPRISE, (5.0, 40.0), "降低资质等级",
          "建筑业企业资质证书"),
        P("违反安全生产管理规定", "{when}，当事人{name}承建项目施工现场未按规定设置安全防护设施",
          "《建设工程安全生产管理条例》第六十二条", ENTERPRISE, (5.0, 10.0), "暂扣或吊销许可证件",
          "安全生产许可证"),
        P("注册建造师违规执业", "{when}，{name}同时在两个及以上单位受聘或者执业",
          "《注册建造师管理规定》第三十七条", PERSON, (0.1, 1.0), "限制从业"),
    ), (
        L("建筑工程施工许可决定书", "普通", "建筑工程施工许可证", "{region}{year}{d7}0101",
          "房屋建筑工程施工", 0, ENTERPRISE),
        L(_APPROVE, "核准", "建筑业企业资质证书", "D2{region}{seq}",
          "建筑工程施工总承包贰级", 5, ENTERPRISE),
        L("注册建造师注册决定书", "认可", "中华人民共和国一级建造师注册证书", "津1{region}{seq}",
          "一级建造师（建筑工程）初始注册", 3, PERSON),
    )),
    "transport": Sector("交", 6, 10, (
        P("超限运输", "{when}，当事人{name}的货运车辆在公路上擅自超限行驶",
          "《公路安全保护条例》第六十四条", BUSINESS | PERSON, (0.1, 3.0)),
        P("未取得道路运输经营许可从事经营",
          "{when}，当事人{name}未取得道路运输经营许可，擅自从事道路运输经营",
          "《中华人民共和国道路运输条例》第六十三条", BUSINESS | PERSON, (1.0, 10.0),
          confiscates=True),
        P("出租汽车驾驶员拒载", "{when}，{name}驾驶巡游出租汽车拒载乘客",
          "《巡游出租汽车经营服务管理规定》第四十七条", PERSON, (0.02, 0.2), "限制从业",
          "道路运输从业资格证"),
    ), (
        L(_APPROVE, "特许", "道路运输经营许可证", "津交运管许可{region}{seq}号",
          "道路普通货物运输", 4, BUSINESS),
        L("从业资格考试合格决定书", "认可", "道路运输从业资格证", "{region}{year}{seq}",
          "经营性道路旅客运输驾驶员", 6, PERSON),
    )),
    "ecology_environment": Sector("环", 5, 4, (
        P("超标排放大气污染物", "{when}，当事人{name}的废气排放口颗粒物排放浓度超过国家排放标准",
          "《中华人民共和国大气污染防治法》第九十九条第二项", PRODUCERS, (10.0, 100.0)),
        P("未批先建", "当事人{name}建设项目环境影响报告表未经批准即擅自开工建设",
          "《中华人民共和国环境影响评价法》第三十一条第一款", PRODUCERS, (2.0, 50.0)),
        P("危险废物未按规定贮存", "{when}，当事人{name}未按照规定设置危险废物识别标志",
          "《中华人民共和国固体废物污染环境防治法》第一百一十二条", PRODUCERS, (1.0, 10.0)),
    ), (
        L(_APPROVE, "普通", "排污许可证", "{uscc}001P", "大气污染物、水污染物排放", 5,
          PRODUCERS),
        L("建设项目环境影响报告表批复", "普通", "建设项目环境影响评价审批",
          "津环审〔{year}〕{seq}号",
          "同意项目建设", 0, PRODUCERS),
    )),
    "health": Sector("卫", 5, 8, (
        P("使用非卫生技术人员", "{when}，当事人{name}使用非卫生技术人员从事医疗卫生技术工作",
          "《医疗机构管理条例》第四十七条", HEALTH_CARE, (0.5, 5.0),
          "吊销许可证件", "医疗机构执业许可证"),
        P("公共场所卫生不合格", "{when}，当事人{name}经营的公共场所未按规定进行卫生检测",
          "《公共场所卫生管理条例实施细则》第三十六条", BUSINESS, (0.05, 0.5)),
        P("医师违规执业", "{when}，{name}未按照注册的执业地点、执业类别从事医师执业活动",
          "《中华人民共和国医师法》第五十七条", PERSON, (0.1, 2.0), "暂扣或吊销许可证件",
          "医师执业证书"),
    ), (
        L(_APPROVE, "普通", "医疗机构执业许可证", "PDY{d7}{region}17{t}", "内科；外科；预防保健科",
          5, HEALTH_CARE),
        L(_APPROVE, "普通", "公共场所卫生许可证", "津卫公证字〔{year}〕第{region}-{seq}号",
          "住宿；美容美发", 4, BUSINESS),
        L("医师执业注册决定书", "认可", "医师执业证书", "1{region}{d7}{t}", "执业类别：临床", 0,
          PERSON),
    )),
    "education": Sector("教", 1, 2, (
        P("民办学校违规招生", "{when}，当事人{name}发布虚假招生简章，骗取钱财",
          "《中华人民共和国民办教育促进法》第六十二条", SOCIAL | ENTERPRISE, (1.0, 10.0),
          "吊销许可证件", "民办学校办学许可证", True),
    ), (
        L(_APPROVE, "普通", "民办学校办学许可证", "教民{region}{d7}号", "文化教育类培训", 5,
          SOCIAL | ENTERPRISE),
    )),
    "commerce": Sector("商务", 2, 2, (
        P("单用途预付卡未按规定备案", "当事人{name}发行单用途商业预付卡，未在规定期限内办理备案",
          "《单用途商业预付卡管理办法（试行）》第三十六条", BUSINESS, (0.1, 3.0)),
    ), (
        L("行政许可决定书", "其他", "对外贸易经营者备案登记表", "0{d7}{t}",
          "对外贸易经营", 0, ENTERPRISE),
        L(_APPROVE, "普通", "拍卖经营批准证书", "津{region}{seq}", "拍卖业务", 6, ENTERPRISE),
    )),
    "statistics": Sector("统", 1, 0, (
        P("提供不真实统计资料", "当事人{name}在{when}报送的统计报表中提供不真实的统计资料",
          "《中华人民共和国统计法》第四十一条", ORGANISATION, (1.0, 20.0)),
    ), ()),
    "finance_regulation": Sector("金", 1, 0, (
        P("违规发放贷款", "{when}，当事人{name}贷款“三查”不到位，严重违反审慎经营规则",
          "《中华人民共和国银行业监督管理法》第四十六条", ENTERPRISE, (20.0, 80.0)),
    ), ()),
    "public_security": Sector("公", 3, 2, (
        P("殴打他人", "{when}，{name}在{place}与他人发生纠纷，殴打他人",
          "《中华人民共和国治安管理处罚法》第四十三条第一款", PERSON, (0.02, 0.05), "行政拘留"),
        P("旅馆未按规定登记住宿旅客信息", "{when}，当事人{name}未按规定登记住宿旅客信息",
          "《中华人民共和国治安管理处罚法》第五十六条", BUSINESS, (0.02, 0.05)),
    ), (
        L(_APPROVE, "特许", "保安服务许可证", "津公保服{year}{seq}号", "门卫、巡逻、守护", 0,
          ENTERPRISE),
    )),
    "public_security_traffic": Sector("公交管", 10, 0, (
        P("饮酒后驾驶机动车", "{when}，{name}饮酒后驾驶机动车",
          "《中华人民共和国道路交通安全法》第九十一条第一款", PERSON, (0.1, 0.2),
          "暂扣或吊销许可证件", "机动车驾驶证"),
        P("货运机动车超载", "{when}，当事人{name}所属货车超过核定载质量行驶",
          "《中华人民共和国道路交通安全法》第九十二条第二款", BUSINESS, (0.05, 0.2)),
    ), ()),
    "emergency_management": Sector("应急", 4, 3, (
        P("未按规定开展安全生产教育和培训",
          "{when}，当事人{name}未按照规定对从业人员进行安全生产教育和培训",
          "《中华人民共和国安全生产法》第九十七条第三项", PRODUCERS, (1.0, 10.0)),
        P("未建立事故隐患排查治理制度",
          "{when}，当事人{name}未建立安全风险分级管控和隐患排查治理双重预防工作机制",
          "《中华人民共和国安全生产法》第一百零一条第五项", ENTERPRISE, (3.0, 10.0)),
    ), (
        L(_APPROVE, "普通", "危险化学品经营许可证", "津{region}危化经字〔{year}〕{seq}",
          "危险化学品经营（不带储存设施）", 3, ENTERPRISE),
    )),
    "customs": Sector("关", 2, 0, (
        P("申报不实", "当事人{name}于{when}以一般贸易方式申报进口货物，申报商品编号不实",
          "《中华人民共和国海关行政处罚实施条例》第十五条", ENTERPRISE, (0.5, 30.0)),
    ), ()),
    "agriculture": Sector("农", 2, 3, (
        P("经营假农药", "{when}，当事人{name}经营的农药经检验为假农药",
          "《农药管理条例》第五十五条", FARM, (0.5, 5.0), "吊销许可证件", "农药经营许可证", True),
    ), (
        L(_APPROVE, "普通", "农药经营许可证", "农药经{region}{year}{seq}",
          "农药（限制使用农药除外）",
          5, FARM),
        L(_APPROVE, "普通", "种子生产经营许可证", "D(津){region}{year}{seq}", "农作物种子生产经营",
          5, FARM),
    )),
    "culture_tourism": Sector("文旅", 2, 3, (
        P("未经许可经营旅行社业务", "{when}，当事人{name}未取得旅行社业务经营许可招徕、组织游客",
          "《旅行社条例》第四十六条", BUSINESS, (1.0, 10.0), confiscates=True),
        P("娱乐场所违规经营", "{when}，当事人{name}经营的娱乐场所超时营业",
          "《娱乐场所管理条例》第四十八条", BUSINESS, (0.5, 2.0), "责令停产停业"),
    ), (
        L(_APPROVE, "普通", "旅行社业务经营许可证", "L-TJ-{seq}", "入境旅游业务、国内旅游业务",
          0, ENTERPRISE),
        L(_APPROVE, "普通", "娱乐经营许可证", "{region}{seq}", "歌舞娱乐场所", 2, BUSINESS),
    )),
    "water": Sector("水", 1, 2, (
        P("未经批准擅自取水", "{when}，当事人{name}未依照批准的取水许可规定条件取水",
          "《中华人民共和国水法》第六十九条", PRODUCERS | {"rural"}, (2.0, 10.0)),
    ), (
        L("取水许可决定书", "普通", "取水许可证", "D{region}G{year}{seq}", "取用地下水", 5,
          PRODUCERS | {"rural"}),
    )),
    "planning_natural_resources": Sector("规资", 2, 3, (
        P("非法占用土地", "{when}，当事人{name}未经批准擅自占用集体土地建设厂房",
          "《中华人民共和国土地管理法》第七十七条", LAND_USERS, (1.0, 60.0), "其他"),
    ), (
        L(_APPROVE, "普通", "建设工程规划许可证", "建字第{region}{year}{seq}号",
          "新建厂房及配套设施", 0, LAND_USERS | {"institution"}),
        L(_APPROVE, "普通", "建设用地规划许可证", "地字第{region}{year}{seq}号",
          "工业用地规划", 0, LAND_USERS | {"institution"}),
    )),
    "civil_affairs": Sector("民", 1, 2, (
        P("未按规定接受年度检查", "当事人{name}未按照规定参加{when}所属年度的年度检查",
          "《社会团体登记管理条例》第三十条", SOCIAL, (0.0, 0.0), "限制开展生产经营活动"),
    ), (
        L("社会组织成立登记决定书", "登记", "社会团体法人登记证书", "{uscc}",
          "成立登记", 5, SOCIAL),
    )),
    "justice": Sector("司", 1, 2, (
        P("律师违规执业", "{when}，{name}同时在两个律师事务所执业",
          "《中华人民共和国律师法》第四十七条", PERSON, (0.1, 0.5), "暂扣或吊销许可证件",
          "律师执业证"),
    ), (
        L("准予律师执业决定书", "认可", "律师执业证", "1{region}{year}1{seq}", "专职律师执业",
          0, PERSON),
    )),
    "drug_administration": Sector("药监", 3, 5, (
        P("未取得药品经营许可证经营药品", "{when}，当事人{name}未取得药品经营许可证销售药品",
          "《中华人民共和国药品管理法》第一百一十五条", BUSINESS, (1.5, 30.0), "其他",
          confiscates=True),
        P("执业药师不在岗", "{when}，当事人{name}经营处方药时执业药师不在岗",
          "《药品经营质量管理规范》第一百二十七条", BUSINESS, (0.1, 1.0)),
    ), (
        L(_APPROVE, "普通", "药品经营许可证", "津AA{region}{seq}",
          "处方药、甲类非处方药、乙类非处方药",
          5, BUSINESS),
        L("执业药师注册决定书", "认可", "执业药师注册证", "{region}{year}{seq}",
          "执业药师（药学）", 5, PERSON),
    )),
    "urban_management": Sector("城管", 6, 3, (
        P("占道经营", "{when}，当事人{name}在{place}擅自占用城市道路经营",
          "《天津市市容和环境卫生管理条例》第五十三条", PERSON | {"individual"}, (0.02, 0.2)),
        P("擅自设置户外广告", "{when}，当事人{name}未经批准擅自设置户外广告设施",
          "《天津市户外广告设施管理办法》第二十七条", BUSINESS, (0.1, 1.0)),
    ), (
        L(_APPROVE, "普通", "城市建筑垃圾处置核准", "津城管垃核〔{year}〕{seq}号",
          "建筑垃圾运输处置", 1, ENTERPRISE),
        L(_APPROVE, "普通", "设置大型户外广告许可", "津城管广〔{year}〕{seq}号", "设置户外广告设施",
          3, BUSINESS),
    )),
    "medical_security": Sector("医保", 1, 0, (
        P("骗取医疗保障基金", "当事人{name}通过伪造医疗文书骗取医疗保障基金支出",
          "《医疗保障基金使用监督管理条例》第四十条", HEALTH_CARE, (2.0, 40.0),
          "责令停产停业", confiscates=True),
    ), ()),
    "fire_rescue": Sector("消", 3, 3, (
        P("消防设施未保持完好有效", "{when}，当事人{name}消防设施、器材未保持完好有效",
          "《中华人民共和国消防法》第六十条第一款第一项", ORGANISATION | {"individual"},
          (0.5, 5.0)),
        P("占用、堵塞疏散通道", "{when}，当事人{name}占用、堵塞、封闭疏散通道、安全出口",
          "《中华人民共和国消防法》第六十条第一款第三项", ORGANISATION | {"individual"},
          (0.5, 5.0), "责令停产停业"),
    ), (
        L(_APPROVE, "普通", "公众聚集场所投入使用、营业前消防安全检查合格证",
          "津消安检字〔{year}〕第{seq}号", "公众聚集场所投入使用、营业", 0, BUSINESS),
    )),
    "sports": Sector("体", 0, 1, (), (
        L(_APPROVE, "普通", "高危险性体育项目经营许可证", "津体经许{year}{seq}", "游泳", 3,
          BUSINESS),
    )),
}  # fmt: skip
