"""Line chart of a dependency history: one panel per direction, one colour per country."""

from __future__ import annotations

from pathlib import Path

from crossroads.atomic import atomic_path
from crossroads.metrics.history import History

__all__ = ["plot_history"]


def plot_history(result: History, path: str | Path, *, countries: int = 5) -> Path:
    """Draw the *any* (solid) and *gateway* (dashed) shares of the ``countries`` foreign
    countries with the largest share in any year, inbound and outbound, to ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    bc = result.by_country[result.by_country.country != "unknown"]
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4), sharey=True, dpi=90)
    for ax, direction in zip(axes, ("inbound", "outbound"), strict=True):
        d = bc[bc.direction == direction]
        lead = d.groupby("country").any_share.max().sort_values(ascending=False)
        for i, cc in enumerate(lead.index[:countries]):
            rows = d[d.country == cc].sort_values("date")
            years = [int(x[:4]) for x in rows.date]
            color = f"C{i}"
            ax.plot(years, rows.any_share, "-o", ms=3, color=color, label=f"{cc} any")
            ax.plot(years, rows.gateway_share, "--", color=color, lw=1)
        ax.set_title(f"{result.country} {direction}")
        ax.set_xlabel("AS-graph snapshot (year)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="upper left")
    axes[0].set_ylabel("share of paths (solid any, dashed gateway)")
    fig.tight_layout()
    out = Path(path)
    try:
        with atomic_path(out) as tmp:
            fig.savefig(tmp, format=out.suffix.lower().lstrip(".") or "png")
    finally:
        plt.close(fig)
    return out
