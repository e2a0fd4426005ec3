"""The three country meanings of ``as_info``: registration, operation and ownership.

An AS has no single country. ``as_info`` records three, each with the rule that gave it
(see ``docs/methods/inventory.md``), and only ISO 3166-1 codes (the registries' regional
codes such as ``EU`` and ``AP`` are never a country: such an AS falls to the next rule):

* **registration** ``reg_cc`` / ``reg_rule`` -- the RIR delegation record (``rir``), else
  the registration country of most of the space it originates (``originated-space``);
* **operation** ``op_cc`` / ``op_rule`` / ``op_share`` -- where most of the IPv4 space it
  originates is geolocated (``geolocated-space``; IPv6 when it originates no IPv4), else
  the country of most of its PeeringDB facilities when a PeeringDB dump is loaded
  (``peeringdb-facilities``), else its registration (``registration``). ``op_share`` is
  the fraction of the geolocated space (or of the facilities) in ``op_cc``: below 0.5 the
  AS operates in several countries and no single one holds a majority;
* **ownership** ``own_cc`` / ``own_rule`` / ``owner`` -- the state holding a majority of
  it in the state-owned ASes dataset (``state-owned``; Carisimo et al., IMC 2021), else
  the country of its organisation in CAIDA's AS-organisations dataset when loaded
  (``as-org``), else its registration (``registration``). ``owner`` names the
  conglomerate or organisation.

The functions here return SQL fragments that :mod:`crossroads.store._asinfo` puts into
the one statement building ``as_info``; each reads only the current datasets of its kind.
"""

from __future__ import annotations

from crossroads._countries import COUNTRIES

__all__ = ["ISO", "operation_ctes", "ownership_ctes", "select_columns", "sql_in"]

ISO = "(" + ", ".join(f"'{c}'" for c in sorted(COUNTRIES)) + ")"
"""SQL list of the ISO 3166-1 alpha-2 codes (and XK): the only codes a meaning may take."""


def sql_in(names: list[str]) -> str:
    """``('a', 'b')``: an SQL list of names, quoted (``(NULL)`` when empty)."""
    quoted = ", ".join("'" + n.replace("'", "''") + "'" for n in names)
    return f"({quoted})" if names else "(NULL)"


def operation_ctes(current: dict[str, list[str]]) -> str:
    """CTEs ``geo_cc`` (the geolocation vote, with the winner's share) and ``fac_cc``
    (the PeeringDB facility vote) over the temporary table ``geo_w``."""
    pdb = sql_in(current.get("peeringdb", []))
    return f"""
geo_cc AS (
    SELECT asn, cc, w / sum(w) OVER (PARTITION BY asn) AS share FROM (
        SELECT asn, cc, w FROM geo_w
        QUALIFY family = min(family) OVER (PARTITION BY asn)
    )
    QUALIFY row_number() OVER (PARTITION BY asn ORDER BY w DESC, cc) = 1
),
fac_cc AS (
    SELECT asn, cc, n::DOUBLE / sum(n) OVER (PARTITION BY asn) AS share FROM (
        SELECT nf.asn, f.country AS cc, count(DISTINCT f.fac_id) AS n
        FROM pdb_netfac nf
        JOIN pdb_fac f ON f.fac_id = nf.fac_id AND f.dataset = nf.dataset
        WHERE nf.dataset IN {pdb} AND nf.asn IS NOT NULL
          AND coalesce(nf.status, 'ok') = 'ok' AND coalesce(f.status, 'ok') = 'ok'
          AND f.country IN {ISO}
        GROUP BY ALL
    )
    QUALIFY row_number() OVER (PARTITION BY asn ORDER BY n DESC, cc) = 1
)"""


def ownership_ctes(current: dict[str, list[str]]) -> str:
    """CTEs ``state_cc`` (majority state owner) and ``org_cc`` (CAIDA as-org country)."""
    return f"""
state_cc AS (
    SELECT asn, ownership_cc AS cc, coalesce(conglomerate, org_name) AS owner
    FROM state_owned_ases
    WHERE dataset IN {sql_in(current.get("state-owned", []))} AND ownership = 'majority'
      AND ownership_cc IN {ISO}
    QUALIFY row_number() OVER (PARTITION BY asn ORDER BY ownership_cc, conglomerate) = 1
),
org_cc AS (
    SELECT asn, country AS cc, org_name AS owner FROM as_orgs
    WHERE dataset IN {sql_in(current.get("as-org", []))} AND country IN {ISO}
    QUALIFY row_number() OVER (PARTITION BY asn ORDER BY dataset) = 1
)"""


def select_columns(reg: str) -> str:
    """The ``op_*`` and ``own_*`` output columns; ``reg`` is the SQL of the registration
    country (the last rule of both)."""
    return f"""
       coalesce(geo_cc.cc, fac_cc.cc, {reg}) AS op_cc,
       CASE WHEN geo_cc.cc IS NOT NULL THEN 'geolocated-space'
            WHEN fac_cc.cc IS NOT NULL THEN 'peeringdb-facilities'
            WHEN {reg} IS NOT NULL THEN 'registration' END AS op_rule,
       coalesce(geo_cc.share, fac_cc.share) AS op_share,
       coalesce(state_cc.cc, org_cc.cc, {reg}) AS own_cc,
       CASE WHEN state_cc.cc IS NOT NULL THEN 'state-owned'
            WHEN org_cc.cc IS NOT NULL THEN 'as-org'
            WHEN {reg} IS NOT NULL THEN 'registration' END AS own_rule,
       coalesce(state_cc.owner, org_cc.owner) AS owner"""
