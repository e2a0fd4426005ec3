"""A PNG timeline of one country's series with its events shaded."""

from __future__ import annotations

from pathlib import Path

from crossroads.atomic import atomic_path
from crossroads.outages.model import OutageReport

__all__ = ["plot_report"]

_COLOURS = {"critical": "#d62728", "warning": "#ff7f0e"}


def plot_report(report: OutageReport, path: str | Path) -> Path:
    """Draw visible IPv4 space and updates per bin, events shaded; write a PNG to ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    s = report.series.country
    s = s[s["country"] == report.country]
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(10, 5.5))
    top.step(s["time"], s["visible_slash24"], where="post", label="visible IPv4 (/24-equiv.)")
    top.set_ylabel("/24-equivalents")
    twin = top.twinx()
    twin.step(s["time"], s["visible_prefixes"], where="post", color="grey", alpha=0.6,
              label="visible prefixes")
    twin.set_ylabel("prefixes")
    width = report.series.bin
    bottom.bar(s["time"], s["announcements"], width=width, align="edge", label="announcements")
    bottom.bar(s["time"], s["withdrawals"], width=width, align="edge",
               bottom=s["announcements"], label="withdrawals")
    bottom.set_ylabel(f"updates per {width}")
    for e in report.events:
        if e.scope != "country":
            continue
        for ax in (top, bottom):
            ax.axvspan(e.start, e.end or s["time"].max(), color=_COLOURS[e.severity], alpha=0.2)
    first = s["time"].min()
    top.set_title(f"{report.country}: BGP visibility and updates from "
                  f"{len(report.sources)} MRT file(s), {first:%Y-%m-%d} (UTC); shaded: events")
    bottom.legend(loc="upper left", fontsize="small")
    top.legend(loc="lower left", fontsize="small")
    fig.autofmt_xdate()
    fig.tight_layout()
    out = Path(path)
    try:
        with atomic_path(out) as tmp:
            fig.savefig(tmp, format="png", dpi=110)
    finally:
        plt.close(fig)
    return out
