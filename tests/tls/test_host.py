"""check_host against real TLS servers on 127.0.0.1, and every network failure."""

from __future__ import annotations

import time

import pytest

from crossroads.errors import TLSCheckError
from crossroads.tls import check, check_host, parse_target

from .test_roots import QAZNET_SHA, QAZNET_SPKI

SNI = "test.crossroads.invalid"


def test_server_presenting_the_qaznet_root_is_flagged(pki, tls_server) -> None:
    server = tls_server([pki.leaf, pki.ca, pki.qaznet], pki.leaf_key)
    verdict = check_host("127.0.0.1", server.port, sni=SNI, timeout=5)
    assert server.sni_seen == [SNI]  # the server saw the name we sent
    assert [c.sha256 for c in verdict.chain][2] == QAZNET_SHA  # full chain, as sent
    assert verdict.chain[2].spki_sha256 == QAZNET_SPKI
    (finding,) = verdict.findings
    assert finding.evidence == ("certificate-hash", "spki-hash") and finding.position == 2
    assert verdict.status == "interception"
    assert verdict.source == f"127.0.0.1:{server.port}" and verdict.sni == SNI
    assert verdict.tls_version in {"TLSv1.2", "TLSv1.3"}


def test_server_with_forged_intermediate_is_suspect(pki, forged_intermediate,
                                                    tls_server) -> None:
    server = tls_server([pki.leaf, forged_intermediate], pki.leaf_key)
    verdict = check(f"127.0.0.1:{server.port}", sni=SNI, timeout=5)
    assert verdict.status == "suspect"
    assert verdict.findings[0].evidence == ("name-and-key-id",)


def test_server_with_test_ca_chain_is_clean(pki, tls_server) -> None:
    server = tls_server([pki.leaf, pki.ca], pki.leaf_key)
    verdict = check_host("127.0.0.1", server.port, timeout=5)
    assert server.sni_seen == [None]  # no SNI for an IP literal (RFC 6066)
    assert verdict.status == "clean" and len(verdict.chain) == 2


def test_localhost_name_is_sent_as_sni(pki, tls_server) -> None:
    server = tls_server([pki.leaf, pki.ca], pki.leaf_key)
    check_host("localhost", server.port, timeout=5)
    assert server.sni_seen == ["localhost"]


def test_closed_port(closed_port: int) -> None:
    with pytest.raises(TLSCheckError, match=f"connection refused by 127.0.0.1:{closed_port}"):
        check_host("127.0.0.1", closed_port, timeout=2)


def test_silent_server_times_out(silent_port: int) -> None:
    started = time.monotonic()
    with pytest.raises(TLSCheckError) as err:
        check_host("127.0.0.1", silent_port, timeout=0.3)
    assert time.monotonic() - started < 3
    assert str(err.value) == (f"127.0.0.1:{silent_port} accepted the connection but did not "
                              "complete a TLS handshake within 0.3 s")


def test_non_tls_server(plaintext_port: int) -> None:
    with pytest.raises(TLSCheckError, match="did not complete a TLS handshake .*TLS port"):
        check_host("127.0.0.1", plaintext_port, timeout=5)


def test_unresolvable_host() -> None:
    with pytest.raises(TLSCheckError, match="cannot resolve host 'nothing.invalid'"):
        check_host("nothing.invalid", 443, timeout=2)


@pytest.mark.parametrize(
    ("target", "expected"),
    [("example.kz", ("example.kz", 443)), ("example.kz:8443", ("example.kz", 8443)),
     ("[2001:db8::1]:853", ("2001:db8::1", 853)), ("2001:db8::1", ("2001:db8::1", 443))],
)
def test_parse_target(target: str, expected: tuple[str, int]) -> None:
    assert parse_target(target) == expected


@pytest.mark.parametrize("target", ["host:0", "host:70000", "host:x", "[::1", ":443"])
def test_parse_target_rejects(target: str) -> None:
    with pytest.raises(TLSCheckError, match="not HOST"):
        parse_target(target)
