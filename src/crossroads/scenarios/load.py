"""Reading scenario files and presets, with errors that name the file, line and field.

The YAML text is composed once into a node tree (which keeps each node's line), turned
into plain data and validated by :class:`~crossroads.scenarios.model.Scenario`. A
pydantic error location such as ``('operations', 2, 'remove_as', 'asns', 0)`` is walked
down that node tree -- skipping the union tag ``remove_as``, which is not a key of the
file -- to the deepest node it names, whose line goes into the
:class:`~crossroads.errors.ScenarioError`::

    >>> parse_scenario("name: x\\ncountry: KZ\\noperations:\\n  - op: remove_as\\n"
    ...                "    asns: [nine]\\n", path="s.yaml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    crossroads.errors.ScenarioError: s.yaml, line 5: operations[0].asns[0]: Input should ...

Presets are YAML files shipped in ``crossroads/scenarios/presets/``; a name without a
path separator or ``.yaml`` suffix is looked up there.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from crossroads.errors import ScenarioError
from crossroads.scenarios.model import OP_NAMES, Scenario

__all__ = ["list_presets", "load_scenario", "parse_scenario", "preset_names", "preset_text"]

_PACKAGE = "crossroads.scenarios"


def parse_scenario(text: str, *, path: str = "<scenario>") -> Scenario:
    """Validate scenario YAML ``text``; ``path`` names it in error messages."""
    root, data = _load_yaml(text, path)
    if root is None:
        raise ScenarioError(f"{path}: the scenario file is empty")
    if not isinstance(data, dict):
        raise ScenarioError(f"{path}, line 1: a scenario is a mapping with name, country, "
                            "operations")
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        line = _line_of(root, loc)
        where = f"{path}, line {line}" if line is not None else path
        value = f" (value {_short(err['input'])})" if _is_leaf(err["input"]) else ""
        more = f" [+{exc.error_count() - 1} more]" if exc.error_count() > 1 else ""
        raise ScenarioError(
            f"{where}: {_field_name(loc, data)}: {err['msg']}{value}{more}",
            hint=_hint(err),
        ) from None
    scenario._path = path
    ops = _child(root, "operations")
    if isinstance(ops, yaml.SequenceNode):
        for op, node in zip(scenario.operations, ops.value, strict=True):
            op._line = node.start_mark.line + 1
    return scenario


def load_scenario(source: str | Path) -> Scenario:
    """A scenario from a YAML file, or the preset called ``source``."""
    text = str(source)
    if isinstance(source, str) and "/" not in text and not text.endswith((".yaml", ".yml")):
        return parse_scenario(preset_text(text), path=f"preset {text}")
    path = Path(source)
    try:
        body = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{path}: cannot read the scenario file: {exc}") from None
    return parse_scenario(body, path=str(path))


def list_presets() -> list[Scenario]:
    """Every shipped preset, by name."""
    return [parse_scenario(preset_text(n), path=f"preset {n}") for n in preset_names()]


def preset_names() -> list[str]:
    """The names of the shipped presets, sorted."""
    return sorted(p.name[:-5] for p in _preset_dir().iterdir() if p.name.endswith(".yaml"))


def preset_text(name: str) -> str:
    """The YAML text of the preset called ``name``: one of :func:`preset_names`, nothing
    else (a name is never a path, so no file outside the package can be reached)."""
    known = preset_names()
    if name not in known:
        raise ScenarioError(
            f"no preset called {name[:80]!r}",
            hint=f"presets: {', '.join(known)}; on the command line, or give a path to a "
            ".yaml file",
        )
    return (_preset_dir() / f"{name}.yaml").read_text(encoding="utf-8")


# ------------------------------------------------------------------ private helpers
def _load_yaml(text: str, path: str) -> tuple[yaml.Node | None, Any]:
    """The node tree and the plain data of ``text``; every YAML problem (bad syntax, an
    unknown or Python tag, a NUL byte, nesting too deep) is a :class:`ScenarioError`."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f", line {mark.line + 1}" if mark is not None else ""
        raise ScenarioError(f"{path}{line}: not valid YAML: {exc.problem}") from None
    except yaml.reader.ReaderError as exc:
        raise ScenarioError(
            f"{path}, character {exc.position}: not valid YAML: {exc.reason} "
            f"(#x{exc.character if isinstance(exc.character, int) else 0:04x})"
        ) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path}: not valid YAML: {str(exc).splitlines()[0]}") from None
    except RecursionError:
        raise ScenarioError(f"{path}: not valid YAML: nested too deeply") from None
    return root, data


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _preset_dir() -> Traversable:
    return resources.files(_PACKAGE) / "presets"


def _child(node: yaml.Node, key: str | int) -> yaml.Node | None:
    """The child of a mapping (by key) or sequence (by index); None when absent."""
    if isinstance(node, yaml.MappingNode) and isinstance(key, str):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int):
        if 0 <= key < len(node.value):
            return node.value[key]
    return None


def _line_of(root: yaml.Node, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the deepest node ``loc`` names; union tags (not keys) are skipped."""
    node = root
    for part in loc:
        child = _child(node, part)
        if child is not None:
            node = child
    return node.start_mark.line + 1


def _field_name(loc: tuple[Any, ...], data: Any) -> str:
    """``operations[2].asns`` from a pydantic location, without the union tags."""
    out = ""
    cur = data
    for part in loc:
        if isinstance(part, int) and isinstance(cur, list) and part < len(cur):
            out += f"[{part}]"
            cur = cur[part]
        elif isinstance(cur, dict) and part in cur:
            out += f".{part}" if out else str(part)
            cur = cur[part]
        elif isinstance(cur, dict) and part not in cur and not _is_tag(part):
            out += f".{part}" if out else str(part)  # a missing required field
            cur = None
    return out or "scenario"


def _is_tag(part: Any) -> bool:
    return isinstance(part, str) and part in OP_NAMES


def _is_leaf(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) or value is None


def _hint(err: Any) -> str | None:
    if err["type"] == "union_tag_invalid":
        return "op is one of: " + ", ".join(sorted(OP_NAMES))
    if err["type"] == "extra_forbidden":
        return ("check the spelling; `crossroads methods scenarios` gives each operation's "
                "fields")
    return None
