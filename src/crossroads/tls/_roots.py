"""The list of known TLS-interception root certificates: its record, CSV form and loading.

The package ships ``known_roots.csv`` (regenerated from the public-data mirror by
:func:`crossroads.tls.build_roots_list`). Users extend it with their own files: a CSV with
the same columns (only ``sha256_der`` is required, so the mirror's own
``kz-interception-roots.csv`` works as is) or PEM certificates.

Fields not known for a root are empty in the CSV and ``None`` here: a root listed by its
certificate hash alone is still matched by hash, only the key-based checks need its key.
"""

from __future__ import annotations

import base64
import binascii
import csv
import dataclasses
import hashlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd
from cryptography.hazmat.primitives.serialization import load_der_public_key

from crossroads.errors import DataFormatError
from crossroads.tls._certs import common_name, describe, parse_pem_certificates, spki_der

__all__ = [
    "COLUMNS",
    "PACKAGED_ROOTS",
    "KnownRoot",
    "known_roots",
    "load_roots",
    "merge_roots",
    "parse_roots_csv",
    "read_roots_file",
    "render_roots_csv",
    "roots_from_pem",
]

PACKAGED_ROOTS = "known_roots.csv"

COLUMNS: tuple[str, ...] = (
    "sha256_der",
    "spki_sha256",
    "subject",
    "subject_cn",
    "issuer",
    "not_before",
    "not_after",
    "ski",
    "country",
    "episode",
    "public_reference",
    "derived_from",
    "spki_der_b64",
)
_HEX_LENGTHS = {"sha256_der": 64, "spki_sha256": 64}


@dataclass(frozen=True)
class KnownRoot:
    """One known interception root certificate.

    ``sha256_der`` (hex SHA-256 of the DER certificate) is always known. ``not_before`` and
    ``not_after`` keep the precision of their source: a full UTC timestamp when read from
    the certificate, a date or a bare year when only a published list gave them.
    ``spki_der_b64`` is the base64 DER public key, needed to verify issuance signatures.
    """

    sha256_der: str
    spki_sha256: str | None = None
    subject: str | None = None
    subject_cn: str | None = None
    issuer: str | None = None
    not_before: str | None = None
    not_after: str | None = None
    ski: str | None = None
    country: str | None = None
    episode: str | None = None
    public_reference: str | None = None
    derived_from: str | None = None
    spki_der_b64: str | None = None

    @property
    def label(self) -> str:
        """A short human name: common name, episode and the first 8 hex of the hash."""
        name = self.subject_cn or self.subject or "unnamed root"
        episode = f", episode {self.episode}" if self.episode else ""
        return f"{name}{episode} [{self.sha256_der[:8]}]"

    def public_key(self) -> object | None:
        """The root's public key object, or ``None`` when the list does not carry it."""
        if self.spki_der_b64 is None:
            return None
        return load_der_public_key(base64.b64decode(self.spki_der_b64))


def roots_from_pem(data: bytes, path: str | Path) -> list[KnownRoot]:
    """Known-root records for every certificate in a PEM (or DER) file."""
    roots = []
    for cert in parse_pem_certificates(data, path):
        info = describe(cert)
        roots.append(
            KnownRoot(
                sha256_der=info.sha256,
                spki_sha256=info.spki_sha256,
                subject=info.subject,
                subject_cn=common_name(cert.subject),
                issuer=info.issuer,
                not_before=info.not_before.strftime("%Y-%m-%dT%H:%M:%SZ"),
                not_after=info.not_after.strftime("%Y-%m-%dT%H:%M:%SZ"),
                ski=info.ski,
                derived_from=Path(path).name,
                spki_der_b64=base64.b64encode(spki_der(cert)).decode("ascii"),
            )
        )
    return roots


def parse_roots_csv(text: str, path: str | Path) -> list[KnownRoot]:
    """Known-root records from CSV text with (a subset of) :data:`COLUMNS`.

    ``sha256_der`` is required; hashes and key identifiers must be hex, and a carried
    public key must hash to the carried ``spki_sha256``. Errors name the line and field.
    """
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    if "sha256_der" not in header:
        raise DataFormatError(
            path, "roots CSV has no sha256_der column", line=1,
            hint="columns: " + ",".join(COLUMNS),
        )
    roots = []
    for row in reader:
        values = {c: (row.get(c) or "").strip() or None for c in COLUMNS}
        _validate(values, path, reader.line_num)
        roots.append(KnownRoot(**values))  # type: ignore[arg-type]
    return roots


def _validate(values: dict[str, str | None], path: str | Path, line: int) -> None:
    for column in ("sha256_der", "spki_sha256", "ski"):
        value = values[column]
        if value is None:
            if column == "sha256_der":
                raise DataFormatError(path, "empty certificate hash", line=line, field=column)
            continue
        values[column] = value = value.lower().replace(":", "")
        want = _HEX_LENGTHS.get(column)
        if not _is_hex(value) or (want is not None and len(value) != want):
            shape = f"{want} hex digits" if want else "hex digits"
            raise DataFormatError(path, f"expected {shape}", line=line, field=column, value=value)
    key = values["spki_der_b64"]
    if key is not None:
        try:
            digest = hashlib.sha256(base64.b64decode(key, validate=True)).hexdigest()
        except (binascii.Error, ValueError):
            raise DataFormatError(path, "public key is not base64", line=line,
                                  field="spki_der_b64") from None
        if digest != values["spki_sha256"]:
            raise DataFormatError(path, "public key does not hash to spki_sha256", line=line,
                                  field="spki_der_b64")


def _is_hex(value: str) -> bool:
    return bool(value) and all(c in "0123456789abcdef" for c in value)


def render_roots_csv(roots: Iterable[KnownRoot]) -> str:
    """The CSV text of ``roots`` (header :data:`COLUMNS`, ``\\n`` line ends)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for root in roots:
        writer.writerow([getattr(root, c) or "" for c in COLUMNS])
    return out.getvalue()


def merge_roots(*groups: Iterable[KnownRoot]) -> tuple[KnownRoot, ...]:
    """One record per certificate hash, in first-seen order; later records fill gaps.

    A field already known is kept; a field unknown (``None``) takes the later record's
    value, so a PEM file supplied for a hash-only row adds its key and names.
    """
    merged: dict[str, KnownRoot] = {}
    for group in groups:
        for root in group:
            seen = merged.get(root.sha256_der)
            if seen is None:
                merged[root.sha256_der] = root
                continue
            gaps = {
                f.name: getattr(root, f.name)
                for f in dataclasses.fields(KnownRoot)
                if getattr(seen, f.name) is None
            }
            merged[root.sha256_der] = dataclasses.replace(seen, **gaps)
    return tuple(merged.values())


def read_roots_file(path: str | Path) -> list[KnownRoot]:
    """Known roots from a user file: CSV (by its ``.csv`` suffix) or PEM/DER certificates."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataFormatError(path, f"cannot read roots file: {exc.strerror}") from None
    if path.suffix.lower() == ".csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DataFormatError(path, "not UTF-8 text", offset=exc.start) from None
        return parse_roots_csv(text, path)
    return roots_from_pem(data, path)


@cache
def _packaged() -> tuple[KnownRoot, ...]:
    resource = resources.files("crossroads.tls").joinpath(PACKAGED_ROOTS)
    return tuple(parse_roots_csv(resource.read_text(encoding="utf-8"), PACKAGED_ROOTS))


def load_roots(extra: Sequence[str | Path] = ()) -> tuple[KnownRoot, ...]:
    """The packaged known roots merged with the roots of each file in ``extra``."""
    return merge_roots(_packaged(), *(read_roots_file(p) for p in extra))


def known_roots(extra: Sequence[str | Path] = ()) -> pd.DataFrame:
    """The known interception roots as a table (one row per certificate).

    Columns are :data:`COLUMNS` without the public key itself, plus ``key_known``
    (whether issuance signatures can be verified against this root). Unknown fields
    are missing values (``pd.isna``). ``frame.attrs["source"]`` names the lists read.
    """
    roots = load_roots(extra)
    rows = [
        {c: getattr(r, c) for c in COLUMNS if c != "spki_der_b64"}
        | {"key_known": r.spki_der_b64 is not None}
        for r in roots
    ]
    frame = pd.DataFrame(rows, columns=[*COLUMNS[:-1], "key_known"])
    frame.attrs["source"] = "crossroads packaged list " + PACKAGED_ROOTS + "".join(
        f" + {Path(p).name}" for p in extra
    )
    return frame
