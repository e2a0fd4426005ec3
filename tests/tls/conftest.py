"""Test PKI built at test time, the real Qaznet root from the mirror, and a local TLS server.

Nothing here needs the network: keys and certificates are generated with ``cryptography``
(EC P-256, fast), the server is Python's ``ssl`` on 127.0.0.1 with an ephemeral port.
"""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from ._pki import make_cert, name, pem


@dataclass(frozen=True)
class PKI:
    """A test CA, a leaf it issued for ``test.crossroads.invalid``, and the real Qaznet root."""

    ca_key: ec.EllipticCurvePrivateKey
    ca: x509.Certificate
    leaf_key: ec.EllipticCurvePrivateKey
    leaf: x509.Certificate
    qaznet: x509.Certificate


@pytest.fixture(scope="session")
def qaznet(mirror: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(
        (mirror / "tls" / "qaznet-trust-network-2016.pem").read_bytes()
    )


@pytest.fixture(scope="session")
def pki(qaznet: x509.Certificate) -> PKI:
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = make_cert(name("crossroads test CA"), name("crossroads test CA"),
                   ca_key.public_key(), ca_key, ca=True)
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    ca_ski = ca.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    leaf = make_cert(name("test.crossroads.invalid"), ca.subject, leaf_key.public_key(),
                     ca_key, ca=False, aki=ca_ski, dns="test.crossroads.invalid")
    return PKI(ca_key, ca, leaf_key, leaf, qaznet)


@pytest.fixture(scope="session")
def forged_intermediate(pki: PKI) -> x509.Certificate:
    """Issuer name and AKI copied from the Qaznet root, signed by a test RSA key.

    The Qaznet root is RSA, so the signature check really runs RSA verification against
    the root's key and fails on the mathematics, not on an algorithm mismatch.
    """
    q = pki.qaznet
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    q_ski = q.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    return make_cert(name("Qaznet forged intermediate"), q.subject, pki.ca_key.public_key(),
                     forger, ca=True, aki=q_ski)


@dataclass
class Server:
    port: int
    sni_seen: list[str | None]


def _serve(listener: socket.socket, ctx: ssl.SSLContext, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            continue
        except OSError:
            return
        conn.settimeout(5)
        try:
            with ctx.wrap_socket(conn, server_side=True) as tls:
                tls.recv(1)  # until the client closes
        except (OSError, ssl.SSLError):
            pass
        finally:
            conn.close()


@pytest.fixture()
def tls_server(tmp_path: Path):
    """A factory: ``tls_server(chain_certs, key)`` starts a TLS server presenting that chain."""
    started: list[tuple[threading.Event, threading.Thread, socket.socket]] = []

    def start(chain: list[x509.Certificate], key) -> Server:
        chain_file, key_file = tmp_path / "chain.pem", tmp_path / "key.pem"
        chain_file.write_bytes(pem(*chain))
        key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                               serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(chain_file, key_file)  # leaf first, the rest sent as the chain
        seen: list[str | None] = []
        ctx.sni_callback = lambda _sock, server_name, _ctx: seen.append(server_name)
        listener = socket.create_server(("127.0.0.1", 0))
        listener.settimeout(0.05)
        stop = threading.Event()
        thread = threading.Thread(target=_serve, args=(listener, ctx, stop), daemon=True)
        thread.start()
        started.append((stop, thread, listener))
        return Server(listener.getsockname()[1], seen)

    yield start
    for stop, thread, listener in started:
        stop.set()
        thread.join(timeout=5)
        listener.close()


@pytest.fixture()
def closed_port() -> int:
    """A local port nobody listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def silent_port() -> Iterator[int]:
    """A port whose kernel accepts the TCP connection but no program ever answers."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        yield listener.getsockname()[1]


@pytest.fixture()
def plaintext_port() -> Iterator[int]:
    """A port that answers any connection with an HTTP error, never TLS."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(5)

    def answer() -> None:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn:
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    listener.close()
    thread.join(timeout=5)
