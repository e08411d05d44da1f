"""The rules file: parsing, line-numbered problems, versions by content hash."""

from __future__ import annotations

import pytest

from maritime.alerts.rules import DEFAULT_WATCHLIST_RULE, RulesError, check_rules, parse_rules

GOOD = """\
# patrol rules
[[rule]]
id = "galapagos-fishing"
description = "Any fishing vessel inside the Galápagos reserve"
kinds = ["fishing"]
zones = ["Galápagos Marine Reserve"]
severity = "high"
ship_types = [30, "70-79"]

[[rule]]
id = "foreign-slow"
kinds = ["speed_range"]
zones = ["*"]
severity = "medium"
exclude_mids = [735]
length_min_m = 12
min_confidence = 0.5
classes = ["a"]

[[rule]]
id = "iuu-anything"
kinds = ["*"]
severity = "critical"
watchlists = ["iuu"]
enabled = false
"""


def test_a_good_file_loads_every_selector() -> None:
    rs = parse_rules(GOOD, "patrol.toml")
    assert [r.id for r in rs.rules] == ["galapagos-fishing", "foreign-slow"]
    assert rs.disabled == ("iuu-anything",)
    a, b = rs.rules
    assert a.ship_types == ((30, 30), (70, 79)) and a.zones == ("Galápagos Marine Reserve",) and a.line == 2
    assert b.exclude_mids == (735,) and b.classes == ("A",) and b.min_confidence == 0.5 and b.line == 10
    assert b.covers_kind("speed_range") and not b.covers_kind("fishing")


def test_any_kind_string_is_accepted() -> None:
    rs = parse_rules('[[rule]]\nid = "x"\nkinds = ["some_future_kind"]\nseverity = "low"\n')
    assert rs.rules[0].covers_kind("some_future_kind")


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ('[[rule]]\nid = "a"\nkinds = ["x"]\nseverity = "urgent"\n', 4, "severity must be one of"),
        ('[[rule]]\nid = "a"\nkinds = ["x"]\n\nseverity = "low"\nzone = ["A"]\n', 6, "unknown key 'zone'"),
        (
            '[[rule]]\nid = "a"\nkinds = ["x"]\nseverity = "low"\n[[rule]]\nkinds = ["y"]\nseverity = "low"\n',
            5,
            "no id",
        ),
        (
            '[[rule]]\nid = "a"\nkinds = ["x"]\nseverity = "low"\n\n'
            '[[rule]]\nid = "a"\nkinds = ["y"]\nseverity = "low"\n',
            7,
            "used twice (first on line 1)",
        ),
        ('[[rule]]\nid = "a"\nkinds = ["x"]\nseverity = "low"\nship_types = ["70-"]\n', 5, "ship_types"),
        ('[[rule]]\nid = "a"\nkinds = ["x"]\nseverity = "low"\nmin_confidence = 2\n', 5, "min_confidence"),
        ('[[rule]]\nid = "a"\nkinds = ["x"]\nseverity = "low"\nlength_min_m = 50\nlength_max_m = 10\n', 6, "below"),
        ('[[rule]]\nid = "a"\nkinds = ["x"]\nseverity = "low"\nmids = [12]\n', 5, "outside 200-799"),
        ('[[rule]]\nid = "a"\nkinds = ["x"]\nseverity = "low"\nclasses = ["C"]\n', 5, "classes"),
        ('[[rule]]\nid = "a"\nseverity = "low"\n', 1, "no kinds"),
        ('[[rule]]\nid = "a"\nkinds = ["x"\nseverity = "low"\n', 4, "TOML syntax"),
        ('[[rule]]\nid = "a b"\nkinds = ["x"]\nseverity = "low"\n', 2, "id must be"),
        ('[rules]\nid = "a"\n', 1, "unknown top-level key 'rules'"),
    ],
)
def test_problems_carry_the_line(text: str, line: int, needle: str) -> None:
    rules, problems = check_rules(text, "r.toml")
    assert rules is None
    assert any(p.line == line and needle in p.message for p in problems), problems


def test_every_problem_is_reported_and_the_loader_names_the_first() -> None:
    text = '[[rule]]\nid = "a"\nkinds = ["x"]\nseverity = "bad"\n\n[[rule]]\nid = "b"\nkinds = 3\nseverity = "low"\n'
    _, problems = check_rules(text)
    assert [p.line for p in problems] == [4, 8]
    with pytest.raises(RulesError, match=r"^r.toml:4: severity .* \(and 1 more: run `maritime rules check r.toml`\)$"):
        parse_rules(text, "r.toml")


def test_the_hash_follows_the_conditions_not_the_description() -> None:
    base = '[[rule]]\nid = "a"\nkinds = ["x", "y"]\nseverity = "low"\n'
    h = parse_rules(base).rules[0].digest
    assert parse_rules(base + 'description = "words"\n').rules[0].digest == h
    assert parse_rules(base.replace('["x", "y"]', '["y", "x"]')).rules[0].digest == h
    assert parse_rules(base.replace("low", "high")).rules[0].digest != h


def test_watchlist_default_rule_only_when_no_rule_covers_hits() -> None:
    rs = parse_rules('[[rule]]\nid = "a"\nkinds = ["x"]\nseverity = "low"\n')
    assert rs.with_watchlist_default().rules[-1] == DEFAULT_WATCHLIST_RULE
    rs2 = parse_rules('[[rule]]\nid = "a"\nkinds = ["watchlist_hit"]\nseverity = "critical"\n')
    assert rs2.with_watchlist_default() is rs2


def test_the_readme_example_is_a_valid_rules_file() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    block = readme.split("### Rules file (TOML)", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    rs = parse_rules(block, "README.md")
    assert [r.id for r in rs.rules] == ["galapagos-fishing", "border-slow-foreign", "iuu-anywhere"]


@pytest.mark.parametrize(
    ("escalate", "needle"),
    [
        ('[{min_hours = 6, severity = "urgent"}]', "escalate: severity must be one of"),
        ('[{severity = "high"}]', "needs min_confidence and/or min_hours"),
        ('[{min_hours = 6, severity = "high", after = 1}]', "unknown key 'after'"),
        ('[{min_confidence = 3, severity = "high"}]', "min_confidence is 0-1"),
        ('"high"', "escalate must be a list of tables"),
    ],
)
def test_escalation_problems_point_at_the_escalate_line(escalate: str, needle: str) -> None:
    _, problems = check_rules(f'[[rule]]\nid = "a"\nkinds = ["x"]\nseverity = "low"\nescalate = {escalate}\n')
    assert [(p.line, needle in p.message) for p in problems] == [(5, True)], problems
