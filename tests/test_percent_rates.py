"""A rate between 0 and 1 (fee rate, net share, probability) typed as a percentage, "8 %",
is read as 0.08 in both languages; a percentage shown groups its thousands."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store import fmt, i18n
from store.models import Settings
from store.quantity_fields import Number

from .conftest import TODAY
from .test_cli_edit import relance

RATE = Number(minimum=0, maximum=1)
SPACES = st.sampled_from(["", " ", "\u00a0", "\u202f"])


@pytest.fixture(params=["en", "fr"])
def language(request):
    i18n.set_language(request.param)
    yield request.param
    i18n.set_language(None)


@given(whole=st.integers(0, 100), space=SPACES)
def test_a_whole_percentage_is_its_hundredth(whole, space):
    for code in ("en", "fr"):
        i18n.set_language(code)
        try:
            assert RATE.parse_value(f"{whole}{space}%", TODAY) == Decimal(whole) / 100
        finally:
            i18n.set_language(None)


@given(tenths=st.integers(0, 1000), space=SPACES)
def test_a_decimal_percentage_in_the_language_in_use(tenths, space):
    value = Decimal(tenths) / 10
    for code, mark in (("en", "."), ("fr", ",")):
        i18n.set_language(code)
        try:
            typed = f"{value}".replace(".", mark) + f"{space}%"
            assert RATE.parse_value(typed, TODAY) == value / 100
        finally:
            i18n.set_language(None)


@pytest.mark.parametrize("typed", ["101 %", "%", " %", "8 %%", "-1 %"])
def test_a_percentage_out_of_bounds_or_without_a_number_is_refused(typed, language):
    with pytest.raises(ValueError):
        RATE.parse_value(typed, TODAY)


def test_a_percentage_where_the_maximum_is_not_1_is_refused():
    with pytest.raises(ValueError):
        Number(minimum=0, maximum=7).parse_value("5 %", TODAY)


def test_the_settings_take_a_fee_rate_typed_as_a_percentage(language):
    assert Settings.field_types()["fee_rate"].parse_value("8 %", TODAY) == Decimal("0.08")


def test_the_cli_takes_a_probability_typed_as_a_percentage(data_path):
    from .test_cli_edit import add, docs

    add(data_path, "opportunity", "--title", "Audit SI", "--organisation", "Acme", "--probability", "35%")
    assert docs(data_path, "opportunities")[0]["probability"] == "0.35"
    result = relance(data_path, "settings", "--fee-rate", "8 %", env={"LANGUAGE": "fr"})
    assert result.returncode == 0, result.stderr


def test_a_percentage_groups_its_thousands(language):
    assert fmt.percent(Decimal("16.67")) == "1\u202f667\u202f%"
    assert fmt.percent(Decimal("0.08")) == "8\u202f%"
