"""BMP (RFC 7854) station: wire structures, decoding through the MRT parser, TCP listener."""

from crossroads.outages.bmp.decode import Decoded, decode, mrt_record
from crossroads.outages.bmp.listener import BmpServer
from crossroads.outages.bmp.wire import (
    BmpFramingError,
    BmpMessage,
    PeerHeader,
    parse_peer_header,
    split_messages,
)

__all__ = [
    "BmpFramingError",
    "BmpMessage",
    "BmpServer",
    "Decoded",
    "PeerHeader",
    "decode",
    "mrt_record",
    "parse_peer_header",
    "split_messages",
]
