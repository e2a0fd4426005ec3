"""``as_info``: one row per AS with its countries, organisation name and originated space.

Rules (see ``docs/methods/inventory.md``), each computed on the current dataset(s) of the
kind it uses (per part the newest loaded, :mod:`crossroads.store._current`):

- **registration country** ``reg_cc``: the country of the AS's allocated/assigned entry in
  the RIR delegated files (``reg_rule = 'rir'``); for an AS absent from them, the country
  that the AS-country ranges give for most of the address space the AS originates —
  IPv4 addresses first, IPv6 /64 blocks when it originates no IPv4
  (``reg_rule = 'originated-space'``); otherwise null, never guessed.
- **geo country** ``geo_cc``: the country where the geo-whois ranges place most of the
  AS's originated IPv4 space (IPv6 when it originates no IPv4).
- **operation** ``op_cc`` and **ownership** ``own_cc``, each with its rule (``op_rule``,
  ``own_rule``): see :mod:`crossroads.store._attribution`. Every country column holds an
  ISO 3166-1 code or null: a registry's regional code (``EU``, ``AP``) is not a country,
  and the AS falls to the next rule.
- **name**: the organisation name of the AS in the CAIDA AS-organisations dataset when
  one is loaded and names it (``name_source = 'caida-as-org'``); otherwise the
  ip-location-db organisation covering most of its originated space
  (``name_source = 'ip-location-db'``); otherwise null.
- ``ipv4_addresses`` / ``ipv6_slash48s``: the sums over the ranges the AS originates
  (IPv6 in /48 blocks, fractional for blocks smaller than a /48); 0 when it originates
  none.

The ASes listed are the union of the RIR registrations, the origins of the ranges and
the ASes of the newest AS-relationship snapshot (AS 0, "no origin", excluded).

"Most of the space" is an overlap-weighted vote: each origin range is range-joined with
the country ranges (an inequality join DuckDB runs as an IEJoin, one per address family)
and the overlap sizes are summed per (AS, country); ties go to the alphabetically first
country code.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb

from crossroads.store._attribution import (
    ISO,
    operation_ctes,
    ownership_ctes,
    select_columns,
    sql_in,
)
from crossroads.store._current import current_names

__all__ = ["INPUT_KINDS", "as_info_is_current", "refresh_as_info"]

INPUT_KINDS = ("as-org", "as-rel", "asn-ranges", "country-ranges", "geo-ranges", "peeringdb",
               "rir", "state-owned")
"""Dataset kinds ``as_info`` is derived from; a change to any rebuilds it."""

_VERSION = "as_info/3"
_COLUMNS = (
    "asn, name, name_source, reg_cc, reg_rule, registry, reg_date, geo_cc, ipv4_addresses, "
    "ipv6_slash48s, op_cc, op_rule, op_share, own_cc, own_rule, owner"
)


def _overlap(ranges: str, family: int) -> str:
    """Per (asn, cc): summed overlap of the AS's ranges with ``ranges`` in one family."""
    return f"""
    SELECT r.asn, {family}::TINYINT AS family, c.cc,
           sum(least(r.end_num, c.end_num)::DOUBLE
               - greatest(r.start_num, c.start_num)::DOUBLE + 1) AS w
    FROM (SELECT asn, start_num, end_num FROM rng WHERE family = {family}) r
    JOIN (SELECT cc, start_num, end_num FROM {ranges} WHERE family = {family}) c
      ON r.start_num <= c.end_num AND r.end_num >= c.start_num
    GROUP BY ALL"""


def _majority(weights: str) -> str:
    """Per AS the country of largest weight, IPv4 before IPv6, ties alphabetical."""
    return f"""SELECT asn, cc FROM {weights}
    QUALIFY row_number() OVER (PARTITION BY asn ORDER BY family, w DESC, cc) = 1"""


def _steps(current: dict[str, list[str]]) -> list[str]:
    """Statements that build ``as_info``: the inputs are materialised into temporary
    tables first, so DuckDB plans the range joins on exact sizes (as IEJoins)."""

    def country(kind: str, dataset_kind: str) -> str:
        return f"""SELECT family, start_num, end_num, cc FROM country_ranges
        WHERE kind = '{kind}' AND cc IN {ISO}
          AND dataset IN {sql_in(current.get(dataset_kind, []))}"""

    return [
        f"""CREATE OR REPLACE TEMP TABLE rng AS
        SELECT family, start_num, end_num, asn, org, addresses FROM ip_ranges
        WHERE asn <> 0 AND dataset IN {sql_in(current.get("asn-ranges", []))}""",
        f"CREATE OR REPLACE TEMP TABLE reg AS {country('registration', 'country-ranges')}",
        f"CREATE OR REPLACE TEMP TABLE geo AS {country('geo', 'geo-ranges')}",
        "CREATE OR REPLACE TEMP TABLE reg_w AS "
        + _overlap("reg", 4) + " UNION ALL " + _overlap("reg", 6),
        "CREATE OR REPLACE TEMP TABLE geo_w AS "
        + _overlap("geo", 4) + " UNION ALL " + _overlap("geo", 6),
        f"""INSERT INTO as_info ({_COLUMNS})
WITH
reg_cc AS ({_majority("reg_w")}),{operation_ctes(current)},{ownership_ctes(current)},
rir AS (
    SELECT asn, CASE WHEN cc IN {ISO} THEN cc END AS cc, registry, date FROM rir_asns
    WHERE dataset IN {sql_in(current.get("rir", []))}
      AND status IN ('allocated', 'assigned') AND cc IS NOT NULL AND cc <> ''
    QUALIFY row_number() OVER (PARTITION BY asn
                               ORDER BY cc IN {ISO} DESC, date DESC NULLS LAST, registry) = 1
),
org AS (
    SELECT asn, org FROM (
        SELECT asn, family, org, sum(addresses) AS a FROM rng
        WHERE org IS NOT NULL AND org <> '' GROUP BY ALL
    )
    QUALIFY row_number() OVER (PARTITION BY asn ORDER BY family, a DESC, org) = 1
),
caida_org AS (
    SELECT asn, org_name FROM as_orgs
    WHERE dataset IN {sql_in(current.get("as-org", []))} AND org_name IS NOT NULL AND org_name <> ''
    QUALIFY row_number() OVER (PARTITION BY asn ORDER BY dataset) = 1
),
orig AS (
    SELECT asn,
           coalesce(sum(addresses) FILTER (WHERE family = 4), 0) AS v4,
           coalesce(sum(addresses) FILTER (WHERE family = 6), 0) AS v6
    FROM rng GROUP BY asn
),
lk AS (
    SELECT unnest([as1, as2]) AS asn FROM as_links
    WHERE dataset IN {sql_in(current.get("as-rel", []))}
),
every_as AS (
    SELECT asn FROM rir UNION SELECT asn FROM orig UNION SELECT asn FROM lk
)
SELECT a.asn,
       coalesce(caida_org.org_name, org.org) AS name,
       CASE WHEN caida_org.org_name IS NOT NULL THEN 'caida-as-org'
            WHEN org.org IS NOT NULL THEN 'ip-location-db' END AS name_source,
       coalesce(rir.cc, reg_cc.cc) AS reg_cc,
       CASE WHEN rir.cc IS NOT NULL THEN 'rir'
            WHEN reg_cc.cc IS NOT NULL THEN 'originated-space' END AS reg_rule,
       rir.registry,
       rir.date AS reg_date,
       geo_cc.cc AS geo_cc,
       coalesce(orig.v4, 0)::BIGINT AS ipv4_addresses,
       coalesce(orig.v6, 0)::DOUBLE AS ipv6_slash48s,{select_columns("coalesce(rir.cc, reg_cc.cc)")}
FROM every_as a
LEFT JOIN rir USING (asn)
LEFT JOIN reg_cc USING (asn)
LEFT JOIN geo_cc USING (asn)
LEFT JOIN fac_cc USING (asn)
LEFT JOIN state_cc USING (asn)
LEFT JOIN org_cc USING (asn)
LEFT JOIN org USING (asn)
LEFT JOIN caida_org USING (asn)
LEFT JOIN orig USING (asn)
WHERE a.asn <> 0
ORDER BY a.asn""",
        "DROP TABLE rng; DROP TABLE reg; DROP TABLE geo; DROP TABLE reg_w; DROP TABLE geo_w",
    ]


def _current(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Kind → names of its current datasets (per part the newest, :mod:`._current`)."""
    rows = con.execute("SELECT name, kind, data_date FROM datasets").fetchall()
    return {kind: current_names(rows, kind) for kind in INPUT_KINDS}


def _fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    kinds = ", ".join(f"'{k}'" for k in INPUT_KINDS)
    rows = con.execute(
        f"SELECT string_agg(name || ':' || sha256, ',' ORDER BY name) FROM datasets "
        f"WHERE kind IN ({kinds})"
    ).fetchall()
    return f"{_VERSION};{rows[0][0] if rows and rows[0][0] else ''}"


def as_info_is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``as_info`` was built from the datasets loaded now. It is not after a
    ``fetch`` killed between a dataset's commit and the rebuild (two transactions); the
    next ``fetch`` rebuilds it, and readers refuse it until then."""
    rows = con.execute("SELECT inputs FROM derived WHERE name = 'as_info'").fetchall()
    built = rows[0][0] if rows else f"{_VERSION};"  # never built: empty, no inputs
    return bool(built == _fingerprint(con))


def refresh_as_info(con: duckdb.DuckDBPyConnection, *, force: bool = False) -> bool:
    """Rebuild ``as_info`` in one transaction if its inputs changed; True if rebuilt."""
    inputs = _fingerprint(con)
    row = con.execute("SELECT inputs FROM derived WHERE name = 'as_info'").fetchone()
    if not force and row is not None and row[0] == inputs:
        return False
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM as_info")
        for statement in _steps(_current(con)):
            con.execute(statement)
        (rows,) = con.execute("SELECT count(*) FROM as_info").fetchone() or (0,)
        con.execute("DELETE FROM derived WHERE name = 'as_info'")
        built = datetime.now(UTC).replace(tzinfo=None)
        con.execute("INSERT INTO derived VALUES ('as_info', ?, ?, ?)", [inputs, rows, built])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return True
