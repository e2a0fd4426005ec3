"""X.509 facts the interception check needs: hashes, names, key identifiers, signatures.

Everything here is read with the ``cryptography`` library from DER or PEM bytes. Names are
compared as RFC 4514 strings produced by the same library, so two encodings of one name
(PrintableString vs UTF8String) compare equal, which is what a chain builder does too.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from cryptography.x509.oid import NameOID

from crossroads.errors import DataFormatError

__all__ = [
    "CertInfo",
    "common_name",
    "describe",
    "parse_pem_certificates",
    "signed_by",
    "spki_der",
    "to_certificate",
]

_BEGIN = "-----BEGIN CERTIFICATE-----"
_END = "-----END CERTIFICATE-----"


@dataclass(frozen=True)
class CertInfo:
    """What the check shows about one certificate of a chain.

    ``sha256`` is the hex SHA-256 of the DER certificate, ``spki_sha256`` the hex SHA-256
    of its DER SubjectPublicKeyInfo (the key pin browsers use); ``ski``/``aki`` are the
    subject and authority key identifiers in hex, ``None`` when the extension is absent.
    Validity times are UTC.
    """

    sha256: str
    spki_sha256: str
    subject: str
    issuer: str
    not_before: datetime
    not_after: datetime
    serial: str
    ski: str | None
    aki: str | None

    def as_dict(self) -> dict[str, str | None]:
        """JSON-ready form; times as ISO 8601 UTC."""
        return {
            "sha256": self.sha256,
            "spki_sha256": self.spki_sha256,
            "subject": self.subject,
            "issuer": self.issuer,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "serial": self.serial,
            "ski": self.ski,
            "aki": self.aki,
        }


def to_certificate(item: bytes | x509.Certificate) -> x509.Certificate:
    """A certificate object from DER bytes or an already parsed certificate."""
    if isinstance(item, x509.Certificate):
        return item
    return x509.load_der_x509_certificate(bytes(item))


def spki_der(cert: x509.Certificate) -> bytes:
    """The DER SubjectPublicKeyInfo of ``cert``."""
    return cert.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


def common_name(name: x509.Name) -> str | None:
    """The first CN attribute of ``name``, or ``None``."""
    attrs = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(attrs[0].value) if attrs else None


def describe(cert: x509.Certificate) -> CertInfo:
    """Hashes, names, validity and key identifiers of ``cert``."""
    return CertInfo(
        sha256=hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest(),
        spki_sha256=hashlib.sha256(spki_der(cert)).hexdigest(),
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        serial=format(cert.serial_number, "x"),
        ski=_ski(cert),
        aki=_aki(cert),
    )


def _ski(cert: x509.Certificate) -> str | None:
    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    except x509.ExtensionNotFound:
        return None
    return ext.value.digest.hex()


def _aki(cert: x509.Certificate) -> str | None:
    try:
        ext = cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier)
    except x509.ExtensionNotFound:
        return None
    key_id = ext.value.key_identifier
    return key_id.hex() if key_id is not None else None


def signed_by(cert: x509.Certificate, public_key: object) -> bool:
    """Whether ``cert``'s signature verifies under ``public_key``.

    Supports RSA (PKCS#1 v1.5 and PSS, as the certificate declares), ECDSA, Ed25519 and
    Ed448. An unsupported or mismatched algorithm counts as "does not verify".
    """
    signature, tbs = cert.signature, cert.tbs_certificate_bytes
    try:
        if isinstance(public_key, rsa.RSAPublicKey):
            padding = cert.signature_algorithm_parameters
            algorithm = cert.signature_hash_algorithm
            if algorithm is None:
                return False
            public_key.verify(signature, tbs, padding, algorithm)  # type: ignore[arg-type]
        elif isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, tbs, cert.signature_algorithm_parameters)  # type: ignore[arg-type]
        elif isinstance(public_key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
            public_key.verify(signature, tbs)
        else:
            return False
    except (InvalidSignature, UnsupportedAlgorithm, ValueError, TypeError):
        return False
    return True


def parse_pem_certificates(data: bytes, path: str | Path) -> list[x509.Certificate]:
    """All certificates of a PEM bundle, in file order (a lone DER certificate is accepted).

    Blocks other than ``CERTIFICATE`` (keys, CSRs) are skipped unread. A block that is not
    closed, not base64, or not a certificate raises :class:`DataFormatError` naming the
    line where the block begins; a file with no certificate at all raises too.
    """
    if data[:1] == b"\x30":  # an ASN.1 SEQUENCE: try a DER certificate
        try:
            return [x509.load_der_x509_certificate(data)]
        except ValueError as exc:
            raise DataFormatError(path, f"not a DER certificate: {exc}", offset=0) from None
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError as exc:
        raise DataFormatError(
            path, "not a PEM file: non-ASCII byte", offset=exc.start,
            hint="expected -----BEGIN CERTIFICATE----- blocks",
        ) from None
    certs: list[x509.Certificate] = []
    body: list[str] | None = None
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if body is None:
            if line == _BEGIN:
                body, start = [], number
        elif line == _END:
            certs.append(_decode_block(body, path, start))
            body = None
        elif line.startswith("-----"):
            raise DataFormatError(path, "certificate block interrupted by " + line, line=number)
        else:
            body.append(line)
    if body is not None:
        raise DataFormatError(path, "certificate block has no END line", line=start)
    if not certs:
        raise DataFormatError(
            path, "no PEM certificate found", hint="expected -----BEGIN CERTIFICATE----- blocks"
        )
    return certs


def _decode_block(body: list[str], path: str | Path, line: int) -> x509.Certificate:
    try:
        der = base64.b64decode("".join(body), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise DataFormatError(path, f"certificate block is not base64: {exc}", line=line) from None
    try:
        return x509.load_der_x509_certificate(der)
    except ValueError as exc:
        problem = f"certificate block is not a certificate: {exc}"
        raise DataFormatError(path, problem, line=line) from None
