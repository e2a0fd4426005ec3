"""check_chain on chains built in memory: every evidence level, and the clean case."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from crossroads.tls import check_chain, check_pem_file, load_roots

from ._pki import make_cert, name, pem
from .test_roots import ISCA_SHA, QAZNET_SHA, QAZNET_SKI


def test_chain_containing_the_qaznet_root_is_proven(pki) -> None:
    verdict = check_chain([pki.leaf, pki.ca, pki.qaznet])
    # the root is the third certificate sent; its hash, computed here from its DER, is the
    # mirror's published one
    assert hashlib.sha256(pki.qaznet.public_bytes(Encoding.DER)).hexdigest() == QAZNET_SHA
    (finding,) = verdict.findings
    assert (finding.position, finding.relation, finding.evidence) == (
        2, "is", ("certificate-hash", "spki-hash"))
    assert finding.root.sha256_der == QAZNET_SHA and finding.proof
    assert verdict.status == "interception"
    assert verdict.summary.startswith("known interception root: Qaznet Trust Network")
    assert [c.subject for c in verdict.chain] == [
        "CN=test.crossroads.invalid", "CN=crossroads test CA", "CN=Qaznet Trust Network,C=KZ"]


def test_certificate_carrying_the_qaznet_key_is_flagged_by_spki(pki) -> None:
    # a "re-issued" root: Qaznet's public key under another name, signed by the test CA,
    # so its DER hash differs but its SPKI hash is Qaznet's
    reissued = make_cert(name("Qaznet reissued"), pki.ca.subject, pki.qaznet.public_key(),
                         pki.ca_key, ca=True)
    (finding,) = check_chain([pki.leaf, reissued]).findings
    assert (finding.position, finding.evidence, finding.proof) == (1, ("spki-hash",), True)
    assert finding.detail.startswith("carries the root's public key")


def test_forged_intermediate_only_claims_issuance(pki, forged_intermediate) -> None:
    verdict = check_chain([pki.leaf, forged_intermediate])
    (finding,) = verdict.findings
    assert forged_intermediate.issuer == pki.qaznet.subject
    assert (finding.position, finding.relation, finding.evidence) == (
        1, "claims-issued-by", ("name-and-key-id",))
    assert not finding.proof and finding.root.sha256_der == QAZNET_SHA
    assert "does NOT verify under the root's public key" in finding.detail
    assert verdict.status == "suspect"
    assert verdict.summary.startswith("claims a known interception root: Qaznet")


def test_test_ca_chain_is_clean(pki) -> None:
    der = [c.public_bytes(Encoding.DER) for c in (pki.leaf, pki.ca)]  # DER bytes accepted
    verdict = check_chain(der)
    assert verdict.findings == () and verdict.status == "clean"
    assert verdict.summary == "no known interception root (10 known roots checked)"
    assert verdict.chain[0].sha256 == hashlib.sha256(der[0]).hexdigest()


def test_signature_proves_issuance_by_a_user_root(pki, tmp_path: Path) -> None:
    # the test CA given as a user root: the leaf's signature verifies under its key
    user = tmp_path / "ca.pem"
    user.write_bytes(pem(pki.ca))
    verdict = check_chain([pki.leaf, pki.ca], roots=load_roots([user]))
    leaf, ca = verdict.findings
    assert (leaf.position, leaf.relation, leaf.evidence) == (0, "issued-by", ("signature",))
    assert (ca.position, ca.evidence) == (1, ("certificate-hash", "spki-hash"))


def _isca_name() -> x509.Name:
    # attribute order as in the mirror's ISCA PEM ("CN = ..., O = ISCA, C = KZ" in openssl's
    # dump); DN comparison is order-sensitive (RFC 5280 7.1), so C, O, CN would not match
    return x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, "Information Security Certification Authority"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ISCA"),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
    ])


def test_issuer_named_like_isca_with_another_key_is_a_weak_claim(pki) -> None:
    # same full subject as the ISCA root in the mirror, different key: the name matches
    # that root (level issuer-name); the seven ISCA rows known by common name only match
    # more weakly (issuer-cn) and are not reported
    key = ec.generate_private_key(ec.SECP256R1())
    isca_name = _isca_name()
    own_ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key()).digest
    lookalike = make_cert(isca_name, isca_name, key.public_key(), key, ca=True, aki=own_ski)
    (finding,) = check_chain([lookalike]).findings
    assert (finding.evidence, finding.root.sha256_der, finding.proof) == (
        ("issuer-name",), ISCA_SHA, False)
    assert "differs from b20412df" in finding.detail


def test_issuer_cn_of_a_hash_only_root(pki) -> None:
    # "... Authority CA" is known only by hash and common name (row 61c0fc2e)
    key = ec.generate_private_key(ec.SECP256R1())
    cn = name("Information Security Certification Authority CA")
    cert = make_cert(name("victim.example"), cn, key.public_key(), key, ca=False)
    (finding,) = check_chain([cert]).findings
    assert finding.evidence == ("issuer-cn",)
    assert finding.root.sha256_der.startswith("61c0fc2e")
    assert "public key is not in the list" in finding.detail


def test_authority_key_id_alone(pki) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = make_cert(name("leaf"), name("someone else"), key.public_key(), key, ca=False,
                     aki=bytes.fromhex(QAZNET_SKI))
    (finding,) = check_chain([cert]).findings
    assert (finding.evidence, finding.root.sha256_der) == (("key-id",), QAZNET_SHA)


def test_mirror_pem_files_are_their_own_roots(mirror: Path) -> None:
    for pem_file, sha in (("qaznet-trust-network-2016.pem", QAZNET_SHA),
                          ("isca-2020-89107c8e.pem", ISCA_SHA)):
        verdict = check_pem_file(mirror / "tls" / pem_file)
        assert [f.root.sha256_der for f in verdict.findings] == [sha]
        assert verdict.source.endswith(pem_file)


def test_empty_or_undecodable_chain_is_an_error(pki) -> None:
    from crossroads.errors import TLSCheckError

    with pytest.raises(TLSCheckError, match="the chain is empty"):
        check_chain([])
    with pytest.raises(TLSCheckError, match="certificate #1 of the chain is not DER"):
        check_chain([pki.leaf, b"\x30\x03\x02\x01\x00"])
