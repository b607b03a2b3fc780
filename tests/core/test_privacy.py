"""Masking for public surfaces, encryption at rest, keyed hashes, and the log filter."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pytest_django.fixtures import Settings

from xinyong.core import crypto
from xinyong.core.privacy import (
    MaskPersonalIdentifiers,
    mask_id_number,
    mask_in_text,
    mask_person_name,
)

ID = "12010119900307123X"


def test_id_number_shows_first_six_and_last_four() -> None:
    assert mask_id_number(ID) == "120101********123X"
    assert mask_id_number("120101900307123") == "120101*****7123"
    assert mask_id_number("1234") == "****"


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三", "张*"), ("张三丰", "张**"), ("欧阳修", "欧阳*"), ("欧阳", "欧*"), ("", "")],
)
def test_person_name_keeps_only_the_surname(name: str, masked: str) -> None:
    assert mask_person_name(name) == masked


def test_ids_in_free_text_are_masked_but_not_other_numbers() -> None:
    text = f"申请人{ID}于2024年提交，电话13800138000，注册号120101000012345"
    masked = mask_in_text(text)
    assert ID not in masked and "120101********123X" in masked
    assert "13800138000" in masked  # 11 digits: not an ID shape


def test_log_filter_masks_ids_in_arguments(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("xinyong.test.privacy")
    logger.addFilter(MaskPersonalIdentifiers())
    with caplog.at_level(logging.INFO, logger="xinyong.test.privacy"):
        logger.info("looked up %s for %s", ID, "核查")
    assert ID not in caplog.text and "120101********123X" in caplog.text


@given(st.text(max_size=200), st.sampled_from(["subject.citizen_id", "tipoff.contact"]))
def test_encryption_round_trips(plain: str, context: str) -> None:
    token = crypto.encrypt(plain, context=context)
    assert crypto.decrypt(token, context=context) == plain


def test_ciphertext_is_bound_to_its_context_and_randomised() -> None:
    a = crypto.encrypt(ID, context="subject.citizen_id")
    assert ID not in a and a != crypto.encrypt(ID, context="subject.citizen_id")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(a, context="other")
    tampered = a[:-4] + ("AAAA" if a[-4:] != "AAAA" else "BBBB")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(tampered, context="subject.citizen_id")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt("not base64!", context="subject.citizen_id")


def test_blind_index_is_keyed_and_stable(settings: Settings) -> None:
    first = crypto.blind_index(ID, context="subject.citizen_id")
    assert first == crypto.blind_index(ID, context="subject.citizen_id")
    assert first != crypto.blind_index(ID, context="other")
    assert ID not in first and len(first) == 64
    sealed = crypto.encrypt(ID, context="c")
    settings.XINYONG_DATA_KEY = bytes(range(32))
    assert crypto.blind_index(ID, context="subject.citizen_id") != first
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(sealed, context="c")


def test_every_configured_log_handler_masks_ids() -> None:
    handlers = [h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler]
    assert handlers
    assert all(any(isinstance(f, MaskPersonalIdentifiers) for f in h.filters) for h in handlers)
