"""Subject search: ranking, spelling tolerance, codes, persons never enumerable, the index
following renames, capped counts and pages. On SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xinyong.core.models import District
from xinyong.subjects.models import Subject, SubjectKind
from xinyong.subjects.services import (
    LinkRequest,
    Match,
    Results,
    SubjectIdentifiers,
    link_many,
    search_subjects,
)
from xinyong.subjects.services import search as search_module
from xinyong.subjects.services.search_index import TABLE, ensure_triggers, search_key, tokens

from .codes import business_reg, citizen_id, org_code, uscc
from .helpers import link_ids

pytestmark = pytest.mark.django_db


def names(results: Results) -> list[str]:
    return [hit.name for hit in results.hits]


def matches(results: Results) -> list[tuple[str, Match]]:
    return [(hit.name, hit.match) for hit in results.hits]


def org(n: int, name: str, **extra: Any) -> Subject:
    result = link_ids(name, uscc=uscc(n), **extra)
    assert result.subject is not None, result
    return result.subject


def test_the_search_key_folds_width_case_traditional_and_punctuation() -> None:
    assert search_key("天津市濱海（ＡＢＣ）貿易 有限公司") == "天津市滨海abc贸易有限公司"
    assert search_key("天津市滨海(abc)贸易有限公司") == "天津市滨海abc贸易有限公司"
    assert tokens("天津市") == ["天", "津", "市", "天津", "津市"]


def test_exact_then_prefix_then_substring_then_fuzzy(districts: dict[str, District]) -> None:
    org(1, "天津华信物流中心")  # substring
    org(2, "华信物流中兴有限公司")  # fuzzy: one character differs
    org(3, "华信物流中心（天津）有限公司")  # prefix
    org(4, "华信物流中心")  # exact
    org(5, "天津市某某科技有限公司")  # nothing in common
    results = search_subjects("华信物流中心")
    assert matches(results) == [
        ("华信物流中心", Match.EXACT),
        ("华信物流中心（天津）有限公司", Match.PREFIX),
        ("天津华信物流中心", Match.SUBSTRING),
        ("华信物流中兴有限公司", Match.FUZZY),
    ]
    assert results.total == 4 and not results.capped


def test_one_and_two_characters_find_every_name_that_holds_them(
    districts: dict[str, District],
) -> None:
    org(1, "天津市和平区兴旺商行")
    org(2, "兴业银行天津分行")
    org(3, "天津市河西区百货公司")
    assert sorted(names(search_subjects("兴"))) == ["兴业银行天津分行", "天津市和平区兴旺商行"]
    assert names(search_subjects("兴旺")) == ["天津市和平区兴旺商行"]
    assert names(search_subjects("百")) == ["天津市河西区百货公司"]
    assert search_subjects("旺兴").total == 0  # the characters, but not in this order


def test_traditional_and_full_width_queries(districts: dict[str, District]) -> None:
    org(1, "天津市滨海新区贸易发展有限公司")
    org(2, "ABC国际贸易（天津）有限公司")
    org(3, "香港東方貿易有限公司")  # a name registered in traditional characters
    assert names(search_subjects("濱海新區貿易")) == ["天津市滨海新区贸易发展有限公司"]
    assert names(search_subjects("ａｂｃ國際")) == ["ABC国际贸易（天津）有限公司"]
    assert names(search_subjects("ＡＢＣ 国际 贸易")) == ["ABC国际贸易（天津）有限公司"]
    assert names(search_subjects("东方贸易")) == ["香港東方貿易有限公司"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one substring path")
def test_common_tokens_probe_the_keys_first_and_find_the_same(
    districts: dict[str, District], monkeypatch: pytest.MonkeyPatch
) -> None:
    for n, name in enumerate(["天津市兴旺商行", "兴业银行天津分行", "天津兴旺", "和平兴旺"], 1):
        org(n, name)
    queries = ["兴", "兴旺", "天津", "津兴旺", "旺"]
    by_tokens = [search_subjects(q) for q in queries]
    monkeypatch.setattr(search_module, "PROBE_BREAK_EVEN", -1.0)  # every token taken as common
    with CaptureQueriesContext(connection) as captured:
        probed = [search_subjects(q) for q in queries]
    assert probed == by_tokens and by_tokens[1].total == 3
    assert all("probe AS MATERIALIZED" in q["sql"] for q in captured.captured_queries[:1])
    # The probe alone fills a small cap: the token index is not needed.
    monkeypatch.setattr(search_module, "CAP", 1)
    capped = search_subjects("兴旺")
    assert (capped.total, capped.capped) == (1, True) and "兴旺" in capped.hits[0].name


def test_a_typo_in_a_long_name_is_forgiven(districts: dict[str, District]) -> None:
    org(1, "天津市滨海物流有限公司")
    results = search_subjects("天津市滨海物流有线公司")
    assert matches(results) == [("天津市滨海物流有限公司", Match.FUZZY)]


def test_uscc_full_partial_and_badly_typed(districts: dict[str, District]) -> None:
    subject = org(1, "天津市代码测试有限公司")
    org(2, "天津市另一家有限公司")
    code = uscc(1)
    full = search_subjects(code)
    assert matches(full) == [("天津市代码测试有限公司", Match.CODE)]
    assert full.hits[0].code == code and full.hits[0].uscc == code
    assert names(search_subjects(code.lower())) == ["天津市代码测试有限公司"]
    wide = code.translate({ord(c): ord(c) + 0xFEE0 for c in code})
    assert names(search_subjects(wide)) == ["天津市代码测试有限公司"]
    partial = search_subjects(code[:16])
    assert matches(partial) == [("天津市代码测试有限公司", Match.CODE_PREFIX)]
    assert partial.hits[0].public_id == subject.public_id
    assert search_subjects(code[:3]).total == 0  # too short to be taken for a code


def test_legacy_codes_full_and_partial(districts: dict[str, District]) -> None:
    old = link_ids(
        "天津市老字号有限公司", org_code=org_code(7), business_reg=business_reg(7)
    ).subject
    assert old is not None and not old.uscc
    for code in (org_code(7), business_reg(7)):
        results = search_subjects(code)
        assert matches(results) == [("天津市老字号有限公司", Match.CODE)]
    hit = search_subjects(org_code(7)).hits[0]
    assert (hit.code_label, hit.code) == ("组织机构代码", org_code(7))
    assert matches(search_subjects(business_reg(7)[:10])) == [
        ("天津市老字号有限公司", Match.CODE_PREFIX)
    ]


def test_persons_are_never_listed_by_a_fragment(districts: dict[str, District]) -> None:
    person = link_ids("张三丰", citizen_id=citizen_id(1), district_code="120101").subject
    assert person is not None and person.kind == SubjectKind.NATURAL_PERSON
    org(1, "天津市张三丰武术有限公司")
    for query in ("张三丰", "张三", "三丰", "张", "张三峰"):
        assert all(not hit.is_person for hit in search_subjects(query).hits), query
    for query in ("张三", "三丰", "张"):
        assert names(search_subjects(query, district="120101")) == ["天津市张三丰武术有限公司"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE} WHERE subject_id = %s", [person.pk])
        assert cursor.fetchone()[0] == 0


def test_a_person_by_exact_name_and_district_is_shown_masked(
    districts: dict[str, District],
) -> None:
    link_ids("张三丰", citizen_id=citizen_id(1), district_code="120101")
    results = search_subjects("张三丰", district="120101")
    person = results.hits[0]
    assert (person.name, person.match, person.is_person) == ("张**", Match.PERSON, True)
    assert person.code == citizen_id(1)[:6] + "********" + citizen_id(1)[-4:]
    assert person.uscc == ""
    assert "张三丰" not in repr(results.hits)
    assert (
        search_subjects("張三豐", district="120101").hits[0].name == "张**"
    )  # traditional spelling


def test_a_person_by_id_number_only_when_allowed(districts: dict[str, District]) -> None:
    link_ids("李四", citizen_id=citizen_id(2), district_code="120101")
    number = citizen_id(2)
    found = search_subjects(number, citizen_id=True)
    assert matches(found) == [("李*", Match.PERSON)]
    refused = search_subjects(number)
    assert refused.total == 0 and "网址" in refused.notice
    assert search_subjects(number[:12]).total == 0  # never a prefix of an ID number


def test_the_index_follows_renames(districts: dict[str, District]) -> None:
    org(1, "天津市甲乙贸易有限公司")
    assert names(search_subjects("甲乙")) == ["天津市甲乙贸易有限公司"]
    renamed = link_ids("天津市丙丁科技有限公司", uscc=uscc(1))
    assert renamed.renamed
    assert names(search_subjects("丙丁")) == ["天津市丙丁科技有限公司"]
    assert search_subjects("甲乙").total == 0


def test_the_index_follows_a_batch_of_new_subjects_and_district_changes(
    districts: dict[str, District],
) -> None:
    requests = [
        LinkRequest(SubjectIdentifiers(org_code=org_code(n)), f"批量{n:03d}号商贸公司", "test")
        for n in range(1, 41)
    ]
    assert all(r.created for r in link_many(requests))
    assert search_subjects("商贸").total == 40
    assert search_subjects("商贸", district="120116").total == 0
    # A USCC learned later gives the subject its district.
    link_ids("批量001号商贸公司", org_code=org_code(1), uscc=uscc(1, region="120116"))
    assert names(search_subjects("商贸", district="120116")) == ["批量001号商贸公司"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL keeps triggers on ALTER")
def test_triggers_a_table_rebuild_dropped_come_back_after_migrate(
    districts: dict[str, District],
) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER subjects_search_insert")
    org(1, "天津市重建前有限公司")  # written while the trigger is missing
    ensure_triggers(connection)  # what post_migrate runs
    org(2, "天津市重建后有限公司")
    assert sorted(names(search_subjects("重建"))) == [
        "天津市重建前有限公司",
        "天津市重建后有限公司",
    ]


def test_counts_stop_at_the_cap_and_pages_cut_across_groups(
    districts: dict[str, District], monkeypatch: pytest.MonkeyPatch
) -> None:
    requests = [
        LinkRequest(SubjectIdentifiers(uscc=uscc(n)), name, "test")
        for n, name in enumerate(
            [
                "恒通",
                *[f"恒通{n:02d}商店" for n in range(9)],
                *[f"天津恒通{n:02d}" for n in range(9)],
            ],
            start=1,
        )
    ]
    link_many(requests)
    everything = search_subjects("恒通", per_page=50)
    assert everything.total == 19 and everything.pages == 1
    assert [h.match for h in everything.hits] == [Match.EXACT] + [Match.PREFIX] * 9 + [
        Match.SUBSTRING
    ] * 9
    paged = [h for page in range(1, 5) for h in search_subjects("恒通", per_page=5, page=page).hits]
    assert [h.public_id for h in paged] == [h.public_id for h in everything.hits]
    assert search_subjects("恒通", per_page=5, page=99).number == 4
    monkeypatch.setattr(search_module, "CAP", 12)
    capped = search_subjects("恒通", per_page=5)
    assert (capped.total, capped.capped, capped.pages) == (12, True, 3)


def test_bounded_queries_whatever_the_results(
    districts: dict[str, District], django_assert_max_num_queries: Any
) -> None:
    link_many(
        [
            LinkRequest(SubjectIdentifiers(uscc=uscc(n)), f"天津市查询{n}有限公司", "t")
            for n in range(1, 31)
        ]
    )
    with django_assert_max_num_queries(12):
        results = search_subjects("查询", district="120101")
    assert len(results.hits) == 20


def test_empty_and_punctuation_only_queries_find_nothing(districts: dict[str, District]) -> None:
    org(1, "天津市某某有限公司")
    assert search_subjects("   ") == Results(query="")
    assert search_subjects("（）·").total == 0
