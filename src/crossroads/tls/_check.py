"""Is a certificate chain anchored at a known state interception root?

Each certificate of the chain is compared with each known root, strongest evidence first:

1. **certificate-hash** — SHA-256 of the DER certificate equals the root's: it *is* the root.
2. **spki-hash** — SHA-256 of its SubjectPublicKeyInfo equals the root's: it carries the
   root's key (the root re-issued or cross-signed), as strong as 1 for interception.
3. **signature** — its issuer name or authority key identifier (AKI) points at the root
   and its signature verifies under the root's public key: it *was issued by* the root.
4. **name-and-key-id** — issuer name = root subject and AKI = root subject key identifier
   (SKI), but the signature could not be verified (root key not in the list) or does not
   verify (forged or mislabelled): the certificate *claims* issuance by the root.
5. **issuer-name** / **key-id** — only one of the two matches, signature unverified.
6. **issuer-cn** — the issuer's common name equals a root known only by common name.

Levels 1–3 are proof (verdict ``interception``); 4–6 are claims (verdict ``suspect``).
For each chain position only the strongest level found is reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from cryptography import x509

from crossroads.errors import DataFormatError, TLSCheckError
from crossroads.tls._certs import (
    CertInfo,
    common_name,
    describe,
    parse_pem_certificates,
    signed_by,
    to_certificate,
)
from crossroads.tls._handshake import fetch_chain, parse_target
from crossroads.tls._roots import KnownRoot, load_roots

__all__ = [
    "ChainVerdict",
    "Evidence",
    "Finding",
    "Status",
    "check",
    "check_chain",
    "check_host",
    "check_pem_file",
]

Evidence = Literal[
    "certificate-hash", "spki-hash", "signature", "name-and-key-id", "issuer-name", "key-id",
    "issuer-cn",
]
Relation = Literal["is", "issued-by", "claims-issued-by"]
Status = Literal["clean", "suspect", "interception"]

_RANK: dict[str, int] = {
    "certificate-hash": 6, "spki-hash": 5, "signature": 4, "name-and-key-id": 3,
    "issuer-name": 2, "key-id": 2, "issuer-cn": 1,
}
_PROOF = 4
_CERT_SUFFIXES = {".pem", ".crt", ".cer", ".der"}


@dataclass(frozen=True)
class Finding:
    """Certificate ``position`` (0 = leaf, in the order presented) relates to ``root``."""

    position: int
    relation: Relation
    evidence: tuple[Evidence, ...]
    root: KnownRoot
    detail: str

    @property
    def proof(self) -> bool:
        """Whether the evidence proves the relation (levels 1–3) rather than claims it."""
        return max(_RANK[e] for e in self.evidence) >= _PROOF

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        r = self.root
        return {
            "position": self.position, "relation": self.relation,
            "evidence": list(self.evidence), "proof": self.proof, "detail": self.detail,
            "root": {"sha256_der": r.sha256_der, "subject_cn": r.subject_cn,
                     "episode": r.episode, "country": r.country,
                     "public_reference": r.public_reference},
        }


@dataclass(frozen=True)
class ChainVerdict:
    """The result of checking one chain: the chain as presented and what matched."""

    source: str
    checked_at: datetime
    chain: tuple[CertInfo, ...]
    findings: tuple[Finding, ...]
    roots_checked: int
    sni: str | None = None
    tls_version: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def status(self) -> Status:
        """``interception`` (a proven known root), ``suspect`` (claims only) or ``clean``."""
        if any(f.proof for f in self.findings):
            return "interception"
        return "suspect" if self.findings else "clean"

    @property
    def summary(self) -> str:
        """One line for people."""
        if not self.findings:
            return f"no known interception root ({self.roots_checked} known roots checked)"
        best = max(self.findings, key=lambda f: _RANK[f.evidence[0]])
        word = "known interception root" if best.proof else "claims a known interception root"
        return f"{word}: {best.root.label} (certificate #{best.position}: {best.detail})"

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "source": self.source, "checked_at": self.checked_at.isoformat(),
            "sni": self.sni, "tls_version": self.tls_version, "status": self.status,
            "summary": self.summary, "roots_checked": self.roots_checked,
            "chain": [c.as_dict() for c in self.chain],
            "findings": [f.as_dict() for f in self.findings],
        }


def check_chain(certs: Iterable[bytes | x509.Certificate], *,
                roots: Sequence[KnownRoot] | None = None, source: str = "chain",
                sni: str | None = None, tls_version: str | None = None) -> ChainVerdict:
    """Compare every certificate of ``certs`` (DER bytes or parsed) with the known roots.

    ``roots`` defaults to the packaged list (:func:`crossroads.tls.load_roots`).
    """
    roots = load_roots() if roots is None else roots
    parsed = [_certificate(i, c) for i, c in enumerate(certs)]
    if not parsed:
        raise TLSCheckError("no certificate to check: the chain is empty")
    infos = tuple(describe(c) for c in parsed)
    findings: list[Finding] = []
    for position, (cert, info) in enumerate(zip(parsed, infos, strict=True)):
        found = [f for r in roots if (f := _match(position, cert, info, r)) is not None]
        if found:
            best = max(_RANK[f.evidence[0]] for f in found)
            findings += [f for f in found if _RANK[f.evidence[0]] == best]
    return ChainVerdict(source, datetime.now(UTC), infos, tuple(findings), len(roots), sni,
                        tls_version)


def _certificate(position: int, item: bytes | x509.Certificate) -> x509.Certificate:
    try:
        return to_certificate(item)
    except ValueError as exc:
        raise TLSCheckError(f"certificate #{position} of the chain is not DER: {exc}") from None


def _match(position: int, cert: x509.Certificate, info: CertInfo,
           root: KnownRoot) -> Finding | None:
    same: list[Evidence] = []
    if info.sha256 == root.sha256_der:
        same.append("certificate-hash")
    if root.spki_sha256 is not None and info.spki_sha256 == root.spki_sha256:
        same.append("spki-hash")
    if same:
        detail = ("is the root" if same[0] == "certificate-hash"
                  else "carries the root's public key")
        return Finding(position, "is", tuple(same), root, f"{detail} (by {', '.join(same)})")
    return _issuance(position, cert, info, root)


def _issuance(position: int, cert: x509.Certificate, info: CertInfo,
              root: KnownRoot) -> Finding | None:
    by_name = root.subject is not None and info.issuer == root.subject
    by_cn = (root.subject is None and root.subject_cn is not None
             and common_name(cert.issuer) == root.subject_cn)
    by_key_id = info.aki is not None and info.aki == root.ski
    if not (by_name or by_cn or by_key_id):
        return None
    key = root.public_key()
    if key is not None and signed_by(cert, key):
        return Finding(position, "issued-by", ("signature",), root,
                       "issued by the root: its signature verifies under the root's key")
    why = ("the signature does NOT verify under the root's public key" if key is not None
           else "the root's public key is not in the list, signature not checked")
    evidence: Evidence
    if by_name and by_key_id:
        evidence, what = "name-and-key-id", "issuer name and authority key id match the root"
    elif by_name:
        evidence, what = "issuer-name", "issuer name matches the root's subject"
        if info.aki is not None and root.ski is not None:
            what += f" but authority key id {info.aki[:8]}… differs from {root.ski[:8]}…"
    elif by_key_id:
        evidence, what = "key-id", "authority key id matches the root's, issuer name differs"
    else:
        evidence, what = "issuer-cn", "issuer common name equals the root's"
    return Finding(position, "claims-issued-by", (evidence,), root, f"{what}; {why}")


def check_pem_file(path: str | Path, *,
                   roots: Sequence[KnownRoot] | None = None) -> ChainVerdict:
    """Check the certificates of a PEM bundle (or one DER certificate), in file order."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataFormatError(path, f"cannot read: {exc.strerror}") from None
    return check_chain(parse_pem_certificates(data, path), roots=roots, source=str(path))


def check_host(host: str, port: int = 443, *, timeout: float = 10.0, sni: str | None = None,
               roots: Sequence[KnownRoot] | None = None) -> ChainVerdict:
    """Fetch the chain ``host:port`` presents (SNI set) and check it; see :func:`check_chain`.

    Network failures raise :class:`TLSCheckError` with a one-line cause.
    """
    presented = fetch_chain(host, port, timeout=timeout, sni=sni)
    return check_chain(presented.certificates, roots=roots, source=f"{host}:{port}",
                       sni=presented.sni, tls_version=presented.tls_version)


def check(target: str, *, timeout: float = 10.0, sni: str | None = None,
          roots_files: Sequence[str | Path] = ()) -> ChainVerdict:
    """Check ``target``: an existing certificate file, else ``HOST[:PORT]`` (port 443).

    ``roots_files`` extend the packaged list (CSV or PEM, see :func:`load_roots`).
    """
    roots = load_roots(roots_files)
    path = Path(target)
    if path.is_file():
        return check_pem_file(path, roots=roots)
    if path.suffix.lower() in _CERT_SUFFIXES:
        raise TLSCheckError(f"no such certificate file: {target}")
    host, port = parse_target(target)
    return check_host(host, port, timeout=timeout, sni=sni, roots=roots)
