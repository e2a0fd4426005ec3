"""The hand-made graph every hand test uses (derivations in the tests' comments).

Country AA: AS 1 (origin, 768 addresses), AS 2 (origin, 256), AS 3 (transit, none).
Foreign: AS 20 (BB), AS 30 (CC), AS 40 (DD, 1024 addresses), AS 50 (EE, 512),
AS 60 (no country in the table: "unknown", 256), AS 80 (FF, 256).

    40 (DD) provides 20, 30, 50        20 (BB) provides 1, 3
    30 (CC) provides 3, 60             3 (AA) provides 1, 2
    60 (??) provides 80

Addresses in units of 256: W_1 = 3, W_2 = 1; w_40 = 4, w_50 = 2, w_60 = 1, w_80 = 1.
"""

from __future__ import annotations

import pandas as pd

from crossroads.routing import ASGraph
from crossroads.snapshots.astable import ASTable

LINKS = [(40, 20), (40, 30), (40, 50), (20, 1), (20, 3), (30, 3), (30, 60), (3, 1), (3, 2),
         (60, 80)]


def graph() -> ASGraph:
    a, b = zip(*LINKS, strict=True)
    return ASGraph.from_links(list(a), list(b), [-1] * len(LINKS))


def info() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "asn": [1, 2, 3, 20, 30, 40, 50, 60, 80],
            "name": ["One", "Two", "Three", "Bee", "Cee", "Dee", "Ee", "Sixty", "Eff"],
            "reg_cc": ["AA", "AA", "AA", "BB", "CC", "DD", "EE", None, "FF"],
            "ipv4_addresses": [768, 256, 0, 0, 0, 1024, 512, 256, 256],
        }
    )


def table(g: ASGraph | None = None) -> ASTable:
    return ASTable.from_frame(g if g is not None else graph(), info())
