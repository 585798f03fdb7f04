"""Specs for residents.rules: 《特困人员认定办法》 self-care category, GB 11643 ID numbers, age.

Pure functions only: no database, no Django.
"""

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from residents.rules import (
    INDICATORS,
    IdNumber,
    SelfCare,
    age_on,
    id_check_character,
    mask_id_number,
    parse_id_number,
    self_care_category,
)

KNOWN_VALID = "11010519491231002X"  # GB 11643-1999 example: 1949-12-31, female, 110105
DIGITS = "0123456789"


def with_check(body17: str) -> str:
    return body17 + id_check_character(body17)


def body(region: str = "110105", birth: str = "19491231", sequence: str = "002") -> str:
    return region + birth + sequence


@st.composite
def id_parts(draw):
    region = draw(st.text(DIGITS, min_size=6, max_size=6))
    birth = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
    sequence = draw(st.text(DIGITS, min_size=3, max_size=3))
    return region, birth, sequence


@st.composite
def valid_id_numbers(draw):
    region, birth, sequence = draw(id_parts())
    return with_check(region + birth.strftime("%Y%m%d") + sequence)


# --- SelfCare / INDICATORS ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("member", "value", "label_zh"),
    [
        (SelfCare.FULL, "full", "完全丧失生活自理能力"),
        (SelfCare.PARTIAL, "partial", "部分丧失生活自理能力"),
        (SelfCare.SELF_CARE, "self_care", "具备生活自理能力"),
    ],
)
def test_self_care_members_have_stored_value_and_chinese_label(member, value, label_zh):
    assert member.value == value
    assert member == value
    assert str(member) == value
    assert f"{member}" == value
    assert SelfCare(value) is member
    assert member.label_zh == label_zh


def test_self_care_has_exactly_three_categories():
    assert [m.value for m in SelfCare] == ["full", "partial", "self_care"]


def test_indicators_are_the_six_policy_indicators_in_order():
    assert INDICATORS == (
        ("eating", "自主吃饭"),
        ("dressing", "自主穿衣"),
        ("transfer", "自主上下床"),
        ("toileting", "自主如厕"),
        ("walking", "室内自主行走"),
        ("bathing", "自主洗澡"),
    )


# --- self_care_category ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unable", "expected"),
    [
        (0, SelfCare.SELF_CARE),
        (1, SelfCare.PARTIAL),
        (2, SelfCare.PARTIAL),
        (3, SelfCare.PARTIAL),
        (4, SelfCare.FULL),
        (5, SelfCare.FULL),
        (6, SelfCare.FULL),
    ],
)
def test_unable_indicator_count_maps_to_policy_category(unable, expected):
    assert self_care_category(unable) is expected


def test_no_unable_indicators_means_self_care():
    assert self_care_category(0) is SelfCare.SELF_CARE


def test_three_unable_indicators_mean_partially_disabled():
    assert self_care_category(3) is SelfCare.PARTIAL


def test_four_unable_indicators_mean_fully_disabled():
    assert self_care_category(4) is SelfCare.FULL


@pytest.mark.parametrize("unable", [-1, 7, 100])
def test_unable_count_outside_zero_to_six_is_rejected(unable):
    with pytest.raises(ValueError, match="between 0 and 6"):
        self_care_category(unable)


@given(st.integers().filter(lambda n: not 0 <= n <= 6))
def test_every_integer_outside_zero_to_six_is_rejected(unable):
    with pytest.raises(ValueError, match="between 0 and 6"):
        self_care_category(unable)


@pytest.mark.parametrize("unable", [True, False, 1.0, 4.5, "4", None, Decimal(4), [4]])
def test_unable_count_that_is_not_an_int_is_rejected(unable):
    with pytest.raises(ValueError, match="must be an int"):
        self_care_category(unable)


@given(st.integers(0, 6), st.integers(0, 6))
def test_more_unable_indicators_never_mean_a_milder_category(a, b):
    severity = [SelfCare.SELF_CARE, SelfCare.PARTIAL, SelfCare.FULL]
    low, high = sorted((a, b))
    assert severity.index(self_care_category(low)) <= severity.index(self_care_category(high))


# --- id_check_character ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body17", "check"),
    [
        ("11010519491231002", "X"),
        ("44052418800101001", "4"),
        ("00000000000000000", "1"),
    ],
)
def test_check_character_of_known_bodies(body17, check):
    assert id_check_character(body17) == check


@given(st.text(DIGITS, min_size=17, max_size=17))
def test_check_character_makes_the_iso_7064_mod_11_2_sum_equal_one(body17):
    # Independent restatement of MOD 11-2: digit i (1-based, check = 18) weighs 2**(18 - i),
    # X counts as 10, and the full weighted sum is 1 mod 11.
    number = body17 + id_check_character(body17)
    values = [10 if c == "X" else int(c) for c in number]
    assert sum(v * 2 ** (17 - i) for i, v in enumerate(values)) % 11 == 1


@pytest.mark.parametrize(
    "body17",
    [
        "1101051949123100",
        "110105194912310020",
        "",
        "1101051949123100X",
        "１１０１０５１９４９１２３１００２",  # full-width digits
        None,
        11010519491231002,
    ],
)
def test_check_character_needs_exactly_17_ascii_digits(body17):
    with pytest.raises(ValueError, match="17 digits"):
        id_check_character(body17)


# --- parse_id_number: valid numbers --------------------------------------------------------


def test_known_valid_example_decodes_birth_date_sex_and_region():
    parsed = parse_id_number(KNOWN_VALID)
    assert parsed == IdNumber(
        value=KNOWN_VALID, birth_date=date(1949, 12, 31), sex="F", region_code="110105"
    )


@given(id_parts())
def test_generated_valid_numbers_parse_back_to_their_parts(parts):
    region, birth, sequence = parts
    number = with_check(region + birth.strftime("%Y%m%d") + sequence)
    parsed = parse_id_number(number)
    assert parsed.value == number
    assert parsed.birth_date == birth
    assert parsed.region_code == region
    assert parsed.sex == ("M" if int(sequence[-1]) % 2 else "F")


def test_lowercase_x_is_accepted_and_normalised_to_uppercase():
    assert parse_id_number(KNOWN_VALID.lower()).value == KNOWN_VALID


@pytest.mark.parametrize("padding", [" ", "\t", "\n", "  \r\n", "\u3000"])
def test_surrounding_whitespace_is_stripped(padding):
    assert parse_id_number(padding + KNOWN_VALID + padding).value == KNOWN_VALID


@pytest.mark.parametrize(
    ("sequence_digit", "sex"),
    [("0", "F"), ("1", "M"), ("2", "F"), ("3", "M"), ("4", "F"),
     ("5", "M"), ("6", "F"), ("7", "M"), ("8", "F"), ("9", "M")],
)
def test_odd_seventeenth_digit_means_male_even_means_female(sequence_digit, sex):
    number = with_check(body(sequence="00" + sequence_digit))
    assert parse_id_number(number).sex == sex


@pytest.mark.parametrize("birth", ["20000229", "20240229", "19000101", "19001231"])
def test_leap_days_and_the_1900_boundary_are_valid_birth_dates(birth):
    number = with_check(body(birth=birth))
    assert parse_id_number(number).birth_date.strftime("%Y%m%d") == birth


def test_future_birth_date_is_left_to_the_caller():
    assert parse_id_number(with_check(body(birth="20991231"))).birth_date == date(2099, 12, 31)


def test_id_number_is_immutable():
    parsed = parse_id_number(KNOWN_VALID)
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.value = "110105194912310037"


def test_repr_does_not_reveal_the_full_number():
    assert KNOWN_VALID not in repr(parse_id_number(KNOWN_VALID))


# --- parse_id_number: invalid numbers ------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [KNOWN_VALID[:17], KNOWN_VALID + "0", "", "   ", "1101051949123100 2X"],
    ids=["17 chars", "19 chars", "empty", "blank", "inner space"],
)
def test_wrong_length_is_rejected(value):
    with pytest.raises(ValueError, match="must be 18 characters"):
        parse_id_number(value)


@pytest.mark.parametrize(
    "value",
    [
        "1101051949123100XX",  # X in the middle
        "X1010519491231002X",  # X first
        "11010A19491231002X",  # letter
        "1101051949-231002X",  # punctuation
        "１１０１０５１９４９１２３１００２X",  # full-width digits
        "11010²19491231002X",  # superscript passes str.isdigit() but is not an ASCII digit
    ],
)
def test_non_digit_in_the_first_seventeen_is_rejected(value):
    with pytest.raises(ValueError, match="first 17 characters"):
        parse_id_number(value)


@pytest.mark.parametrize("last", ["Y", "-", "²", "９", "*"])
def test_last_character_other_than_digit_or_x_is_rejected(last):
    with pytest.raises(ValueError, match="last character"):
        parse_id_number(KNOWN_VALID[:17] + last)


@pytest.mark.parametrize(
    "birth",
    [
        pytest.param("20230230", id="Feb 30"),
        pytest.param("20231301", id="month 13"),
        pytest.param("20230229", id="Feb 29 non-leap"),
        pytest.param("19000229", id="Feb 29 1900"),
        pytest.param("20230431", id="Apr 31"),
        pytest.param("20230001", id="month 0"),
        pytest.param("20230100", id="day 0"),
        pytest.param("20230132", id="day 32"),
    ],
)
def test_impossible_birth_date_is_rejected_even_with_a_correct_check_character(birth):
    with pytest.raises(ValueError, match="not a real date"):
        parse_id_number(with_check(body(birth=birth)))


@pytest.mark.parametrize(
    "value",
    [with_check(body(birth="18991231")), "440524188001010014"],
    ids=["1899-12-31", "GB 11643 annex example born 1880"],
)
def test_birth_year_before_1900_is_rejected(value):
    with pytest.raises(ValueError, match="before 1900"):
        parse_id_number(value)


def test_wrong_check_character_is_rejected():
    with pytest.raises(ValueError, match="check character"):
        parse_id_number(KNOWN_VALID[:17] + "0")


@pytest.mark.parametrize("value", [None, 11010519491231002, b"11010519491231002X"])
def test_non_string_is_rejected(value):
    with pytest.raises(ValueError, match="must be a string"):
        parse_id_number(value)


@given(valid_id_numbers(), st.integers(0, 17), st.sampled_from(DIGITS))
def test_flipping_any_single_digit_is_always_caught(number, position, digit):
    assume(number[position] != digit)
    with pytest.raises(ValueError):
        parse_id_number(number[:position] + digit + number[position + 1 :])


@given(valid_id_numbers())
def test_replacing_a_digit_check_character_with_x_is_caught(number):
    assume(number[-1] != "X")
    with pytest.raises(ValueError):
        parse_id_number(number[:17] + "X")


@given(valid_id_numbers(), st.integers(0, 16))
def test_swapping_adjacent_different_characters_is_always_caught(number, position):
    # MOD 11-2 weights satisfy w[i] = 2 * w[i+1] (mod 11), so a swap of digits a != b
    # changes the sum by (a - b) * w[i+1], never 0 mod 11 -- including the check position.
    a, b = number[position], number[position + 1]
    assume(a != b)
    with pytest.raises(ValueError):
        parse_id_number(number[:position] + b + a + number[position + 2 :])


def test_error_messages_are_bilingual_and_never_echo_the_number():
    with pytest.raises(ValueError) as caught:
        parse_id_number(KNOWN_VALID[:17] + "0")
    message = str(caught.value)
    assert " / " in message
    assert "校验位" in message
    assert KNOWN_VALID[:17] not in message


# --- masking -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("62102319800101123X", "6210**********123X"),
        (KNOWN_VALID, "1101**********002X"),
        ("", ""),
        ("1", "*"),
        ("1234", "****"),
        ("12345", "12*45"),
        (KNOWN_VALID[:17], "11" + "*" * 13 + "02"),
        (KNOWN_VALID + "0", "11" + "*" * 15 + "X0"),
        ("abcdefghijklmnopqr", "abcd**********opqr"),
    ],
)
def test_masking_hides_the_middle(value, masked):
    assert mask_id_number(value) == masked


@given(st.text(max_size=40))
def test_masking_preserves_length_and_keeps_only_the_ends(value):
    masked = mask_id_number(value)
    assert len(masked) == len(value)
    keep = 4 if len(value) == 18 else 2
    if len(value) > 2 * keep:
        assert masked == value[:keep] + "*" * (len(value) - 2 * keep) + value[-keep:]
    else:
        assert masked == "*" * len(value)


@given(valid_id_numbers())
def test_parsed_number_masks_as_four_stars_four(number):
    masked = parse_id_number(number).masked
    assert masked == number[:4] + "*" * 10 + number[-4:]
    assert len(masked) == 18


# --- age_on --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (date(1949, 12, 31), date(1949, 12, 31), 0),
        (date(1949, 12, 31), date(2019, 12, 31), 70),
        (date(1949, 12, 31), date(2019, 12, 30), 69),
        (date(1949, 12, 31), date(2020, 1, 1), 70),
        (date(1960, 6, 15), date(2020, 6, 14), 59),
        (date(1960, 6, 15), date(2020, 6, 15), 60),
        (date(2000, 2, 29), date(2001, 2, 28), 0),
        (date(2000, 2, 29), date(2001, 3, 1), 1),
        (date(2000, 2, 29), date(2004, 2, 28), 3),
        (date(2000, 2, 29), date(2004, 2, 29), 4),
        (date(1996, 2, 29), date(2100, 2, 28), 103),
        (date(1996, 2, 29), date(2100, 3, 1), 104),
        (date(2000, 3, 1), date(2004, 2, 29), 3),
    ],
)
def test_age_counts_completed_years(birth, on, age):
    assert age_on(birth, on) == age


def test_age_on_a_day_before_birth_is_rejected():
    with pytest.raises(ValueError, match="before the birth date"):
        age_on(date(1949, 12, 31), date(1949, 12, 30))


def anniversary(birth: date, years: int) -> date:
    """Oracle: the day the given birthday is reached; 29 Feb falls on 1 Mar in common years."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return date(birth.year + years, 3, 1)


birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


@given(birth_dates, st.integers(0, 120))
def test_age_increases_exactly_on_each_birthday(birth, years):
    day = anniversary(birth, years)
    assert age_on(birth, day) == years
    if years > 0:
        assert age_on(birth, day - timedelta(days=1)) == years - 1


@given(birth_dates, st.integers(0, 50_000), st.integers(0, 50_000))
def test_age_never_decreases_as_time_passes(birth, d1, d2):
    early, late = sorted((d1, d2))
    earlier, later = birth + timedelta(days=early), birth + timedelta(days=late)
    assert age_on(birth, earlier) <= age_on(birth, later)


@given(birth_dates, st.integers(1, 50_000))
def test_age_on_any_day_before_birth_is_rejected(birth, days):
    with pytest.raises(ValueError):
        age_on(birth, birth - timedelta(days=days))
