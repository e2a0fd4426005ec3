"""Certificate files: PEM bundles, a lone DER certificate, and malformed input."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from crossroads.errors import DataFormatError
from crossroads.tls import check, check_pem_file

from ._pki import pem


def test_bundle_order_and_other_blocks_skipped(pki, tmp_path: Path) -> None:
    path = tmp_path / "bundle.pem"
    key_block = b"-----BEGIN PRIVATE KEY-----\nnot read\n-----END PRIVATE KEY-----\n"
    path.write_bytes(b"comment line\n" + pem(pki.leaf) + key_block + pem(pki.qaznet))
    verdict = check_pem_file(path)
    assert [c.subject for c in verdict.chain] == [
        "CN=test.crossroads.invalid", "CN=Qaznet Trust Network,C=KZ"]
    assert verdict.findings[0].position == 1


def test_der_certificate(pki, tmp_path: Path) -> None:
    path = tmp_path / "root.der"
    path.write_bytes(pki.qaznet.public_bytes(Encoding.DER))
    assert check(str(path)).status == "interception"


def _lines(pki) -> list[str]:
    return pem(pki.leaf).decode().splitlines()


# Each case breaks a two-certificate bundle (lines 1-N: leaf, then the Qaznet root) in one
# place; ``line`` is where the broken block begins, counted by hand from the layout.
@pytest.mark.parametrize(
    ("case", "problem", "line"),
    [
        ("no_end", "certificate block has no END line", "second"),
        ("bad_base64", "certificate block is not base64", "second"),
        ("not_a_cert", "certificate block is not a certificate", "second"),
        ("nested", "certificate block interrupted by -----BEGIN CERTIFICATE-----", "nested"),
    ],
)
def test_malformed_pem_names_the_line(pki, tmp_path: Path, case: str, problem: str,
                                      line: str) -> None:
    first = _lines(pki)
    second = pem(pki.qaznet).decode().splitlines()
    if case == "no_end":
        second = second[:-1]
    elif case == "bad_base64":
        second[3] = "%%%% not base64 %%%%"
    elif case == "not_a_cert":
        second[1:-1] = ["MIIBAAAA"]  # valid base64, 6 bytes of a truncated SEQUENCE
    elif case == "nested":
        second.insert(2, "-----BEGIN CERTIFICATE-----")
    path = tmp_path / f"{case}.pem"
    path.write_text("\n".join(first + second) + "\n")
    expected_line = len(first) + (3 if line == "nested" else 1)
    with pytest.raises(DataFormatError) as err:
        check_pem_file(path)
    assert err.value.line == expected_line
    assert str(err.value).startswith(f"{path}, line {expected_line}: {problem}")


def test_file_without_certificate(tmp_path: Path) -> None:
    path = tmp_path / "empty.pem"
    path.write_text("hello\n")
    with pytest.raises(DataFormatError, match="no PEM certificate found"):
        check_pem_file(path)


def test_binary_garbage(tmp_path: Path) -> None:
    path = tmp_path / "junk.pem"
    path.write_bytes(b"abc\xff\xfe")
    with pytest.raises(DataFormatError) as err:
        check_pem_file(path)
    assert err.value.offset == 3 and "non-ASCII" in str(err.value)


def test_truncated_der(pki, tmp_path: Path) -> None:
    path = tmp_path / "cut.der"
    path.write_bytes(pki.qaznet.public_bytes(Encoding.DER)[:100])
    with pytest.raises(DataFormatError, match="not a DER certificate"):
        check_pem_file(path)


def test_missing_certificate_file_is_not_taken_for_a_host(tmp_path: Path) -> None:
    from crossroads.errors import TLSCheckError

    with pytest.raises(TLSCheckError, match="no such certificate file"):
        check(str(tmp_path / "absent.pem"))
