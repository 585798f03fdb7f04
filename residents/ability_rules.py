"""Pure rules of the national assessment of older people's ability, GB/T 42195-2022 《老年人能力评估规范》.

Policies encoded here:

* Four first-level indicators (自理能力, 基础运动能力, 精神状态, 感知觉与社会参与) of 26 items, scored as
  the standard's appendix B says; the items, their options and maxima are data (`AbilityScale` rows,
  each naming its source), checked here by `scale_problems`, so a region can correct a table without
  a release. The standard's maxima add up to 90.
* The preliminary level follows from the total: 90 能力完好, 66–89 轻度失能, 46–65 中度失能, 30–45 重度失能,
  0–29 完全失能. A person in a coma is 完全失能 whatever the total. A diagnosed mental disorder (ICD-10
  F00–F99) or two or more care-risk events in the last 30 days (a fall, choking, wandering off, self-harm,
  suicide attempt…) each raise the level one step; both together raise it one step unless the region
  stacks them; never beyond 完全失能.
* Long-term-care insurance results (长期护理保险失能等级, 《长期护理失能等级评估标准（试行）》, 医保办发〔2021〕37号:
  0 基本正常, 1 轻度失能, 2 中度失能, 3–5 重度失能Ⅰ–Ⅲ级) may stand in for an own assessment where the
  region accepts them (采信). Their level reads as GB/T 42195's by `ltc_ability_level`: 0 能力完好, 1 轻度,
  2 中度, 3 and 4 重度, 5 完全失能. The two standards score differently; the correspondence is this
  system's reading of their level names, not an official table, and the page says so.

Values in, values out: no ORM, no I/O, no clock. Errors are bilingual "中文 / English".
"""
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

#: The highest total of the standard (the sum of its items' maxima).
MAX_TOTAL = 90


class AbilityLevel(str, enum.Enum):
    """GB/T 42195-2022's five levels, best first."""

    INTACT = "intact"      # 能力完好
    MILD = "mild"          # 轻度失能
    MODERATE = "moderate"  # 中度失能
    SEVERE = "severe"      # 重度失能
    TOTAL = "total"        # 完全失能

    def __str__(self) -> str:
        return self.value


#: The lowest total of each level, best level first.
LEVEL_FLOORS = ((90, AbilityLevel.INTACT), (66, AbilityLevel.MILD), (46, AbilityLevel.MODERATE),
                (30, AbilityLevel.SEVERE), (0, AbilityLevel.TOTAL))

#: Levels from 中度失能 down: the people the 2025–2026 consumption vouchers serve.
MODERATE_OR_WORSE = (AbilityLevel.MODERATE, AbilityLevel.SEVERE, AbilityLevel.TOTAL)

#: The four first-level indicators, in the standard's order.
INDICATORS = ("self_care", "movement", "mental", "sensory_social")

#: Care-risk events in the last 30 days from which the level is raised.
RISK_EVENTS_RAISING = 2


def _require_int(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name}须为整数 / {name} must be an int, got {type(value).__name__} {value!r}")


def preliminary_level(total: int) -> AbilityLevel:
    """The level the total alone gives (the standard's table)."""
    _require_int("total", total)
    if not 0 <= total <= MAX_TOTAL:
        raise ValueError(f"总分须在0至{MAX_TOTAL}之间 / the total must be 0 to {MAX_TOTAL}, got {total}")
    return next(level for floor, level in LEVEL_FLOORS if total >= floor)


def ability_level(*, total: int, coma: bool = False, mental_disorder: bool = False, risk_events_30d: int = 0,
                  stack_raises: bool = False) -> AbilityLevel:
    """The final level: the preliminary level, then the standard's adjustments (coma, a mental disorder,
    care-risk events in the last 30 days)."""
    level = preliminary_level(total)
    _require_int("risk_events_30d", risk_events_30d)
    if risk_events_30d < 0:
        raise ValueError(f"风险事件次数不能为负 / risk events must not be negative, got {risk_events_30d}")
    if coma:
        return AbilityLevel.TOTAL
    raises = int(bool(mental_disorder)) + int(risk_events_30d >= RISK_EVENTS_RAISING)
    steps = raises if stack_raises else min(raises, 1)
    order = list(AbilityLevel)
    return order[min(order.index(level) + steps, len(order) - 1)]


@dataclass(frozen=True)
class ScaleItem:
    """One item of a scale: its code (B.1.1…), indicator, name, and the scores its options give."""

    code: str
    indicator: str
    name: str
    scores: tuple[int, ...]

    @property
    def maximum(self) -> int:
        return max(self.scores)


@dataclass(frozen=True)
class AbilityScores:
    by_indicator: Mapping[str, int]
    total: int


def scale_problems(items: Sequence[ScaleItem]) -> list[str]:
    """What is wrong with a scale as data (empty when it can be used): unknown indicators, repeated codes,
    options that do not run from 0 to the item's maximum, maxima that do not add up to 90."""
    problems = []
    codes = [item.code for item in items]
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        problems.append(f"项目编号重复 / repeated item codes: {', '.join(repeated)}")
    for item in items:
        if item.indicator not in INDICATORS:
            problems.append(f"{item.code}：未知的一级指标 / unknown indicator {item.indicator!r}")
        if not item.scores or min(item.scores) != 0 or sorted(set(item.scores)) != list(range(item.maximum + 1)):
            problems.append(f"{item.code}：选项分值须为0至最高分的每个整数 / options must score each of 0 to the maximum")
    missing = [indicator for indicator in INDICATORS if indicator not in {item.indicator for item in items}]
    if missing:
        problems.append(f"缺少一级指标 / indicators without items: {', '.join(missing)}")
    total = sum(item.maximum for item in items if item.scores)
    if total != MAX_TOTAL:
        problems.append(f"各项最高分合计须为{MAX_TOTAL}（现为{total}）/ the maxima must add up to {MAX_TOTAL}, not {total}")
    return problems


def ability_scores(items: Sequence[ScaleItem], answers: Mapping[str, int]) -> AbilityScores:
    """Each indicator's score and the total from one answer per item; an item unanswered, an answer to no
    item, or a score the item does not offer raises ValueError naming them."""
    known = {item.code for item in items}
    missing = [item.code for item in items if item.code not in answers]
    unknown = sorted(set(answers) - known)
    if missing or unknown:
        raise ValueError("、".join(filter(None, [
            f"未评分的项目 / items not scored: {', '.join(missing)}" if missing else "",
            f"不属于本量表的项目 / items not in the scale: {', '.join(unknown)}" if unknown else "",
        ])))
    by_indicator = dict.fromkeys(INDICATORS, 0)
    for item in items:
        score = answers[item.code]
        _require_int(item.code, score)
        if score not in item.scores:
            raise ValueError(f"{item.code} {item.name}：分值须为{'/'.join(map(str, sorted(item.scores)))}之一 / "
                             f"{item.code} must score one of {sorted(item.scores)}, got {score}")
        by_indicator[item.indicator] += score
    return AbilityScores(by_indicator=by_indicator, total=sum(by_indicator.values()))


def scale_items(document: Mapping) -> list[dict]:
    """The items of a scale document (as `residents/data/ability_scale_*.json` keeps them) with every
    option spelt out: an item may name a set of options the document shares (`shared_options`)."""
    shared = document.get("shared_options", {})
    items = []
    for item in document["items"]:
        options = shared[item["options"]] if isinstance(item["options"], str) else item["options"]
        items.append({"code": item["code"], "indicator": item["indicator"], "name": item["name"],
                      "options": [[int(score), str(label)] for score, label in options]})
    return items


def as_scale_items(items: Sequence[Mapping]) -> list[ScaleItem]:
    """Stored items (code, indicator, name, options) as the rules read them."""
    return [ScaleItem(code=item["code"], indicator=item["indicator"], name=item["name"],
                      scores=tuple(score for score, _label in item["options"])) for item in items]


#: The levels of 长期护理保险 disability assessment, 0 (基本正常) to 5 (重度失能Ⅲ级).
LTC_LEVELS = range(6)
_LTC_TO_ABILITY = (AbilityLevel.INTACT, AbilityLevel.MILD, AbilityLevel.MODERATE, AbilityLevel.SEVERE,
                   AbilityLevel.SEVERE, AbilityLevel.TOTAL)


def ltc_ability_level(ltc_level: int) -> AbilityLevel:
    """The GB/T 42195 level a long-term-care insurance level reads as (see the module's policies)."""
    _require_int("ltc_level", ltc_level)
    if ltc_level not in LTC_LEVELS:
        raise ValueError(f"长护险失能等级须为0–5 / a long-term-care level is 0 to 5, got {ltc_level}")
    return _LTC_TO_ABILITY[ltc_level]
