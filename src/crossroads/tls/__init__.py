"""TLS interception check: is a connection or chain anchored at a state interception root?

The package ships a list of known interception root certificates (Kazakhstan's, from
browser blocklists; see ``docs/methods/tls.md``) and checks certificate chains against it
by certificate hash, public-key hash, and issuer name + key identifier + signature.

>>> from crossroads.tls import known_roots
>>> int((known_roots()["country"] == "KZ").sum())
10
"""

from crossroads.tls._build import build_roots_list
from crossroads.tls._certs import CertInfo
from crossroads.tls._check import (
    ChainVerdict,
    Evidence,
    Finding,
    Status,
    check,
    check_chain,
    check_host,
    check_pem_file,
)
from crossroads.tls._episodes import Episode, interception_documented
from crossroads.tls._handshake import parse_target
from crossroads.tls._roots import KnownRoot, known_roots, load_roots, render_roots_csv

__all__ = [
    "CertInfo",
    "ChainVerdict",
    "Episode",
    "Evidence",
    "Finding",
    "KnownRoot",
    "Status",
    "build_roots_list",
    "check",
    "check_chain",
    "check_host",
    "check_pem_file",
    "interception_documented",
    "known_roots",
    "load_roots",
    "parse_target",
    "render_roots_csv",
]
