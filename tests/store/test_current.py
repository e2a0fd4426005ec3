"""The store's one rule for "current" data: per part, the dataset in force."""

from __future__ import annotations

import doctest
from datetime import date

import crossroads.store._current as current
from crossroads.store._current import current_names


def test_docstring_example() -> None:
    result = doctest.testmod(current)
    assert result.attempted > 0 and result.failed == 0


def test_as_rel_is_one_part_across_serial_1_and_serial_2() -> None:
    rows = [("caida-as-rel-20180101", "as-rel", date(2018, 1, 1)),
            ("caida-as-rel2-20250901", "as-rel", date(2025, 9, 1)),
            ("ip-location-db-asn-ipv4", "asn-ranges", date(2026, 6, 17)),
            ("ip-location-db-asn-ipv6-20260101", "asn-ranges", date(2026, 1, 1))]
    assert current_names(rows, "as-rel") == ["caida-as-rel2-20250901"]
    assert current_names(rows, "as-rel", on=date(2020, 1, 1)) == ["caida-as-rel-20180101"]
    assert current_names(rows, "as-rel", on=date(2017, 12, 31)) == []
    # the two families are two parts: each its own newest
    assert current_names(rows, "asn-ranges") == ["ip-location-db-asn-ipv4",
                                                 "ip-location-db-asn-ipv6-20260101"]
    assert current_names(rows, "asn-ranges", on=date(2026, 3, 1)) == [
        "ip-location-db-asn-ipv6-20260101"]
