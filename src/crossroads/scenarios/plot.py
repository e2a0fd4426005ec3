"""Before/after figures of a scenario: reachability bars and by-country dependency bars.

Matplotlib with the Agg backend (no display needed); the file type follows the suffix
(``.png`` or ``.svg``). The figure is written to a temporary file in the same folder and
renamed, so a failed run never leaves half a picture.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from crossroads.atomic import atomic_path
from crossroads.errors import CrossroadsError
from crossroads.scenarios.result import ScenarioResult

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_result"]

_FORMATS = {".png": "png", ".svg": "svg"}


def plot_result(result: ScenarioResult, path: str | Path, *, top: int = 8) -> Path:
    """Write the before/after figure of ``result`` to ``path`` (PNG or SVG)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    path = Path(path)
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise CrossroadsError(f"{path}: the plot file must end in .png or .svg")
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.8), gridspec_kw={"width_ratios": [1, 2, 2]})
    _reach_bars(axes[0], result)
    for ax, direction in zip(axes[1:], ("inbound", "outbound"), strict=True):
        _country_bars(ax, result, direction, top)
    dates = ", ".join(f"{p.dataset} ({p.data_date})" for p in result.datasets)
    fig.suptitle(f"{result.scenario.name}: {result.country}, before vs after")
    fig.text(0.01, 0.01, f"data: {dates}; routes: Gao-Rexford, {result.mode}", fontsize=7)
    fig.tight_layout(rect=(0, 0.04, 1, 0.95))
    try:
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format=fmt, dpi=120)
    finally:
        plt.close(fig)
    return path


def _reach_bars(ax: Axes, result: ScenarioResult) -> None:
    labels = ["inbound", "outbound"]
    before = [result.before.reach.inbound, result.before.reach.outbound]
    after = [result.after.reach.inbound, result.after.reach.outbound]
    _pair(ax, labels, before, after)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("share of IPv4 address space")
    ax.set_title("reachability")


def _country_bars(ax: Axes, result: ScenarioResult, direction: str, top: int) -> None:
    b = result.before.by_country(direction).set_index("country")["gateway_share"]
    a = result.after.by_country(direction).set_index("country")["gateway_share"]
    codes = list(dict.fromkeys([*b.index[:top], *a.index[:top]]))[:top]
    _pair(ax, codes, [float(b.get(c, 0.0)) for c in codes], [float(a.get(c, 0.0)) for c in codes])
    ax.set_ylabel("gateway share of paths")
    ax.set_title(f"{direction} dependency by country")


def _pair(ax: Axes, labels: list[str], before: list[float], after: list[float]) -> None:
    x = np.arange(len(labels))
    ax.bar(x - 0.2, before, 0.4, label="before", color="#4c72b0")
    ax.bar(x + 0.2, after, 0.4, label="after", color="#dd8452")
    ax.set_xticks(x, labels)
    ax.legend(fontsize=8)
