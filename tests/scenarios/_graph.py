"""The hand-made graph every hand-derived scenario test uses.

::

                 AS1 (DE, 1000 addr)
               /      |        \\
          AS2 (RU)  AS3 (CN)   AS20 (AZ, 100)
        /  |  |  \\     |
   AS21  AS12 AS11 AS10 (KZ, 256)     arrows: provider -> customer
  (RU,   (KZ, (KZ,  |  \\_____ AS10 also under AS2 and AS3
   100)  512) 256)  AS11
     \\___p2p___/         (AS21 -- AS12 peer; AS10 provides AS11; AS2 provides AS11)

Links: 1>2, 1>3, 1>20, 2>10, 3>10, 10>11, 2>11, 2>12, 2>21, 21-12 (peer).
KZ origins O = {10: 256, 11: 256, 12: 512}, A_O = 1024. Foreign ASes (sources) S =
{1, 2, 3, 20, 21}, |S| = 5; foreign space A_F = 1000 + 100 + 100 = 1200.
"""

from __future__ import annotations

import pandas as pd

from crossroads.routing import ASGraph
from crossroads.snapshots import ASTable, Snapshot

LINKS = [
    (1, 2, -1), (1, 3, -1), (1, 20, -1), (2, 10, -1), (3, 10, -1), (10, 11, -1),
    (2, 11, -1), (2, 12, -1), (2, 21, -1), (21, 12, 0),
]
INFO = pd.DataFrame(
    {
        "asn": [1, 2, 3, 10, 11, 12, 20, 21],
        "name": ["DE-T1", "RU-TR", "CN-TR", "KZ-A", "KZ-B", "KZ-C", "AZ-X", "RU-Y"],
        "reg_cc": ["DE", "RU", "CN", "KZ", "KZ", "KZ", "AZ", "RU"],
        "ipv4_addresses": [1000, 0, 0, 256, 256, 512, 100, 100],
    }
)


def graph() -> ASGraph:
    """The graph above."""
    a, b, r = zip(*LINKS, strict=True)
    return ASGraph.from_links(list(a), list(b), list(r))


def table(g: ASGraph | None = None, info: pd.DataFrame = INFO) -> ASTable:
    """``info`` aligned with ``g`` (default: the graph above)."""
    return ASTable.from_frame(graph() if g is None else g, info)


def snap(g: ASGraph | None = None, info: pd.DataFrame = INFO,
         collectors: tuple[int, ...] = ()) -> Snapshot:
    """A snapshot of ``g`` (default: the graph above) with ``collectors`` as vantage points."""
    return Snapshot.of(graph() if g is None else g, info, vantage_points=collectors)
