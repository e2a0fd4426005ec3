"""The packaged known-roots list: derived from the mirror, readable, extensible."""

from __future__ import annotations

import base64
import csv
import hashlib
import shutil
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from crossroads.errors import DataFormatError
from crossroads.tls import build_roots_list, known_roots, load_roots, render_roots_csv
from crossroads.tls._roots import COLUMNS, parse_roots_csv

from ._pki import pem

# SPKI SHA-256 and SKI worked out with the openssl tool, independently of crossroads:
#   openssl x509 -in F.pem -pubkey -noout | openssl pkey -pubin -outform DER | sha256sum
#   openssl x509 -in F.pem -noout -text   (X509v3 Subject Key Identifier)
QAZNET_SHA = "00309c736dd661da6f1eb24173aa849944c168a43a15bffd192eecfdb6f8dbd2"
QAZNET_SPKI = "b5ba8dd7f89564c2889d3d6453c84998c77824919b64ea0835aa62986591be50"
QAZNET_SKI = "f494bfde50b6db6b243d9ef7be3aae36d7fb0e05"
ISCA_SHA = "89107c8e50e029b7b5f4ff0ccd2956bcc9d0c8ba2bfb6a58374ed63a6b034a30"
ISCA_SPKI = "8928c59398b0f171c0f96fdae6ab8dd0f48ee06d174da10c404ac00143c7a749"
ISCA_SKI = "b20412df4c2fb102f3980caa76ba610ae62c8492"


def _mirror_rows(mirror: Path) -> list[dict[str, str]]:
    with open(mirror / "tls" / "kz-interception-roots.csv", newline="") as f:
        return list(csv.DictReader(f))


def _pem_der_sha256(path: Path) -> str:
    """SHA-256 of the DER inside a one-certificate PEM, in plain Python."""
    lines = path.read_text().split("\n")
    body = "".join(lines[lines.index("-----BEGIN CERTIFICATE-----") + 1:
                         lines.index("-----END CERTIFICATE-----")])
    return hashlib.sha256(base64.b64decode(body)).hexdigest()


def test_shipped_list_equals_what_the_mirror_derives(mirror: Path) -> None:
    shipped = resources.files("crossroads.tls").joinpath("known_roots.csv").read_text("utf-8")
    assert shipped == render_roots_csv(build_roots_list(mirror / "tls"))
    assert build_roots_list(mirror) == build_roots_list(mirror / "tls")  # root or tls/


def test_every_mirror_row_is_kept_with_its_listed_fields(mirror: Path) -> None:
    rows = _mirror_rows(mirror)
    frame = known_roots()
    assert len(rows) == 10 and list(frame["sha256_der"]) == [r["sha256_der"] for r in rows]
    assert list(frame["episode"]) == [r["episode"] for r in rows]
    assert list(frame["public_reference"]) == [r["public_reference"] for r in rows]
    assert set(frame["country"]) == {"KZ"}
    # the two PEMs in the mirror are exactly the rows whose key is known
    pem_hashes = {_pem_der_sha256(p) for p in (mirror / "tls").glob("*.pem")}
    assert pem_hashes == {QAZNET_SHA, ISCA_SHA}
    assert set(frame.loc[frame["key_known"], "sha256_der"]) == pem_hashes


def test_fields_derived_from_the_pem_files() -> None:
    frame = known_roots().set_index("sha256_der")
    q, i = frame.loc[QAZNET_SHA], frame.loc[ISCA_SHA]
    assert (q["spki_sha256"], q["ski"], i["spki_sha256"], i["ski"]) == (
        QAZNET_SPKI, QAZNET_SKI, ISCA_SPKI, ISCA_SKI)
    assert q["subject"] == q["issuer"] == "CN=Qaznet Trust Network,C=KZ"
    assert (q["not_before"], q["not_after"]) == ("2016-02-02T05:41:00Z", "2046-02-02T05:41:00Z")
    assert i["subject"] == "C=KZ,O=ISCA,CN=Information Security Certification Authority"
    # a row without PEM keeps what the CSV says, year-only end of validity included
    row = frame.loc["61c0fc2e38b5b6f9071b42cee54a9013d858b6697c68b460948551b3249576a1"]
    assert (row["subject_cn"], row["not_before"], row["not_after"]) == (
        "Information Security Certification Authority CA", "2020-02-28", "2040")
    assert pd.isna(row["spki_sha256"]) and pd.isna(row["ski"]) and not row["key_known"]


def test_public_key_round_trips_to_its_hash() -> None:
    (qaznet,) = [r for r in load_roots() if r.sha256_der == QAZNET_SHA]
    assert hashlib.sha256(base64.b64decode(qaznet.spki_der_b64)).hexdigest() == QAZNET_SPKI
    assert qaznet.public_key().key_size == 4096


def test_mirror_csv_is_a_valid_user_roots_file(mirror: Path) -> None:
    assert load_roots([mirror / "tls" / "kz-interception-roots.csv"]) == load_roots()


def test_user_pem_adds_a_root(tmp_path: Path, pki) -> None:
    path = tmp_path / "mine.pem"
    path.write_bytes(pem(pki.ca))
    roots = load_roots([path])
    assert len(roots) == 11
    assert roots[-1].subject_cn == "crossroads test CA" and roots[-1].derived_from == "mine.pem"
    assert known_roots([path]).attrs["source"].endswith("+ mine.pem")


def test_user_csv_fills_gaps_of_a_hash_only_row(tmp_path: Path) -> None:
    sha = "3472e4f16c570e0dd388aaaa4a64a34a4b939f1ca770996b5be0037c1aded9c1"
    path = tmp_path / "more.csv"
    path.write_text(f"sha256_der,ski,episode\n{sha},AA:BB:CC,ignored\n")
    (root,) = [r for r in load_roots([path]) if r.sha256_der == sha]
    assert root.ski == "aabbcc"  # gap filled, colons removed, lower-cased
    assert root.episode == "2024"  # known field kept


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        ("subject_cn\nx\n", 1, None),
        (f"sha256_der\n{QAZNET_SHA}\nnot-hex\n", 3, "sha256_der"),
        (f"sha256_der,spki_sha256\n{QAZNET_SHA},{'a' * 63}\n", 2, "spki_sha256"),
        (f"sha256_der\n{QAZNET_SHA}\n\"\"\n", 3, "sha256_der"),
        (f"sha256_der,spki_sha256,spki_der_b64\n{QAZNET_SHA},{'a' * 64},AAAA\n", 2,
         "spki_der_b64"),
    ],
)
def test_bad_roots_csv_names_line_and_field(text: str, line: int, field: str | None) -> None:
    with pytest.raises(DataFormatError) as err:
        parse_roots_csv(text, "user.csv")
    assert (err.value.path, err.value.line, err.value.field) == ("user.csv", line, field)
    assert str(err.value).startswith(f"user.csv, line {line}: ")


def test_build_refuses_a_row_contradicting_its_pem(tmp_path: Path, mirror: Path) -> None:
    shutil.copy(mirror / "tls" / "qaznet-trust-network-2016.pem", tmp_path)
    (tmp_path / "kz-interception-roots.csv").write_text(
        f"sha256_der,subject_cn,not_before\n{QAZNET_SHA},Qaznet Trust Network,2017-01-01\n"
    )
    with pytest.raises(DataFormatError) as err:
        build_roots_list(tmp_path)
    assert err.value.field == "not_before" and "qaznet-trust-network-2016.pem" in str(err.value)


def test_render_then_parse_is_identity() -> None:
    roots = load_roots()
    assert tuple(parse_roots_csv(render_roots_csv(roots), "x.csv")) == roots
    assert render_roots_csv(roots).splitlines()[0].split(",") == list(COLUMNS)
