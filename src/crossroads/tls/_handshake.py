"""Read the certificate chain a TLS server presents, without trusting it.

Why pyOpenSSL: the check must see the *full* chain as sent, including certificates no
trust store accepts (that is the point). Python's ``ssl`` module returns only the leaf
when verification is off, and its ``get_unverified_chain()`` is public only from Python
3.13 (on 3.10–3.12 it exists as a private method). pyOpenSSL's public
``Connection.get_peer_cert_chain()`` returns the chain as sent on every supported Python,
and runs on the same OpenSSL as ``cryptography``. Parsing the handshake by hand would
fail on TLS 1.3, where the Certificate message is encrypted.

Verification is switched off only so the handshake completes with any chain; nothing is
sent after the handshake and no trust decision is taken from it. For the same reason the
cipher security level is 0: a weak legacy server's chain can still be read.
"""

from __future__ import annotations

import ipaddress
import select
import socket
import time
from dataclasses import dataclass

from cryptography import x509
from OpenSSL import SSL

from crossroads.errors import TLSCheckError

__all__ = ["Presented", "fetch_chain", "parse_target"]


@dataclass(frozen=True)
class Presented:
    """The chain one server presented, in the order sent, and how it was obtained."""

    host: str
    port: int
    sni: str | None
    tls_version: str
    certificates: tuple[x509.Certificate, ...]


def parse_target(target: str, *, default_port: int = 443) -> tuple[str, int]:
    """``HOST``, ``HOST:PORT``, ``[IPV6]:PORT`` or a bare IPv6 address → (host, port).

    >>> parse_target("example.kz:8443"), parse_target("[::1]:443"), parse_target("::1")
    (('example.kz', 8443), ('::1', 443), ('::1', 443))
    """
    text = target.strip()
    host, port = text, str(default_port)
    if text.startswith("["):
        host, sep, rest = text[1:].partition("]")
        if not sep or (rest and not rest.startswith(":")):
            raise TLSCheckError(f"not HOST[:PORT]: {target!r}")
        port = rest[1:] or port
    elif text.count(":") == 1:
        host, port = text.split(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise TLSCheckError(f"not HOST[:PORT] with a port in 1..65535: {target!r}")
    return host, int(port)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def fetch_chain(host: str, port: int = 443, *, timeout: float = 10.0,
                sni: str | None = None) -> Presented:
    """Connect to ``host:port``, complete a TLS handshake and return the presented chain.

    SNI is ``sni`` if given, else ``host`` unless it is an IP literal (RFC 6066 forbids
    those in SNI). ``timeout`` (seconds) bounds the TCP connection and, separately, the
    whole handshake. Every failure raises :class:`TLSCheckError` with one-line cause.
    """
    where = f"{host}:{port}"
    server_name = sni if sni is not None else (None if _is_ip(host) else host)
    sock = _connect(host, port, timeout, where)
    try:
        conn = SSL.Connection(_context(), sock)
        if server_name:
            conn.set_tlsext_host_name(server_name.encode("idna"))
        conn.set_connect_state()
        _handshake(conn, sock, time.monotonic() + timeout, timeout, where)
        chain = conn.get_peer_cert_chain(as_cryptography=True) or []
        version = conn.get_protocol_version_name()
    finally:
        sock.close()
    if not chain:
        raise TLSCheckError(f"{where} completed the handshake without a certificate")
    return Presented(host, port, server_name, version, tuple(chain))


def _context() -> SSL.Context:
    ctx = SSL.Context(SSL.TLS_CLIENT_METHOD)
    ctx.set_verify(SSL.VERIFY_NONE)  # read the chain only: we judge it, never trust it
    ctx.set_cipher_list(b"DEFAULT:@SECLEVEL=0")
    return ctx


def _connect(host: str, port: int, timeout: float, where: str) -> socket.socket:
    try:
        return socket.create_connection((host, port), timeout=timeout)
    except socket.gaierror as exc:
        raise TLSCheckError(f"cannot resolve host {host!r}: {exc.strerror}") from None
    except ConnectionRefusedError:
        raise TLSCheckError(f"connection refused by {where} (nothing listening?)") from None
    except TimeoutError:
        raise TLSCheckError(f"no TCP connection to {where} within {timeout:g} s") from None
    except OSError as exc:
        raise TLSCheckError(f"cannot connect to {where}: {exc.strerror or exc}") from None


def _handshake(conn: SSL.Connection, sock: socket.socket, deadline: float, timeout: float,
               where: str) -> None:
    while True:
        try:
            conn.do_handshake()
            return
        except (SSL.WantReadError, SSL.WantWriteError) as exc:
            left = deadline - time.monotonic()
            wants_read = isinstance(exc, SSL.WantReadError)
            ready = select.select([sock] if wants_read else [], [] if wants_read else [sock],
                                  [], max(left, 0.0))
            if left <= 0 or not any(ready):
                raise TLSCheckError(
                    f"{where} accepted the connection but did not complete a TLS "
                    f"handshake within {timeout:g} s"
                ) from None
        except SSL.SysCallError as exc:
            cause = "closed the connection" if exc.args[0] == -1 else str(exc.args[1])
            raise TLSCheckError(f"{where} {cause} during the TLS handshake") from None
        except SSL.Error as exc:
            raise TLSCheckError(
                f"{where} did not complete a TLS handshake ({_reason(exc)}); "
                "is it a TLS port?"
            ) from None


def _reason(exc: SSL.Error) -> str:
    errors = exc.args[0] if exc.args else []
    if isinstance(errors, list) and errors and isinstance(errors[-1], tuple):
        return str(errors[-1][-1])
    return str(exc) or type(exc).__name__
