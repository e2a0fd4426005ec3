"""Certificates built at test time with ``cryptography`` (no network, no files)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID

__all__ = ["NOW", "make_cert", "name", "pem"]

NOW = datetime.now(UTC).replace(microsecond=0)


def name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_cert(subject: x509.Name, issuer: x509.Name, public_key, signing_key, *,
              ca: bool, aki: bytes | None = None, dns: str | None = None) -> x509.Certificate:
    """A certificate valid now ±1 day; ``aki`` sets the authority key identifier verbatim."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=1))
        .not_valid_after(NOW + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    if aki is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier(aki, None, None), critical=False
        )
    if dns is not None:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(dns)]), critical=False
        )
    return builder.sign(signing_key, hashes.SHA256())


def pem(*certs: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)
