"""``Literal`` aliases of the metrics' options, in one place."""

from __future__ import annotations

from typing import Literal

__all__ = ["Direction", "OutboundTargets", "SourceWeighting"]

Direction = Literal["inbound", "outbound", "both"]
"""``inbound``: the world towards the country; ``outbound``: the country towards the world."""

SourceWeighting = Literal["addresses", "vantage-points"]
"""Inbound sources: every foreign AS weighted by its IPv4 space, or the vantage points."""

OutboundTargets = Literal["networks", "world"]
"""Outbound destinations: content/cloud ASes and the largest customer cones, or every
foreign origin AS weighted by its IPv4 space."""
