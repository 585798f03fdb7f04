"""Specs for facilities.rules: region scope, star rating, rating validity, credit code."""

import ast
import sys
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from facilities import rules
from facilities.rules import (
    DEFAULT_THRESHOLDS,
    SECTION_MAXIMA,
    NextLevelGap,
    PastRating,
    StarThresholds,
    credit_code_check_character,
    is_valid_credit_code,
    points_to_next_level,
    rating_expires_on,
    rating_is_valid,
    rating_refusal,
    region_ancestors,
    region_in_scope,
    region_level,
    region_scope_prefix,
    star_level,
)

SECTIONS = tuple(SECTION_MAXIMA)
LEVELS = (1, 2, 3, 4, 5)
HALF = Decimal("0.5")
CENT = Decimal("0.01")


def test_rules_module_is_pure():
    tree = ast.parse(Path(rules.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert {name.split(".")[0] for name in imported} <= sys.stdlib_module_names
    called = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    assert not called & {"today", "now", "utcnow", "open"}
    assert "float" not in {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


# --- Region codes ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "prefix", "level"),
    [
        ("620000", "62", "province"),
        ("621000", "6210", "city"),
        ("621002", "621002", "county"),
        ("621002001", "621002001", "township"),
        ("110000", "11", "province"),
        ("110100", "1101", "city"),
        ("110101", "110101", "county"),
        ("110101001", "110101001", "township"),
        ("429004", "429004", "county"),  # 仙桃市: county-level city administered by the province
        ("429000", "4290", "city"),
        ("441900003", "441900003", "township"),  # 东莞 towns hang directly under the city code
        ("621000000", "621000000", "township"),
    ],
)
def test_region_code_scopes_by_its_significant_digits(code, prefix, level):
    assert region_scope_prefix(code) == prefix
    assert region_level(code) == level


@pytest.mark.parametrize(
    "code",
    [
        "",
        "62",
        "62000",
        "6200000",
        "62100200",
        "6210020011",
        "000000",
        "000000000",
        "001000",
        "62000a",
        "62 000",
        " 620000",
        "620000 ",
        "６２００００",  # full-width digits
        "-62000",
        "62000.",
    ],
)
def test_malformed_region_codes_are_rejected_in_both_languages(code):
    for rule in (region_scope_prefix, region_level):
        with pytest.raises(ValueError, match=r"行政区划代码.* / .*code"):
            rule(code)


@pytest.mark.parametrize(
    ("code", "scope", "expected"),
    [
        ("621002001", "620000", True),
        ("621002001", "621000", True),
        ("621002001", "621002", True),
        ("621002001", "621002001", True),
        ("621002", "621002", True),
        ("621002", "621000", True),
        ("621000", "620000", True),
        ("620000", "620000", True),
        ("110101", "110100", True),
        ("110101", "110000", True),
        ("622901", "621000", False),
        ("621102", "621002", False),
        ("621002002", "621002001", False),
        ("621002", "621002001", False),
        ("621000", "621002", False),
        ("620000", "621000", False),
        ("630000", "620000", False),
        ("120101", "110000", False),
        ("621102001", "621002", False),
    ],
)
def test_region_is_in_scope_exactly_when_it_lies_below_the_scope(code, scope, expected):
    assert region_in_scope(code, scope) is expected


@pytest.mark.parametrize(("code", "scope"), [("62abcd", "620000"), ("621002", "62"), ("6210021", "620000")])
def test_region_in_scope_rejects_a_malformed_code_or_scope(code, scope):
    with pytest.raises(ValueError):
        region_in_scope(code, scope)


def two_digits(low: int = 0) -> st.SearchStrategy[str]:
    return st.integers(low, 99).map("{:02d}".format)


townships = st.builds(
    "{}{}{}{}".format, two_digits(1), two_digits(), two_digits(), st.integers(0, 999).map("{:03d}".format)
)


@given(townships)
def test_a_township_lies_in_its_county_city_and_province(township):
    county, city, province = township[:6], township[:4] + "00", township[:2] + "0000"
    for scope in (township, county, city, province):
        assert region_in_scope(township, scope)
    for code in (county, city, province):
        assert region_in_scope(code, code)
        assert region_in_scope(code, province)
    assert region_in_scope(county, city)


@given(st.one_of(townships, townships.map(lambda code: code[:6])))
def test_prefix_length_follows_the_level(code):
    lengths = {"province": 2, "city": 4, "county": 6, "township": 9}
    prefix = region_scope_prefix(code)
    assert len(prefix) == lengths[region_level(code)]
    assert code.startswith(prefix)
    assert set(code[len(prefix) :]) <= {"0"}


# --- Star rating: constants and thresholds -------------------------------------------


def test_sections_add_up_to_1000_points():
    assert SECTION_MAXIMA == {"environment": 120, "equipment": 130, "management": 150, "service": 600}
    assert sum(SECTION_MAXIMA.values()) == 1000


def test_default_thresholds():
    assert DEFAULT_THRESHOLDS.totals == {1: 360, 2: 450, 3: 570, 4: 780, 5: 900}
    assert DEFAULT_THRESHOLDS.section_percent == {1: 40, 2: 50, 3: 60, 4: 80, 5: 90}


def test_star_level_uses_default_thresholds_by_default():
    scores = {"environment": 110, "equipment": 120, "management": 140, "service": 560}
    assert star_level(**scores) == star_level(**scores, thresholds=DEFAULT_THRESHOLDS) == 5


def test_thresholds_are_frozen():
    with pytest.raises(TypeError):
        DEFAULT_THRESHOLDS.totals[1] = 0
    with pytest.raises(TypeError):
        DEFAULT_THRESHOLDS.section_percent[1] = 0


def test_thresholds_do_not_share_the_callers_dicts():
    totals = {1: 1, 2: 2, 3: 3, 4: 4, 5: 5}
    thresholds = StarThresholds(totals=totals, section_percent={level: 0 for level in LEVELS})
    totals[5] = 1000
    assert thresholds.totals[5] == 5


@pytest.mark.parametrize(
    ("totals", "section_percent"),
    [
        ({1: 360, 2: 450, 3: 570, 4: 780}, {1: 40, 2: 50, 3: 60, 4: 80, 5: 90}),
        ({1: 360, 2: 450, 3: 570, 4: 780, 5: 900}, {1: 40, 2: 50, 3: 60, 4: 80, 5: 90, 6: 95}),
        ({0: 0, 1: 360, 2: 450, 3: 570, 4: 780}, {1: 40, 2: 50, 3: 60, 4: 80, 5: 90}),
        ({1: 360, 2: 450, 3: 570, 4: 780, 5: 1001}, {1: 40, 2: 50, 3: 60, 4: 80, 5: 90}),
        ({1: -1, 2: 450, 3: 570, 4: 780, 5: 900}, {1: 40, 2: 50, 3: 60, 4: 80, 5: 90}),
        ({1: 360, 2: 450, 3: 570, 4: 780, 5: 900}, {1: 40, 2: 50, 3: 60, 4: 80, 5: 101}),
        ({1: 360, 2: 450, 3: 570, 4: 780, 5: 900}, {1: -1, 2: 50, 3: 60, 4: 80, 5: 90}),
        ({1: 450, 2: 360, 3: 570, 4: 780, 5: 900}, {1: 40, 2: 50, 3: 60, 4: 80, 5: 90}),
        ({1: 360, 2: 450, 3: 570, 4: 780, 5: 900}, {1: 40, 2: 50, 3: 60, 4: 90, 5: 80}),
        ({1: 360.0, 2: 450, 3: 570, 4: 780, 5: 900}, {1: 40, 2: 50, 3: 60, 4: 80, 5: 90}),
        ({1: 360, 2: 450, 3: 570, 4: 780, 5: 900}, {1: 40, 2: 50, 3: 60, 4: 80, 5: Decimal(90)}),
        ({1: True, 2: 450, 3: 570, 4: 780, 5: 900}, {1: 40, 2: 50, 3: 60, 4: 80, 5: 90}),
    ],
)
def test_thresholds_need_ints_in_range_for_levels_1_to_5_that_never_decrease(totals, section_percent):
    with pytest.raises(ValueError, match=" / "):
        StarThresholds(totals=totals, section_percent=section_percent)


@pytest.mark.parametrize("level", LEVELS)
def test_with_default_thresholds_the_section_minima_already_meet_the_total(level):
    """Why the total boundaries below use thresholds with low percentages."""
    percent = DEFAULT_THRESHOLDS.section_percent[level]
    minima_total = sum(Fraction(percent * maximum, 100) for maximum in SECTION_MAXIMA.values())
    assert minima_total >= DEFAULT_THRESHOLDS.totals[level]


# --- Star rating: boundaries -----------------------------------------------------------

# Default totals, but section percentages low enough that the total decides.
TOTAL_DECIDES = StarThresholds(
    totals=DEFAULT_THRESHOLDS.totals, section_percent={1: 10, 2: 20, 3: 30, 4: 40, 5: 50}
)


def spread(total: Decimal) -> dict[str, Decimal]:
    """Scores summing to `total` exactly, each section at the same share of its maximum."""
    return {section: total * maximum / 1000 for section, maximum in SECTION_MAXIMA.items()}


TOTAL_CASES = [
    (level, offset, level if offset >= 0 else level - 1)
    for level in LEVELS
    for offset in (Decimal(-1), -HALF, Decimal(0), HALF, Decimal(1))
]


@pytest.mark.parametrize(("level", "offset", "expected"), TOTAL_CASES)
def test_total_at_threshold_reaches_the_level_and_just_below_does_not(level, offset, expected):
    scores = spread(TOTAL_DECIDES.totals[level] + offset)
    assert sum(scores.values()) == TOTAL_DECIDES.totals[level] + offset
    assert star_level(**scores, thresholds=TOTAL_DECIDES) == expected


def section_minimum(level: int, section: str) -> Decimal:
    return Decimal(DEFAULT_THRESHOLDS.section_percent[level] * SECTION_MAXIMA[section]) / 100


SECTION_CASES = [
    (level, section, offset, level if offset >= 0 else level - 1)
    for level in LEVELS
    for section in SECTIONS
    for offset in (Decimal(-1), -HALF, Decimal(0), HALF, Decimal(1))
]


@pytest.mark.parametrize(("level", "section", "offset", "expected"), SECTION_CASES)
def test_section_at_its_percentage_reaches_the_level_and_just_below_does_not(
    level, section, offset, expected
):
    scores = dict(SECTION_MAXIMA)
    scores[section] = section_minimum(level, section) + offset
    assert star_level(**scores) == expected


@pytest.mark.parametrize(
    ("section", "score", "level"),
    [
        ("environment", 48, 1),  # 48/120 is exactly 40 %
        ("environment", Decimal("47.99"), 0),
        ("equipment", 52, 1),
        ("equipment", Decimal("51.999999999999999999999999999999"), 0),  # more digits than a default context
        ("management", 60, 1),
        ("service", 240, 1),
        ("environment", Decimal("108.0"), 5),
        ("equipment", Decimal("117.00"), 5),
        ("equipment", Decimal("116.5"), 4),
        ("management", 135, 5),
        ("service", 540, 5),
        ("service", Decimal("539.5"), 4),
    ],
)
def test_section_percentages_are_compared_exactly(section, score, level):
    scores = dict(SECTION_MAXIMA)
    scores[section] = score
    assert star_level(**scores) == level


@pytest.mark.parametrize(
    ("scores", "level"),
    [
        ({"environment": 0, "equipment": 0, "management": 0, "service": 0}, 0),
        ({"environment": 120, "equipment": 130, "management": 150, "service": 600}, 5),
        ({"environment": 48, "equipment": 52, "management": 60, "service": 240}, 1),
        ({"environment": 60, "equipment": 65, "management": 75, "service": 300}, 2),
        ({"environment": 72, "equipment": 78, "management": 90, "service": 360}, 3),
        ({"environment": 96, "equipment": 104, "management": 120, "service": 480}, 4),
        ({"environment": 108, "equipment": 117, "management": 135, "service": 540}, 5),
        ({"environment": 120, "equipment": 130, "management": 150, "service": 239}, 0),
        ({"environment": 100, "equipment": 100, "management": 100, "service": 500}, 3),
    ],
)
def test_star_level_examples(scores, level):
    assert star_level(**scores) == level


# --- Star rating: invalid scores --------------------------------------------------------

OUT_OF_RANGE = [
    (section, value)
    for section, maximum in SECTION_MAXIMA.items()
    for value in (-1, -HALF, -CENT, maximum + CENT, maximum + HALF, maximum + 1)
]


@pytest.mark.parametrize(("section", "value"), OUT_OF_RANGE)
def test_a_score_outside_its_section_range_is_rejected_by_name(section, value):
    scores = {name: 0 for name in SECTIONS}
    scores[section] = value
    for rule in (star_level, points_to_next_level):
        message = rf"/ {section} score must be from 0 to {SECTION_MAXIMA[section]}"
        with pytest.raises(ValueError, match=message):
            rule(**scores)


NOT_A_SCORE = [
    (section, value)
    for section in SECTIONS
    for value in (48.0, "48", None, True, Fraction(1, 2), Decimal("NaN"), Decimal("sNaN"), Decimal("-Inf"))
]


@pytest.mark.parametrize(("section", "value"), NOT_A_SCORE)
def test_a_score_that_is_not_an_int_or_finite_decimal_is_rejected_by_name(section, value):
    scores = {name: 0 for name in SECTIONS}
    scores[section] = value
    for rule in (star_level, points_to_next_level):
        with pytest.raises(ValueError, match=rf"/ {section} score must be an int or a finite Decimal"):
            rule(**scores)


@pytest.mark.parametrize("section", SECTIONS)
def test_zero_and_the_maximum_are_valid_scores(section):
    scores = {name: 0 for name in SECTIONS}
    scores[section] = SECTION_MAXIMA[section]
    assert star_level(**scores) == 0
    assert star_level(**{**scores, section: Decimal("-0")}) == 0


# --- Star rating: properties ----------------------------------------------------------


def section_score(maximum: int) -> st.SearchStrategy:
    return st.one_of(
        st.integers(0, maximum),
        st.integers(0, 2 * maximum).map(lambda halves: Decimal(halves) / 2),
        st.decimals(min_value=0, max_value=maximum, places=2),
    )


score_sets = st.fixed_dictionaries(
    {section: section_score(maximum) for section, maximum in SECTION_MAXIMA.items()}
)


@st.composite
def any_thresholds(draw) -> StarThresholds:
    totals = sorted(draw(st.lists(st.integers(0, 1000), min_size=5, max_size=5)))
    percents = sorted(draw(st.lists(st.integers(0, 100), min_size=5, max_size=5)))
    return StarThresholds(totals=dict(zip(LEVELS, totals)), section_percent=dict(zip(LEVELS, percents)))


threshold_sets = st.one_of(st.just(DEFAULT_THRESHOLDS), st.just(TOTAL_DECIDES), any_thresholds())


def reference_level(scores: dict, thresholds: StarThresholds) -> int:
    """The definition, by integer cross-multiplication on Fractions."""
    exact = {section: Fraction(score) for section, score in scores.items()}
    reached = [
        level
        for level in LEVELS
        if sum(exact.values()) >= thresholds.totals[level]
        and all(100 * exact[s] >= thresholds.section_percent[level] * SECTION_MAXIMA[s] for s in SECTIONS)
    ]
    return max(reached, default=0)


@given(score_sets, threshold_sets)
def test_star_level_is_the_highest_level_whose_every_criterion_holds(scores, thresholds):
    assert star_level(**scores, thresholds=thresholds) == reference_level(scores, thresholds)


@given(score_sets, threshold_sets, st.sampled_from(SECTIONS), st.data())
def test_raising_any_section_never_lowers_the_level(scores, thresholds, section, data):
    higher = data.draw(
        st.decimals(min_value=Decimal(scores[section]), max_value=SECTION_MAXIMA[section], places=2)
    )
    raised = {**scores, section: higher}
    assert star_level(**raised, thresholds=thresholds) >= star_level(**scores, thresholds=thresholds)


@given(score_sets, threshold_sets)
def test_level_never_exceeds_what_the_total_alone_allows(scores, thresholds):
    total = sum(Decimal(score) for score in scores.values())
    allowed = max((level for level in LEVELS if total >= thresholds.totals[level]), default=0)
    assert star_level(**scores, thresholds=thresholds) <= allowed


@given(score_sets)
def test_int_and_decimal_forms_of_a_score_rate_alike(scores):
    as_decimal = {section: Decimal(score) for section, score in scores.items()}
    with_zeros = {section: Decimal(score).quantize(CENT) for section, score in scores.items()}
    assert star_level(**scores) == star_level(**as_decimal) == star_level(**with_zeros)


# --- Points to the next level ------------------------------------------------------------


def add_anywhere(scores: dict[str, Decimal], points: Decimal) -> dict[str, Decimal]:
    """Spend `points` on whichever sections still have room, in section order."""
    result = dict(scores)
    for section in SECTIONS:
        spent = min(points, SECTION_MAXIMA[section] - result[section])
        result[section] += spent
        points -= spent
    assert points == 0
    return result


def apply(scores: dict, gap: NextLevelGap) -> dict[str, Decimal]:
    raised = {section: Decimal(score) + gap.section_shortfalls[section] for section, score in scores.items()}
    return add_anywhere(raised, gap.total_shortfall)


@pytest.mark.parametrize(
    ("scores", "thresholds", "expected"),
    [
        (
            {"environment": 0, "equipment": 0, "management": 0, "service": 0},
            DEFAULT_THRESHOLDS,
            NextLevelGap(
                1, {"environment": 48, "equipment": 52, "management": 60, "service": 240}, Decimal(0)
            ),
        ),
        (
            {"environment": Decimal("47.5"), "equipment": 130, "management": 150, "service": 600},
            DEFAULT_THRESHOLDS,
            NextLevelGap(1, {"environment": HALF, "equipment": 0, "management": 0, "service": 0}, Decimal(0)),
        ),
        (
            {"environment": 100, "equipment": 100, "management": 100, "service": 500},
            DEFAULT_THRESHOLDS,
            NextLevelGap(4, {"environment": 0, "equipment": 4, "management": 20, "service": 0}, Decimal(0)),
        ),
        (
            {"environment": 108, "equipment": 117, "management": 135, "service": Decimal("539.99")},
            DEFAULT_THRESHOLDS,
            NextLevelGap(5, {"environment": 0, "equipment": 0, "management": 0, "service": CENT}, Decimal(0)),
        ),
        (
            {"environment": 36, "equipment": 39, "management": 45, "service": 180},
            TOTAL_DECIDES,
            NextLevelGap(1, {"environment": 0, "equipment": 0, "management": 0, "service": 0}, Decimal(60)),
        ),
        (
            {"environment": 0, "equipment": 130, "management": 150, "service": 0},
            TOTAL_DECIDES,
            NextLevelGap(1, {"environment": 12, "equipment": 0, "management": 0, "service": 60}, Decimal(8)),
        ),
        (
            {"environment": 120, "equipment": 130, "management": 150, "service": Decimal("50.5")},
            StarThresholds(
                totals={level: 360 for level in LEVELS}, section_percent={level: 45 for level in LEVELS}
            ),
            NextLevelGap(
                1,
                {"environment": 0, "equipment": 0, "management": 0, "service": Decimal("219.5")},
                Decimal(0),
            ),
        ),
        (
            {"environment": 0, "equipment": 0, "management": 0, "service": 0},
            StarThresholds(
                totals={level: 0 for level in LEVELS}, section_percent={1: 33, 2: 45, 3: 50, 4: 50, 5: 99}
            ),
            NextLevelGap(
                1,
                {
                    "environment": Decimal("39.6"),
                    "equipment": Decimal("42.9"),
                    "management": Decimal("49.5"),
                    "service": 198,
                },
                Decimal(0),
            ),
        ),
    ],
)
def test_points_to_next_level_examples(scores, thresholds, expected):
    gap = points_to_next_level(**scores, thresholds=thresholds)
    assert gap == expected
    assert all(isinstance(value, Decimal) for value in gap.section_shortfalls.values())
    assert isinstance(gap.total_shortfall, Decimal)
    assert list(gap.section_shortfalls) == list(SECTIONS)


@pytest.mark.parametrize(
    "scores",
    [
        {"environment": 120, "equipment": 130, "management": 150, "service": 600},
        {"environment": 108, "equipment": 117, "management": 135, "service": 540},
    ],
)
def test_there_is_no_next_level_at_five_stars(scores):
    assert points_to_next_level(**scores) is None


def test_shortfalls_are_read_only():
    gap = points_to_next_level(environment=0, equipment=0, management=0, service=0)
    with pytest.raises(TypeError):
        gap.section_shortfalls["service"] = Decimal(0)


@given(score_sets, threshold_sets)
def test_next_level_is_one_above_the_current_and_none_only_at_five(scores, thresholds):
    level = star_level(**scores, thresholds=thresholds)
    gap = points_to_next_level(**scores, thresholds=thresholds)
    if level == 5:
        assert gap is None
    else:
        assert gap.level == level + 1
        assert all(value >= 0 for value in gap.section_shortfalls.values())
        assert gap.total_shortfall >= 0


@given(score_sets)
def test_adding_the_shortfalls_reaches_exactly_the_next_level(scores):
    gap = points_to_next_level(**scores)
    if gap is not None:
        assert star_level(**apply(scores, gap)) == gap.level


@given(score_sets, threshold_sets)
def test_adding_the_shortfalls_reaches_the_next_level_under_any_thresholds(scores, thresholds):
    gap = points_to_next_level(**scores, thresholds=thresholds)
    if gap is not None:
        assert star_level(**apply(scores, gap), thresholds=thresholds) >= gap.level


@given(score_sets, threshold_sets)
def test_every_shortfall_is_the_least_that_will_do(scores, thresholds):
    gap = points_to_next_level(**scores, thresholds=thresholds)
    if gap is None:
        return
    for section, shortfall in gap.section_shortfalls.items():
        if shortfall > 0:
            best_elsewhere = {**SECTION_MAXIMA, section: Decimal(scores[section]) + shortfall - CENT}
            assert star_level(**best_elsewhere, thresholds=thresholds) < gap.level
    if gap.total_shortfall > 0:
        almost = NextLevelGap(gap.level, gap.section_shortfalls, gap.total_shortfall - CENT)
        short_by_a_cent = apply(scores, almost)
        assert star_level(**short_by_a_cent, thresholds=thresholds) < gap.level


# --- Rating validity --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rated_on", "years", "expires_on"),
    [
        (date(2024, 2, 29), 3, date(2027, 2, 28)),
        (date(2024, 2, 29), 4, date(2028, 2, 29)),
        (date(2024, 2, 29), 1, date(2025, 2, 28)),
        (date(2096, 2, 29), 4, date(2100, 2, 28)),  # 2100 is not a leap year
        (date(1996, 2, 29), 4, date(2000, 2, 29)),  # 2000 is
        (date(2024, 2, 28), 3, date(2027, 2, 28)),
        (date(2024, 3, 1), 3, date(2027, 3, 1)),
        (date(2023, 3, 1), 1, date(2024, 3, 1)),
        (date(2025, 1, 1), 3, date(2028, 1, 1)),
        (date(2025, 12, 31), 1, date(2026, 12, 31)),
        (date(2025, 6, 15), 10, date(2035, 6, 15)),
    ],
)
def test_rating_expires_on_the_same_day_years_later(rated_on, years, expires_on):
    assert rating_expires_on(rated_on, years) == expires_on


def test_rating_lasts_three_years_by_default():
    assert rating_expires_on(date(2025, 6, 15)) == date(2028, 6, 15)
    assert rating_is_valid(date(2025, 6, 15), date(2028, 6, 14))
    assert not rating_is_valid(date(2025, 6, 15), date(2028, 6, 15))


@pytest.mark.parametrize("years", [0, -1, -3, True, 3.0, Decimal(3), "3"])
def test_rating_term_must_be_a_whole_number_of_at_least_one_year(years):
    with pytest.raises(ValueError, match=" / years must be an int of at least 1"):
        rating_expires_on(date(2025, 6, 15), years)
    with pytest.raises(ValueError):
        rating_is_valid(date(2025, 6, 15), date(2025, 6, 15), years)


@pytest.mark.parametrize(
    ("rated_on", "on", "years", "valid"),
    [
        (date(2025, 6, 15), date(2025, 6, 14), 3, False),
        (date(2025, 6, 15), date(2025, 6, 15), 3, True),
        (date(2025, 6, 15), date(2026, 12, 31), 3, True),
        (date(2025, 6, 15), date(2028, 6, 14), 3, True),
        (date(2025, 6, 15), date(2028, 6, 15), 3, False),
        (date(2025, 6, 15), date(2030, 1, 1), 3, False),
        (date(2024, 2, 29), date(2027, 2, 27), 3, True),
        (date(2024, 2, 29), date(2027, 2, 28), 3, False),
        (date(2024, 2, 29), date(2028, 2, 28), 4, True),
        (date(2024, 2, 29), date(2028, 2, 29), 4, False),
        (date(2024, 2, 29), date(2024, 2, 28), 3, False),
        (date(2025, 6, 15), date(2026, 6, 14), 1, True),
        (date(2025, 6, 15), date(2026, 6, 15), 1, False),
    ],
)
def test_rating_is_valid_from_the_rating_day_up_to_but_not_including_expiry(rated_on, on, years, valid):
    assert rating_is_valid(rated_on, on, years) is valid


rating_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2400, 12, 31))


@given(rating_dates, st.integers(1, 50))
def test_expiry_keeps_month_and_day_except_a_lost_leap_day(rated_on, years):
    expires_on = rating_expires_on(rated_on, years)
    assert expires_on.year == rated_on.year + years
    if (rated_on.month, rated_on.day) == (2, 29) and expires_on.day != 29:
        assert expires_on == date(expires_on.year, 2, 28)
    else:
        assert (expires_on.month, expires_on.day) == (rated_on.month, rated_on.day)


@given(rating_dates, st.integers(1, 50))
def test_validity_ends_on_the_eve_of_expiry(rated_on, years):
    expires_on = rating_expires_on(rated_on, years)
    assert rating_is_valid(rated_on, rated_on, years)
    assert rating_is_valid(rated_on, expires_on - timedelta(days=1), years)
    assert not rating_is_valid(rated_on, expires_on, years)
    assert not rating_is_valid(rated_on, rated_on - timedelta(days=1), years)


# --- 统一社会信用代码 ---------------------------------------------------------------------

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
KNOWN_VALID = "91350100M000100Y43"


def test_published_example_is_valid():
    assert is_valid_credit_code(KNOWN_VALID)
    assert credit_code_check_character(KNOWN_VALID[:17]) == KNOWN_VALID[17]


def test_weights_are_powers_of_three_mod_31():
    """Position i alone with value 1 gives check (31 - 3^i mod 31) mod 31."""
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    for position, weight in enumerate(weights):
        body = "0" * position + "1" + "0" * (16 - position)
        assert credit_code_check_character(body) == CREDIT_ALPHABET[(31 - weight) % 31]
    assert credit_code_check_character("0" * 17) == "0"


@pytest.mark.parametrize(
    "value",
    [KNOWN_VALID, f" {KNOWN_VALID}", f"{KNOWN_VALID}\n", f"\t{KNOWN_VALID} ", f"\u3000{KNOWN_VALID}"],
)
def test_surrounding_whitespace_is_ignored(value):
    assert is_valid_credit_code(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        " ",
        KNOWN_VALID[:17],
        KNOWN_VALID + "0",
        KNOWN_VALID[:16],
        KNOWN_VALID * 2,
        KNOWN_VALID.lower(),
        "91350100m000100y43",
        "91350100M000100Y4 3",
        "９1350100M000100Y43",  # a full-width digit
        "91350100M000100Y44",
        "91350100M000100Y4" + "?",
        None,
        913501000001004,
        b"91350100M000100Y43",
    ],
)
def test_wrong_length_case_characters_or_type_are_invalid_without_raising(value):
    assert is_valid_credit_code(value) is False


@pytest.mark.parametrize("letter", "IOSVZ")
@pytest.mark.parametrize("position", range(18))
def test_forbidden_letters_are_invalid_anywhere(letter, position):
    code = KNOWN_VALID[:position] + letter + KNOWN_VALID[position + 1 :]
    assert not is_valid_credit_code(code)


@pytest.mark.parametrize("position", range(18))
def test_every_single_character_change_of_the_published_example_is_caught(position):
    for character in CREDIT_ALPHABET.replace(KNOWN_VALID[position], ""):
        assert not is_valid_credit_code(KNOWN_VALID[:position] + character + KNOWN_VALID[position + 1 :])


credit_bodies = st.lists(st.sampled_from(CREDIT_ALPHABET), min_size=17, max_size=17).map("".join)


@given(credit_bodies)
def test_a_body_completed_with_its_check_character_is_valid(body):
    check = credit_code_check_character(body)
    assert check in CREDIT_ALPHABET
    assert is_valid_credit_code(body + check)
    weighted = sum(CREDIT_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(body))
    assert (weighted + CREDIT_ALPHABET.index(check)) % 31 == 0


@given(credit_bodies, st.integers(0, 17), st.data())
def test_flipping_any_single_character_of_a_valid_code_is_caught(body, position, data):
    code = body + credit_code_check_character(body)
    replacement = data.draw(st.sampled_from(CREDIT_ALPHABET.replace(code[position], "")))
    assert not is_valid_credit_code(code[:position] + replacement + code[position + 1 :])


@pytest.mark.parametrize(
    "body",
    [
        "",
        KNOWN_VALID[:16],
        KNOWN_VALID,
        KNOWN_VALID[:16] + "I",
        KNOWN_VALID[:16] + "o",
        " " + KNOWN_VALID[:16],
        "91350100m00010 0Y",
        None,
        91350100000100,
    ],
)
def test_check_character_needs_17_allowed_characters(body):
    with pytest.raises(ValueError, match="统一社会信用代码.* / a credit code body"):
        credit_code_check_character(body)


@pytest.mark.parametrize("code, expected", [
    ("621002100", ["621002100", "621002", "621000", "620000"]),
    ("621002", ["621002", "621000", "620000"]),
    ("621000", ["621000", "620000"]),
    ("620000", ["620000"]),
    ("429004", ["429004", "429000", "420000"]),
])
def test_region_ancestors_run_from_most_specific_to_province(code, expected):
    assert region_ancestors(code) == expected


# --- rating application rules -----------------------------------------------------------

D = date(2026, 6, 1)


@pytest.mark.parametrize("level, history, expected", [
    # first rating: at most level 3 by default
    (3, [], None),
    (4, [], "首次评定最高为三级"),
    (0, [], None),
    # upgrades one step at a time and after a year at the current level
    (4, [PastRating(date(2025, 5, 31), 3)], None),
    (4, [PastRating(date(2025, 6, 1), 3)], None),
    (4, [PastRating(date(2025, 6, 2), 3)], "满1年后方可申请晋级（2026-06-02 起）"),
    (5, [PastRating(date(2024, 1, 1), 3)], "只能申请四级"),
    # keeping or lowering the level is always possible
    (3, [PastRating(date(2026, 1, 1), 3)], None),
    (2, [PastRating(date(2026, 1, 1), 3)], None),
    # after an expired rating the facility goes on from its last level one step at a time (default)
    (5, [PastRating(date(2020, 1, 1), 4)], None),
    (5, [PastRating(date(2020, 1, 1), 3)], "原等级（三级）已过期，晋级须逐级进行：只能申请四级"),
    # no re-application within a year of a failed evaluation
    (2, [PastRating(date(2025, 6, 2), 0)], "未通过，1年内不得再次申请（2026-06-02 起可申请）"),
    (2, [PastRating(date(2025, 6, 1), 0)], None),
    # later evaluations in the history are ignored
    (4, [PastRating(date(2027, 1, 1), 0)], "首次评定最高为三级"),
])
def test_rating_refusal_names_the_rule(level, history, expected):
    refusal = rating_refusal(level=level, on=D, history=history)
    if expected is None:
        assert refusal is None
    else:
        assert refusal is not None and expected in refusal


def test_rating_rules_follow_the_region_parameters():
    assert rating_refusal(level=5, on=D, history=[], first_max_level=5) is None
    history = [PastRating(date(2025, 1, 1), 0)]
    assert rating_refusal(level=1, on=D, history=history, reapply_wait_years=2) is not None
    assert rating_refusal(level=4, on=D, history=[PastRating(date(2024, 7, 1), 3)], upgrade_wait_years=2) is not None


@given(level=st.integers(0, 5), days=st.integers(0, 3000), past_level=st.integers(0, 5))
def test_rating_refusal_is_a_message_or_none(level, days, past_level):
    history = [PastRating(date(2020, 1, 1) + timedelta(days=days), past_level)]
    refusal = rating_refusal(level=level, on=date(2030, 1, 1), history=history)
    assert refusal is None or (isinstance(refusal, str) and refusal)
