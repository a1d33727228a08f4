"""Issue 21: amounts and dates shown and typed in the language in use — French
``10 000,50 €``, ``05/07/2026``, ``1er juillet 2026``, ``5 juil. 2026``, ``+3j`` — English
as before (store/fmt.py, store/dates.py, store/amounts.py, store/fields.py)."""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store import fmt, i18n
from store.dates import parse_date
from store.fields import DateField, Money, Number
from store.repository import Repository
from tests.conftest import TODAY

NNBSP = "\u202f"
DAY = date(2026, 7, 1)


@contextmanager
def speaking(language: str):
    """``language`` in use for the block, the environment's (English here) after."""
    i18n.set_language(language)
    try:
        assert i18n.language() == language
        yield
    finally:
        i18n.set_language(None)


@pytest.fixture
def french():
    with speaking("fr"):
        yield


# -- shown ---------------------------------------------------------------------------------------


def test_english_formats_are_as_before():
    assert fmt.money(Decimal("10000.5"), "EUR", cents=True) == f"10{NNBSP}000.50{NNBSP}EUR"
    assert fmt.money(Decimal("10000"), "EUR") == f"10{NNBSP}000{NNBSP}EUR"
    assert fmt.money(Decimal("12345")) == f"12{NNBSP}345"
    assert fmt.day(date(2026, 7, 5)) == "2026-07-05"
    assert fmt.long_date(date(2026, 7, 1)) == "1 July 2026"
    assert fmt.month(2027, 1) == "January 2027" and fmt.month(2027, 1, short=True) == "Jan 2027"
    assert fmt.number(Decimal("4.5")) == "4.5" and fmt.days(Decimal("9.54")) == "9.5"
    assert fmt.percent(Decimal("0.42")) == f"42{NNBSP}%"


def test_french_amounts_have_narrow_spaces_a_comma_and_the_currency_after(french):
    assert fmt.money(Decimal("10000.5"), "EUR", cents=True) == f"10{NNBSP}000,50{NNBSP}€"
    assert fmt.money(Decimal("10000"), "EUR") == f"10{NNBSP}000{NNBSP}€"
    assert fmt.money(Decimal("1234567.891"), "CHF", cents=True) == f"1{NNBSP}234{NNBSP}567,89{NNBSP}CHF"
    assert fmt.money(Decimal("-2500")) == f"-2{NNBSP}500"
    assert fmt.percent(Decimal("0.42")) == f"42{NNBSP}%"
    assert fmt.number(Decimal("4.5")) == "4,5" and fmt.days(Decimal("9.54")) == "9,5"
    assert fmt.number(Decimal("5")) == "5"


def test_french_dates_day_first_in_tables_and_in_words_in_sentences(french):
    assert fmt.day(date(2026, 7, 5)) == "05/07/2026"
    assert len(fmt.day(date(2026, 7, 5))) == len("2026-07-05")  # the columns do not move
    assert fmt.long_date(date(2026, 7, 5)) == "5 juillet 2026"
    assert fmt.long_date(date(2026, 7, 1)) == "1er juillet 2026"
    assert fmt.month(2027, 1) == "janvier 2027"
    assert [fmt.month(2027, m, short=True) for m in range(1, 13)] == [
        "janv. 2027", "févr. 2027", "mars 2027", "avr. 2027", "mai 2027", "juin 2027",
        "juil. 2027", "août 2027", "sept. 2027", "oct. 2027", "nov. 2027", "déc. 2027"]


# -- typed: dates --------------------------------------------------------------------------------


@pytest.mark.parametrize("typed, expected", [
    ("05/07/2026", date(2026, 7, 5)), ("5/7/2026", date(2026, 7, 5)), ("5 juillet 2026", date(2026, 7, 5)),
    ("1er juillet 2026", date(2026, 7, 1)), ("5 juil. 2026", date(2026, 7, 5)), ("5 juil 2026", date(2026, 7, 5)),
    ("5 fevrier 2027", date(2027, 2, 5)), ("5 FÉVR. 2027", date(2027, 2, 5)), ("14 août 2026", date(2026, 8, 14)),
    ("aujourd'hui", DAY), ("Aujourd’hui", DAY), ("demain", date(2026, 7, 2)), ("hier", date(2026, 6, 30)),
    ("+3j", date(2026, 7, 4)), ("+2s", date(2026, 7, 15)), ("+1m", date(2026, 8, 1)), ("+1a", date(2027, 7, 1)),
    ("-1s", date(2026, 6, 24)),
    # the English forms too
    ("2026-07-05", date(2026, 7, 5)), ("today", DAY), ("tomorrow", date(2026, 7, 2)), ("+3d", date(2026, 7, 4)),
    ("+2w", date(2026, 7, 15)), ("+1y", date(2027, 7, 1)),
])
def test_french_dates_as_typed(french, typed, expected):
    assert parse_date(typed, DAY) == expected
    assert DateField().parse(typed, DAY) == expected


@pytest.mark.parametrize("typed", ["31/02/2026", "2 er juillet 2026", "2er juillet 2026", "5 juliet 2026",
                                   "05/07/26", "5 juillet"])
def test_french_dates_refused_say_what_is_taken_in_french(french, typed):
    with pytest.raises(ValueError) as refused:
        parse_date(typed, DAY)
    said = str(refused.value)
    assert typed in said
    assert "n'est pas une date qui existe" in said or "JJ/MM/AAAA" in said


def test_english_refuses_day_first_dates_and_lists_its_own_forms():
    for typed in ("05/07/2026", "5 juillet 2026"):
        with pytest.raises(ValueError) as refused:
            parse_date(typed, DAY)
        assert str(refused.value) == f"expected a date as YYYY-MM-DD or today, +3d, +2w, +1m; got {typed!r}."
    assert parse_date("+3j", DAY) == date(2026, 7, 4)  # a French unit cannot be misread: taken


# -- typed: amounts ------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["9 000,50", "9000,50 €", "9 000,50 €", "9\u00a0000,50 €", f"9{NNBSP}000,50{NNBSP}€",
                                   "9000,50EUR", "9000,50 eur", "9000.50", "9 000,500"])
def test_french_amounts_as_typed(french, typed):
    assert Money().parse(typed, DAY) == Decimal("9000.50")


def test_french_decimal_comma_and_what_1_500_means(french):
    assert Money().parse("1,5", DAY) == Decimal("1.50")
    number = Number(False, 0, 1000)
    assert number.parse("4,5", DAY) == Decimal("4.5") and number.parse("0,125", DAY) == Decimal("0.125")
    # a form shows 1.125 days as 1,1250 (1,125 would be refused), read back as 1.125
    assert number.edit_text(Decimal("1.125")) == "1,1250" and number.dump(number.parse("1,1250", DAY)) == "1.125"
    # 1,500 or 12.500: a French user means 1.5 or 12500, one typing the English way 1500 or 12.5
    for typed, whole in (("1,500", "1500"), ("12.500", "12500"), ("1,500 €", "1500")):
        for ftype in (Money(), number) if "€" not in typed else (Money(),):
            with pytest.raises(ValueError, match=f"est ambigu\u00a0: écrivez {whole} ou "):
                ftype.parse(typed, DAY)


def test_french_amount_refused_lists_the_french_forms(french):
    with pytest.raises(ValueError) as refused:
        Money().parse("neuf mille", DAY)
    said = str(refused.value)
    assert "'neuf mille'" in said and "650,50" in said and "650.50" not in said


def test_english_amounts_keep_todays_rules():
    assert Money().parse("1 200,50", DAY) == Decimal("1200.50")
    assert Money().parse("650.50", DAY) == Decimal("650.50")
    with pytest.raises(ValueError, match="1,500 is ambiguous: write 1500 or 1.50"):
        Money().parse("1,500", DAY)
    with pytest.raises(ValueError, match="expected an amount such as 650 or 650.50, got 'abc'"):
        Money().parse("abc", DAY)


# -- round trips ---------------------------------------------------------------------------------

LANGUAGES = ("en", "fr")
days_in_range = st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31))
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999999.99"), places=2)
quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(1000), places=3)


@pytest.mark.parametrize("language", LANGUAGES)
@settings(max_examples=300, deadline=None)
@given(day=days_in_range)
def test_a_date_shown_reads_back_as_the_same_date(language, day):
    with speaking(language):
        assert parse_date(fmt.day(day), TODAY) == day
        assert DateField().parse(DateField().edit_text(day), TODAY) == day
        if language == "fr":
            assert parse_date(fmt.long_date(day), TODAY) == day


@pytest.mark.parametrize("language", LANGUAGES)
@settings(max_examples=300, deadline=None)
@given(amount=amounts)
def test_an_amount_shown_reads_back_as_the_same_amount(language, amount):
    with speaking(language):
        assert Money().parse(Money().edit_text(amount), TODAY) == amount
        assert Money().parse(fmt.money(amount, "EUR", cents=True), TODAY) == amount


@pytest.mark.parametrize("language", LANGUAGES)
@settings(max_examples=300, deadline=None)
@given(value=quantities)
def test_a_number_shown_in_a_form_reads_back_as_the_same_number(language, value):
    number = Number(False, 0, 1000)
    with speaking(language):
        assert number.dump(number.parse(number.edit_text(value), TODAY)) == number.dump(value)


@pytest.mark.parametrize("language", LANGUAGES)
@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("0123456789 ,./-+€EURjsamdwy'’éÉerjuilt\u00a0\u202f"), max_size=16)
       | st.text(max_size=16))
def test_any_text_is_a_date_or_amount_or_a_sentence_saying_why_not(language, text):
    with speaking(language):
        for parse in (lambda t: parse_date(t, TODAY), lambda t: Money().parse(t, TODAY),
                      lambda t: Number(False, 0, 1000).parse(t, TODAY)):
            try:
                parse(text)
            except ValueError as refused:
                assert str(refused)


# -- a form in French ----------------------------------------------------------------------------


async def test_a_french_form_saves_what_is_typed_the_french_way(data_path):
    from textual.widgets import Input

    from tests.test_issue20_forms import open_form, type_into
    from tests.test_typeahead import settle
    from tui.app import make_app
    from tui.forms import RecordForm

    repo = Repository(data_path, today=TODAY)
    repo.set_settings({"target_monthly": "11000", "language": "fr"})
    repo.close()
    app = make_app(data_path, offer_reviews=False, today=TODAY)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert i18n.language() == "fr"
            form = await open_form(app, pilot, "mission")
            await type_into(pilot, form, "client", "Acme")
            await type_into(pilot, form, "start", "05/07/2026")
            await type_into(pilot, form, "end", "31 juil. 2026")
            await type_into(pilot, form, "daily_rate", "9 000,50")
            await pilot.press("ctrl+s")
            await settle(pilot, 0.5)
            assert not isinstance(app.screen, RecordForm)
            stored = json.loads(data_path.read_text(encoding="utf-8"))
            [mission] = stored["missions"].values()
            assert (mission["start"], mission["end"], mission["daily_rate"]) == ("2026-07-05", "2026-07-31", "9000.50")
            # the edit form shows them the French way, and saving it unchanged keeps them
            form = await open_form(app, pilot, "mission", mission["uid"])
            assert form.query_one("#field-start", Input).value == "05/07/2026"
            assert form.query_one("#field-daily_rate", Input).value == "9000,50"
            await type_into(pilot, form, "title", "Audit")
            await pilot.press("ctrl+s")
            await settle(pilot, 0.5)
            assert not isinstance(app.screen, RecordForm)
        [mission] = json.loads(data_path.read_text(encoding="utf-8"))["missions"].values()
        assert (mission["start"], mission["daily_rate"], mission["title"]) == ("2026-07-05", "9000.50", "Audit")
    finally:
        i18n.set_language(None)


# -- the command line ----------------------------------------------------------------------------


def test_relance_list_shows_french_dates_and_amounts_and_json_stays_iso(data_path):
    from tests.conftest import run_relance

    repo = Repository(data_path, today=TODAY)
    repo.set_settings({"language": "fr"})
    repo.add("mission", {"client": "Acme", "start": "2026-07-05", "end": "2026-07-31", "daily_rate": "9000.5",
                         "days_per_week": "4.5"})
    repo.close()
    listed = run_relance("list", "mission", "--data", str(data_path))
    assert listed.returncode == 0, listed.stderr
    assert "05/07/2026" in listed.stdout and "31/07/2026" in listed.stdout
    assert "9000,50" in listed.stdout and "4,5" in listed.stdout and "2026-07-05" not in listed.stdout
    dumped = run_relance("list", "mission", "--json", "--data", str(data_path))
    assert '"2026-07-05"' in dumped.stdout and '"9000.50"' in dumped.stdout
    # typed the French way on the command line too
    added = run_relance("add", "mission", "--client", "Beta", "--start", "1er août 2026", "--end", "31/08/2026",
                        "--daily-rate", "700,50 €", "--data", str(data_path), "--today", "2026-11-27")
    assert added.returncode == 0, added.stderr
    beta = next(m for m in Repository(data_path, today=TODAY).list("mission") if m.client == "Beta")
    assert (beta.start, beta.end, beta.daily_rate) == (date(2026, 8, 1), date(2026, 8, 31), Decimal("700.50"))


@pytest.mark.parametrize("typed", ["2 Mds", "5 mil", "9000 abc", "12 kEUR"])
def test_letters_after_an_amount_that_are_no_currency_are_refused(typed):
    """"2 Mds" (milliards) was read as 2: three letters are left aside only when they are a
    currency's ISO code."""
    for language in ("en", "fr"):
        i18n.set_language(language)
        try:
            with pytest.raises(ValueError):
                Money().parse(typed, DAY)
        finally:
            i18n.set_language(None)
    assert Money().parse("9000 usd", DAY) == Decimal("9000.00") and Money().parse("700 CHF", DAY) == Decimal("700.00")
