"""ASes of state-owned Internet operators (Carisimo et al., IMC 2021).

The dataset of "Identifying ASes of State-Owned Internet Operators" (E. Carisimo,
A. Gamero-Garrido, A. C. Snoeren, A. Dainotti, ACM IMC 2021; CC BY 4.0; GitHub
``estcarisimo/state-owned-ases``, ``data/state-owned-ases/csv/``) has two CSV files:

* ``state_owned_ases.csv`` -- ASes of companies a state owns a majority of:
  ``asn, conglomerate, org_id, org_name, ownership_cc, ownership_country_name, rir, source,
  quote, quote_lang, url, additional_info, inputs, parent_org, target_cc,
  target_country_name`` (``ownership_cc``: the owning state; ``target_cc``: where a
  subsidiary operates, when abroad);
* ``minority_state_owned_ases.csv`` -- the same with ``ownership_percentage`` after
  ``org_name``: ASes of companies a state holds a minority stake in.

The reader keeps ``asn, conglomerate, org_name, ownership`` (``majority``, or
``minority`` for a file with ``ownership_percentage``) ``, ownership_percentage,
ownership_cc, target_cc, source, url``; quoted fields may span lines.

    >>> t = parse_state_owned(
    ...     "asn,conglomerate,org_id,org_name,ownership_cc,ownership_country_name,rir,"
    ...     "source,quote,quote_lang,url,additional_info,inputs,parent_org,target_cc,"
    ...     "target_country_name\\n9198,KZ-KAZAKHTELECOM,O,JSC Kazakhtelecom,KZ,"
    ...     'Kazakhstan,RIPE,Freedom House,"state-owned",English,https://x,,"W, O",,,\\n')
    >>> t.select(["asn", "conglomerate", "ownership"]).to_pylist()
    [{'asn': 9198, 'conglomerate': 'KZ-KAZAKHTELECOM', 'ownership': 'majority'}]
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyarrow as pa

from crossroads.errors import DataFormatError
from crossroads.sources._open import open_binary

__all__ = ["STATE_OWNED_SCHEMA", "parse_state_owned", "read_state_owned"]

STATE_OWNED_SCHEMA = pa.schema(
    [
        ("asn", pa.uint32()),
        ("conglomerate", pa.string()),
        ("org_name", pa.string()),
        ("ownership", pa.string()),
        ("ownership_percentage", pa.float64()),
        ("ownership_cc", pa.string()),
        ("target_cc", pa.string()),
        ("source", pa.string()),
        ("url", pa.string()),
    ]
)
_NEEDED = ("asn", "conglomerate", "org_name", "ownership_cc")


def read_state_owned(path: str | Path) -> pa.Table:
    """The rows of one state-owned-ASes CSV file (plain or compressed)."""
    with open_binary(path) as f:
        data = f.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataFormatError(path, "not UTF-8 text", offset=exc.start) from None
    return parse_state_owned(text, path=path)


def parse_state_owned(text: str, *, path: str | Path = "<memory>") -> pa.Table:
    """Parse one file's text (see the module doc); errors name the line and field."""
    reader = csv.DictReader(io.StringIO(text))
    names = reader.fieldnames or []
    missing = [c for c in _NEEDED if c not in names]
    if missing:
        raise DataFormatError(path, f"missing column(s) {', '.join(missing)}", line=1,
                              hint="expected the state-owned-ases CSV header (asn, "
                              "conglomerate, org_id, org_name, …)")
    minority = "ownership_percentage" in names
    rows: dict[str, list[object]] = {f.name: [] for f in STATE_OWNED_SCHEMA}
    for rec in reader:
        line = reader.line_num
        asn = (rec.get("asn") or "").strip()
        if not asn.isdigit() or not 0 < int(asn) < 1 << 32:
            raise DataFormatError(path, "not an AS number", line=line, field="asn", value=asn)
        cc = (rec.get("ownership_cc") or "").strip().upper()
        if len(cc) != 2 or not cc.isalpha():
            raise DataFormatError(path, "not a country code", line=line,
                                  field="ownership_cc", value=cc)
        pct = (rec.get("ownership_percentage") or "").strip() if minority else ""
        try:
            share = float(pct) if pct else None
        except ValueError:
            raise DataFormatError(path, "not a number", line=line,
                                  field="ownership_percentage", value=pct) from None
        values = {
            "asn": int(asn), "conglomerate": _s(rec, "conglomerate"),
            "org_name": _s(rec, "org_name"), "ownership": "minority" if minority else "majority",
            "ownership_percentage": share, "ownership_cc": cc,
            "target_cc": _s(rec, "target_cc"), "source": _s(rec, "source"),
            "url": _s(rec, "url"),
        }
        for k, v in values.items():
            rows[k].append(v)
    return pa.Table.from_pydict(rows, schema=STATE_OWNED_SCHEMA)


def _s(rec: dict[str, str | None], key: str) -> str | None:
    value = (rec.get(key) or "").strip()
    return value or None
