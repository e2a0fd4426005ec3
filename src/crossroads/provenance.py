"""Provenance: where every loaded number came from.

Each dataset records its source (URL or mirror path), its data date, the SHA-256 of the
exact bytes read, and when it was retrieved, so a figure can be cited and reproduced.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path

__all__ = ["Provenance", "sha256_file"]


@dataclass(frozen=True)
class Provenance:
    """Where one dataset file came from."""

    dataset: str
    source: str
    data_date: date
    sha256: str
    retrieved_at: datetime
    path: str
    kind: str = ""  # the catalogue kind (as-rel, rir, …) when known

    def as_dict(self) -> dict[str, str]:
        """JSON-ready form (dates as ISO strings)."""
        d = asdict(self)
        d["data_date"] = self.data_date.isoformat()
        d["retrieved_at"] = self.retrieved_at.isoformat(timespec="seconds")
        return d

    @staticmethod
    def now() -> datetime:
        """The retrieval timestamp, UTC."""
        return datetime.now(UTC)


def sha256_file(path: str | Path, *, chunk: int = 1 << 20) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()
