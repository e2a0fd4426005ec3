"""``crossroads fetch``, ``datasets``, ``as`` and ``profile``: getting data and looking at it."""

from __future__ import annotations

from datetime import date as Date
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from crossroads.cli._cells import NARROW
from crossroads.cli._common import (
    DEFAULT_WORKERS,
    CountryArg,
    CountryByChoice,
    CountryByOpt,
    DataDirOpt,
    DateOpt,
    JsonOpt,
    MirrorOpt,
    TopOpt,
    WorkersOpt,
    check_country,
    console,
    parse_date,
    print_json,
    settings_from,
)
from crossroads.cli._progress import FetchBars
from crossroads.errors import CrossroadsError
from crossroads.ids import parse_asn
from crossroads.provenance import Provenance
from crossroads.sources import DatasetSpec
from crossroads.store import (
    DatasetRecord,
    LoadResult,
    available,
    fetch,
    fetch_ribs,
    open_store,
)

if TYPE_CHECKING:  # the metrics package (numba kernels, ~1 s) only for `as` and `profile`
    from crossroads.metrics.inventory import ASSummary, CountryProfile

__all__ = ["register"]

FetchDateOpt = Annotated[
    str | None,
    typer.Option(
        "--date",
        help="Take, per part of every kind, the snapshot in force on this date: the latest "
        "on or before it (YYYY-MM-DD; for ribs also YYYY-MM-DDTHH:MM, UTC). Default: newest.",
    ),
]
CollectorsOpt = Annotated[
    str | None,
    typer.Option("--collectors", help="fetch ribs: comma-separated collectors "
                 "(default rrc00,route-views2)."),
]
AllOpt = Annotated[bool, typer.Option("--all", help="fetch ribs: every active collector.")]
RibSchedulerOpt = Annotated[
    str | None,
    typer.Option("--scheduler", help="fetch ribs: run downloads and parsing as Dask tasks on "
                 "this scheduler (tcp://host:8786, or 'local' for a local cluster of "
                 "--workers processes)."),
]

_LABEL = {
    "as-rel": "CAIDA as-rel",
    "as-org": "CAIDA as-org",
    "asn-ranges": "ILDB asn",
    "country-ranges": "ILDB asn-country",
    "geo-ranges": "ILDB geo-whois",
    "peeringdb": "PeeringDB",
    "rir": "RIR",
    "state-owned": "state-owned ASes",
}
_LEGEND = (
    "RIR = delegated-extended files of the five RIRs; ILDB = ip-location-db "
    "(`crossroads datasets` lists every file)"
)


def fetch_cmd(
    names: Annotated[
        list[str] | None,
        typer.Argument(
            help="Datasets to fetch (default: every kind; `ribs` for route-collector RIBs).",
            metavar="[NAMES]...",
        ),
    ] = None,
    mirror: MirrorOpt = None,
    data_dir: DataDirOpt = None,
    date: FetchDateOpt = None,
    collectors: CollectorsOpt = None,
    every: AllOpt = False,
    scheduler: RibSchedulerOpt = None,
    workers: WorkersOpt = DEFAULT_WORKERS,
    force: Annotated[bool, typer.Option(
        "--force", help="Load files even when they hold no rows or less than half of the "
        "loaded dataset's rows (refused otherwise).")] = False,
    refresh: Annotated[bool, typer.Option(
        "--refresh", help="Download again even when the cache holds the files.")] = False,
) -> None:
    """Get the public datasets (mirror, cache or download) and load them into the store;
    `fetch ribs` gets route-collector RIBs (--collectors, --all, --workers files at once)."""
    settings = settings_from(mirror, data_dir)
    if names and names[0] == "ribs":
        if len(names) > 1:
            raise CrossroadsError("`fetch ribs` takes no dataset names",
                                  hint="choose collectors with --collectors or --all")
        with FetchBars() as bars:
            results = fetch_ribs(
                settings, on=_date_or_time(date), every=every, scheduler=scheduler,
                collectors=collectors.split(",") if collectors else None, workers=workers,
                progress=bars)
    else:
        if collectors or every or scheduler:
            raise CrossroadsError("--collectors, --all and --scheduler go with `fetch ribs`")
        with FetchBars(overall=False) as bars:
            results = fetch(settings, names or (), on=parse_date(date), progress=bars,
                            force=force, refresh=refresh)
    console.print(_results_table(results, str(settings.data_dir)))


def datasets_cmd(
    data_dir: DataDirOpt = None,
    json: JsonOpt = False,
    show_available: Annotated[
        bool, typer.Option("--available", help="List what the publishers have (read from "
                           "their indexes, cached) instead of what the store holds.")] = False,
    kind: Annotated[
        list[str] | None, typer.Option("--kind", help="Only this kind (repeatable): as-rel, "
                                       "rir, asn-ranges, rib, updates …")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="With --available: only snapshots dated on "
                                 "or after this date (YYYY-MM-DD).")] = None,
    collectors: Annotated[
        str | None, typer.Option("--collectors", help="With --available --kind rib/updates: "
                                 "comma-separated collectors (default rrc00,route-views2).")
    ] = None,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="With --available: re-read the publishers' "
                           "indexes instead of the cached copies.")] = False,
    mirror: MirrorOpt = None,
) -> None:
    """List the loaded datasets with their provenance, or (--available) the publishers'."""
    settings = settings_from(mirror, data_dir)
    if show_available:
        specs = available(settings, kinds=kind or None, since=parse_date(since),
                          collectors=collectors.split(",") if collectors else None,
                          refresh=refresh)
        if json:
            print_json([_spec_dict(s) for s in specs])
            return
        console.print(_available_table(specs))
        return
    records = [r for r in open_store(settings).datasets() if not kind or r.kind in kind]
    if json:
        print_json([r.as_dict() for r in records])
        return
    console.print(_datasets_table(records, console.width))


def as_cmd(
    asn: Annotated[str, typer.Argument(help="AS number, e.g. 9198 or AS9198.")],
    data_dir: DataDirOpt = None,
    date: DateOpt = None,
    top: TopOpt = 25,
    json: JsonOpt = False,
) -> None:
    """One AS: name, countries, address counts, providers, customers and peers (--top of
    each group in the table view)."""
    from crossroads.metrics.inventory import as_summary

    number = parse_asn(asn)
    summary = as_summary(open_store(settings_from(None, data_dir)), number, on=parse_date(date))
    if json:
        print_json(summary.as_dict())
        return
    _print_as(summary, top)


def profile_cmd(
    country: CountryArg,
    country_by: CountryByOpt = CountryByChoice.operation,
    data_dir: DataDirOpt = None,
    top: TopOpt = 10,
    json: JsonOpt = False,
) -> None:
    """A country's inventory: ASes, allocated and originated address space, top origins
    (--top originating ASes)."""
    from crossroads.metrics.inventory import country_profile

    cc = check_country(country)
    profile = country_profile(open_store(settings_from(None, data_dir)), cc, top=top,
                              country_by=country_by.value)
    if json:
        print_json(profile.as_dict())
        return
    _print_profile(profile)


def register(app: typer.Typer) -> None:
    """Add the data commands to ``app``."""
    app.command("fetch")(fetch_cmd)
    app.command("datasets")(datasets_cmd)
    app.command("as")(as_cmd)
    app.command("profile")(profile_cmd)


def _results_table(results: list[LoadResult], where: str) -> Table:
    table = Table(title=f"Loaded into {where}")
    for col in ("dataset", "status", "rows", "data date"):
        table.add_column(col, justify="right" if col == "rows" else "left", no_wrap=True)
    table.add_column("source", overflow="fold")
    for r in results:
        table.add_row(r.name, r.status, f"{r.rows:,}", r.data_date.isoformat(), r.source)
    notes = [f"{r.name}: {r.note}" for r in results if r.note]
    if notes:
        table.caption = "\n".join(notes)
    return table


def _date_or_time(text: str | None) -> Date | datetime | None:
    """``--date`` of ``fetch ribs``: a day, or an instant ``YYYY-MM-DDTHH:MM`` (UTC)."""
    if text is None or "T" not in text:
        return parse_date(text)
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise CrossroadsError(f"--date {text!r} is not a date or time",
                              hint="write YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC)") from None


def _spec_dict(s: DatasetSpec) -> dict[str, object]:
    return {
        "name": s.name, "kind": s.kind, "data_date": s.data_date.isoformat(),
        "data_time": s.data_time.isoformat() if s.data_time else None,
        "collector": s.collector, "size": s.size, "size_slack": s.size_slack,
        "published": s.published.isoformat() if s.published else None,
        "url": s.url, "checksum_url": s.checksum_url,
    }


def _size(s: DatasetSpec) -> str:
    if s.size is None:
        return "?"
    approx = "≈" if s.size_slack else ""
    if s.size < 1_000_000:
        return f"{approx}{s.size / 1e3:,.0f} kB"
    return f"{approx}{s.size / 1e6:,.1f} MB"


def _available_table(specs: list[DatasetSpec]) -> Table:
    table = Table(title="Available at the publishers")
    for col in ("kind", "dataset", "data date", "size", "published (UTC)"):
        table.add_column(col, no_wrap=True, justify="right" if col == "size" else "left")
    table.add_column("source", overflow="fold")
    for s in specs:
        when = s.data_time.strftime("%Y-%m-%d %H:%M") if s.data_time else s.data_date.isoformat()
        pub = s.published.strftime("%Y-%m-%d %H:%M") if s.published else "—"
        table.add_row(s.kind, s.name, when, _size(s), pub, s.url)
    table.caption = (f"{len(specs):,} snapshots; kB, MB = 10^3, 10^6 bytes (≈: the listing "
                     "rounds it); checksums and JSON: --json")
    return table


def _datasets_table(records: list[DatasetRecord], width: int) -> Table:
    """One line per dataset; the source file's path only on terminals of :data:`NARROW`
    columns or more (a path folded over 80 columns took seven lines a dataset)."""
    table = Table(title="Loaded datasets")
    table.add_column("dataset", no_wrap=True)
    table.add_column("data date", no_wrap=True)
    table.add_column("rows", justify="right", no_wrap=True)
    wide = width >= NARROW
    if wide:
        table.add_column("source", overflow="fold")
    for r in records:
        table.add_row(r.name, r.data_date.isoformat(), f"{r.rows:,}",
                      *((r.source,) if wide else ()))
    table.caption = ("SHA-256 and retrieval times: crossroads datasets --json" if wide else
                     "sources, SHA-256 and retrieval times: crossroads datasets --json")
    return table


def _cite(records: tuple[Provenance, ...], *kinds: str) -> str:
    """``"RIR delegated-extended 2018-10-13; ip-location-db asn 2026-06-17"``."""
    parts = []
    for kind in kinds:
        dates = sorted({r.data_date.isoformat() for r in records if r.kind == kind})
        if dates:
            parts.append(f"{_LABEL.get(kind, kind)} {', '.join(dates)}")
    return "; ".join(parts)


def _print_profile(p: CountryProfile) -> None:
    orig = ("rir", "asn-ranges", "country-ranges")
    rules = ", ".join(f"{k}: {v}" for k, v in sorted(p.asns_by_rule.items()))
    table = Table(
        title=f"{p.country_name} ({p.country}) — inventory",
        caption=f"ASes of {p.country} by {p.country_by}, by rule: {rules}. {_LEGEND}",
    )
    for col in ("figure", "value", "unit", "source and data date"):
        table.add_column(col, justify="right" if col == "value" else "left")
    meaning = {"operation": ("geo-ranges", "peeringdb"), "ownership": ("state-owned", "as-org")}
    table.add_row(f"ASes ({p.country_by})", f"{p.asns:,}", "ASes",
                  _cite(p.datasets, *orig, *meaning.get(p.country_by, ())))
    for label, value, unit, kinds in (
        ("IPv4 allocated", f"{p.ipv4_allocated:,}", "addresses", ("rir",)),
        ("IPv4 originated", f"{p.ipv4_originated:,}", "addresses", orig),
        ("IPv4 geolocated", f"{p.ipv4_geolocated:,}", "addresses", ("geo-ranges",)),
        ("IPv6 allocated", f"{p.ipv6_allocated_slash48s:,.0f}", "/48 blocks", ("rir",)),
        ("IPv6 originated", f"{p.ipv6_originated_slash48s:,.0f}", "/48 blocks", orig),
        ("IPv6 geolocated", f"{p.ipv6_geolocated_slash48s:,.0f}", "/48 blocks", ("geo-ranges",)),
    ):
        table.add_row(label, value, unit, _cite(p.datasets, *kinds))
    console.print(table)
    top = Table(
        title="Top originating ASes",
        caption=f"share = AS's IPv4 addresses / the country's originated IPv4 addresses; "
        f"source {_cite(p.datasets, 'asn-ranges')}",
    )
    for col in ("AS", "name", "IPv4 addresses", "share of country IPv4", "IPv6 /48s"):
        top.add_column(col, justify="left" if col == "name" else "right")
    for o in p.top_origins:
        top.add_row(
            str(o.asn), o.name or "—", f"{o.ipv4_addresses:,}", f"{o.ipv4_share:.1%}",
            f"{o.ipv6_slash48s:,.0f}",
        )
    console.print(top)


def _print_as(s: ASSummary, limit: int) -> None:
    ranges = ("rir", "asn-ranges", "country-ranges", "geo-ranges", "as-org", "state-owned",
              "peeringdb")
    table = Table(title=f"AS{s.asn} {s.name or ''}".rstrip(), show_header=False)
    table.add_column("field")
    table.add_column("value")
    reg = f"{s.reg_cc or 'unknown'} (rule: {s.reg_rule or '—'}"
    reg += f", {s.registry} {s.reg_date})" if s.registry else ")"
    table.add_row("registration country", reg)
    table.add_row("geolocated country", s.geo_cc or "unknown")
    m = s.meanings or {}
    if m.get("op_rule"):
        share = m.get("op_share")
        held = f", {100 * share:.0f} % of its space" if share is not None and \
            m["op_rule"] == "geolocated-space" else ""
        table.add_row("operation country", f"{m['op_cc']} (rule: {m['op_rule']}{held})")
    if m.get("own_rule"):
        owner = f", {m['owner']}" if m.get("owner") else ""
        table.add_row("ownership country", f"{m['own_cc']} (rule: {m['own_rule']}{owner})")
    table.add_row("originated IPv4", f"{s.ipv4_addresses:,} addresses")
    table.add_row("originated IPv6", f"{s.ipv6_slash48s:,.2f} /48 blocks")
    table.add_row("attributes from", _cite(s.datasets, *ranges))
    table.add_row("neighbours from", f"{s.as_rel.dataset} ({s.as_rel.data_date.isoformat()})")
    for label, group in (("providers", s.providers), ("customers", s.customers),
                         ("peers", s.peers)):
        shown = ", ".join(f"AS{n.asn}" + (f" {n.name}" if n.name else "") for n in group[:limit])
        more = f" … and {len(group) - limit} more" if len(group) > limit else ""
        table.add_row(f"{label} ({len(group)} ASes)", (shown + more) or "none")
    console.print(table)
