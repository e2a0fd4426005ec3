"""Scenario files: validation errors name the file, the line and the field."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.scenarios._graph import graph, table

from crossroads.errors import ScenarioError
from crossroads.scenarios import apply, list_presets, load_scenario, parse_scenario

GOOD = """\
name: good
country: kz
operations:
  - op: remove_as
    asns: [2]
  - op: add_link
    a: 20
    b: 12
    rel: p2p
"""


def test_good_file_keeps_operation_lines(tmp_path: Path) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD)
    s = load_scenario(path)
    assert s.country == "KZ" and s.path == str(path)
    assert [op.line for op in s.operations] == [4, 6]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # line 5 holds the bad list item
        (GOOD.replace("asns: [2]", "asns: [two]"),
         "f.yaml, line 5: operations[0].asns[0]: Input should be a valid integer"),
        # the relationship value sits on line 9
        (GOOD.replace("rel: p2p", "rel: sideways"),
         "f.yaml, line 9: operations[1].rel: Input should be 'p2c', 'c2p' or 'p2p'"),
        # a missing field points at its operation (line 6)
        (GOOD.replace("    b: 12\n", ""), "f.yaml, line 6: operations[1].b: Field required"),
        # an unknown key is an error on its own line (line 3)
        ("name: x\ncountry: KZ\ncolour: red\n", "f.yaml, line 3: colour: Extra inputs"),
        (GOOD.replace("op: remove_as", "op: remove_everything"), "f.yaml, line 4: operations[0]"),
        ("name: x\ncountry: KAZ\n", "f.yaml, line 2: country: String should match pattern"),
        ("name: x\ncountry: KZ\noperations: [\n", "f.yaml, line 4: not valid YAML"),
        ("- a\n- b\n", "f.yaml, line 1: a scenario is a mapping"),
        ("", "f.yaml: the scenario file is empty"),
    ],
)
def test_validation_errors_name_line_and_field(text: str, expected: str) -> None:
    with pytest.raises(ScenarioError) as err:
        parse_scenario(text, path="f.yaml")
    assert str(err.value).startswith(expected), str(err.value)


@pytest.mark.parametrize(
    ("ops", "expected"),
    [
        ("  - op: remove_as\n    asns: [999]\n", "f.yaml, line 4 (remove_as): AS999 is not in"),
        ("  - op: depeer\n    asn: 3\n    country: ZZ\n",
         "f.yaml, line 4 (depeer): no AS of the loaded data is registered in ZZ"),
        ("  - op: remove_link\n    a: 1\n    b: 12\n",
         "f.yaml, line 4 (remove_link): there is no link between AS1 and AS12"),
        ("  - op: remove_as\n    asns: [3]\n  - op: add_link\n    a: 2\n    b: 10\n"
         "    rel: p2c\n", "f.yaml, line 6 (add_link): AS2 and AS10 are already linked"),
        ("  - op: change_relationship\n    a: 1\n    b: 10\n    rel: p2p\n",
         "f.yaml, line 4 (change_relationship): there is no link between AS1 and AS10"),
        ("  - op: restrict\n    origins: [21]\n",
         "f.yaml, line 4 (restrict): origin AS21 is not registered in KZ"),
    ],
)
def test_data_errors_name_the_operation_line(ops: str, expected: str) -> None:
    s = parse_scenario(f"name: x\ncountry: KZ\noperations:\n{ops}", path="f.yaml")
    with pytest.raises(ScenarioError) as err:
        apply(graph(), table(), s)
    assert str(err.value).startswith(expected), str(err.value)


def test_unknown_target_country() -> None:
    s = parse_scenario("name: x\ncountry: ZZ\n", path="f.yaml")
    with pytest.raises(ScenarioError, match="no AS of the loaded data is registered in ZZ"):
        apply(graph(), table(), s)


def test_unknown_preset_lists_the_known_ones() -> None:
    with pytest.raises(ScenarioError, match="no preset called 'kz-nope'") as err:
        load_scenario("kz-nope")
    assert "kz-national-shutdown" in (err.value.hint or "")


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot read the scenario file"):
        load_scenario(tmp_path / "missing.yaml")


def test_presets_are_the_ten_kz_ones_with_sources() -> None:
    presets = {p.name: p for p in list_presets()}
    assert set(presets) == {
        "kz-russia-transit-loss", "kz-cogent-lumen-depeer-russia", "kz-trans-caspian-link",
        "kz-china-route", "kz-national-shutdown", "kz-kazakhtelecom-failure",
        "kz-russia-fibre-cut", "kz-trans-caspian-cable", "kz-transit-silk-road",
        "kz-leo-satellite",
    }
    for p in presets.values():
        assert p.country == "KZ" and p.description and p.sources and p.operations
    assert load_scenario("kz-national-shutdown").operations[0].op == "disconnect_country"
