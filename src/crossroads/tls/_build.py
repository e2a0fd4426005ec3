"""Regenerate the packaged ``known_roots.csv`` from the public-data mirror.

The mirror's ``tls/`` folder holds ``kz-interception-roots.csv`` (certificate hash, common
name, validity, episode and public reference for each root browsers block) and PEM copies
of some of those certificates. The package must not ship the mirror's files, so it ships
what is derived from them: for each CSV row, the row's own fields, and, where the mirror
has the certificate, its SPKI hash, full subject and issuer, exact validity, subject key
identifier and DER public key (public identifiers, needed to verify issuance signatures).

Run ``python -m crossroads.tls._build MIRROR/tls`` to rewrite the packaged file; a test
checks that the shipped file equals what this derives from the mirror.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from crossroads.atomic import atomic_path
from crossroads.errors import DataFormatError
from crossroads.tls._roots import (
    PACKAGED_ROOTS,
    KnownRoot,
    parse_roots_csv,
    render_roots_csv,
    roots_from_pem,
)

__all__ = ["MIRROR_CSV", "build_roots_list", "main"]

MIRROR_CSV = "kz-interception-roots.csv"
_COUNTRY = "KZ"  # the mirror's list is Kazakhstan's (its name and every reference say so)


def build_roots_list(mirror_dir: str | Path) -> tuple[KnownRoot, ...]:
    """The known-roots list derived from the mirror's ``tls`` folder.

    ``mirror_dir`` is that folder or the mirror root holding it. Rows keep the CSV's
    order; certificates found only as PEM follow, in file-name order. A PEM whose common
    name or validity contradicts its CSV row raises :class:`DataFormatError`.
    """
    folder = Path(mirror_dir)
    if not (folder / MIRROR_CSV).is_file() and (folder / "tls" / MIRROR_CSV).is_file():
        folder = folder / "tls"
    csv_path = folder / MIRROR_CSV
    try:
        text = csv_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataFormatError(csv_path, f"cannot read: {exc.strerror}") from None
    rows = parse_roots_csv(text, csv_path)
    pems = {
        root.sha256_der: root
        for pem in sorted(folder.glob("*.pem"))
        for root in roots_from_pem(pem.read_bytes(), pem)
    }
    built = [_combine(row, pems.pop(row.sha256_der, None), csv_path) for row in rows]
    built += [dataclasses.replace(p, country=_COUNTRY) for p in pems.values()]
    return tuple(built)


def _combine(row: KnownRoot, pem: KnownRoot | None, csv_path: Path) -> KnownRoot:
    country = row.country or _COUNTRY
    if pem is None:
        return dataclasses.replace(row, derived_from=csv_path.name, country=country,
                                   episode=row.episode, public_reference=row.public_reference)
    for field in ("subject_cn", "not_before", "not_after"):
        said, seen = getattr(row, field), getattr(pem, field)
        if said is not None and not (seen or "").startswith(said):
            raise DataFormatError(
                csv_path, f"row for {row.sha256_der[:16]}… disagrees with {pem.derived_from} "
                f"({seen!r})", field=field, value=said,
            )
    return dataclasses.replace(pem, derived_from=f"{csv_path.name} + {pem.derived_from}",
                               country=country, episode=row.episode,
                               public_reference=row.public_reference)


def packaged_path() -> Path:
    """Where the packaged list lives in the source tree."""
    return Path(__file__).with_name(PACKAGED_ROOTS)


def main(argv: list[str] | None = None) -> int:
    """``python -m crossroads.tls._build MIRROR_TLS_DIR``: rewrite the packaged list."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(__doc__.splitlines()[0], "\nusage: python -m crossroads.tls._build MIRROR_TLS_DIR")
        return 2
    text = render_roots_csv(build_roots_list(args[0]))
    target = packaged_path()
    with atomic_path(target) as tmp:  # never a half-written list
        tmp.write_text(text, encoding="utf-8")
    print(f"wrote {target} ({text.count(chr(10)) - 1} roots)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
