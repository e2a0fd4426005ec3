"""Build a country report: gather the sections, draw the figures, render HTML and PDF.

The HTML is one self-contained file: CSS inline, figures inline SVG, no script and no
external reference, so it opens offline and prints as it shows. The PDF is the same HTML
laid out by WeasyPrint. Files are written to a temporary name beside the target and
renamed when complete, so a failure never leaves a partial report behind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from crossroads import __version__
from crossroads.atomic import atomic_path
from crossroads.config import Settings
from crossroads.errors import DatasetMissingError
from crossroads.formatting import num, pct, signed
from crossroads.ids import country_code
from crossroads.report import sections
from crossroads.report.figures import country_name
from crossroads.report.views import (
    answer_view,
    dependency_view,
    history_view,
    in_report,
    scenario_view,
    short_sources,
    territory_view,
)

__all__ = [
    "Report", "environment", "gather", "num", "pct", "render_html", "signed", "write_pdf",
    "write_report",
]


@dataclass(frozen=True)
class Report:
    """Everything one report shows; a section that this build lacks is in ``missing``."""

    country: str
    name: str
    generated: str
    version: str
    parts: dict[str, Any] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)


def _try(report: Report, key: str, fn: Callable[[], Any]) -> None:
    try:
        report.parts[key] = fn()
    except DatasetMissingError as exc:
        report.missing[key] = exc.message + (f" ({exc.hint})" if exc.hint else "")


def gather(settings: Settings, country: str, *, scenarios: Sequence[str] = (),
           history: bool = True, mode: str = "all-best",
           observed: Sequence[str | Path] = ()) -> Report:
    """Call every API the report needs for ``country`` and the named scenario presets
    (or YAML files). The dependency history runs on its own Dask processes, so it is
    started first and collected last, while the dependency and scenarios compute here."""
    cc = country_code(country)
    report = Report(cc, country_name(cc), datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
                    __version__)
    report.parts["datasets"] = sections.datasets(settings)
    with ThreadPoolExecutor(max_workers=1) as pool:
        past = pool.submit(sections.history, settings, cc) if history else None
        _try(report, "profile", lambda: sections.profile(settings, cc))
        _try(report, "dependency",
             lambda: sections.dependency(settings, cc, mode=mode, observed=observed))
        if "dependency" in report.parts:
            raw = report.parts["dependency"]
            report.parts["dependency"] = dependency_view(raw, cc)
            report.parts["answer"] = answer_view(raw)
            report.parts["territory"] = territory_view(raw, cc)
        report.parts["tls"] = sections.tls_episodes(cc)
        runs = []
        for name in scenarios:
            try:
                runs.append(scenario_view(sections.scenario(settings, name)))
            except DatasetMissingError as exc:
                report.missing["scenarios"] = exc.message
                break
        report.parts["scenarios"] = runs
        if past is not None:
            _try(report, "history", lambda: history_view(past.result()))
    return report


def environment(package: str = "crossroads.report") -> jinja2.Environment:
    """Jinja environment over ``package``'s templates with the number filters."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(pct=pct, num=num, signed=signed, cname=country_name,
                       sources=short_sources, in_report=in_report)
    return env


def render_html(report: Report) -> str:
    """The report as one self-contained HTML document."""
    css = resources.files("crossroads.report").joinpath("templates/report.css").read_text("utf-8")
    return environment().get_template("report.html.j2").render(r=report, css=css)


def write_pdf(html: str, target: Path) -> None:
    """Lay out ``html`` with WeasyPrint into ``target`` (atomically)."""
    import weasyprint

    _atomic(target, lambda tmp: weasyprint.HTML(string=html).write_pdf(tmp))


def write_report(
    settings: Settings,
    country: str,
    *,
    html: Path,
    pdf: Path | None = None,
    scenarios: Sequence[str] = (),
    history: bool = True,
    mode: str = "all-best",
    observed: Sequence[str | Path] = (),
) -> Report:
    """Gather, render and write the report of ``country`` to ``html`` (and ``pdf``);
    ``history=False`` leaves out the 2002-2025 history (one minute on two cores).
    ``mode="calibrated"`` computes the dependency section on calibrated routes
    (``observed`` RIB files, else the stored RIBs)."""
    report = gather(settings, country, scenarios=scenarios, history=history, mode=mode,
                    observed=observed)
    text = render_html(report)
    _atomic(html, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    if pdf is not None:
        write_pdf(text, pdf)
    return report


def _atomic(target: Path, write: Callable[[str], Any]) -> None:
    with atomic_path(target) as tmp:
        write(str(tmp))
