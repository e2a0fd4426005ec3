"""``crossroads tls`` through the real entry point: output, JSON and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from crossroads.cli import main

from ._pki import pem
from .test_roots import QAZNET_SHA


def _run(argv: list[str]) -> int:
    try:
        main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_check_file_with_qaznet_root_exits_3(mirror: Path, capsys) -> None:
    code = _run(["tls", "check", str(mirror / "tls" / "qaznet-trust-network-2016.pem")])
    out = capsys.readouterr().out
    assert code == 3
    assert QAZNET_SHA in out and "known interception root: Qaznet Trust Network" in out


def test_check_json(pki, tmp_path: Path, capsys) -> None:
    path = tmp_path / "clean.pem"
    path.write_bytes(pem(pki.leaf, pki.ca))
    assert _run(["tls", "check", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["status"] == "clean" and doc["findings"] == [] and len(doc["chain"]) == 2
    assert doc["roots_checked"] == 10


def test_check_suspect_exits_4(pki, forged_intermediate, tmp_path: Path, capsys) -> None:
    path = tmp_path / "forged.pem"
    path.write_bytes(pem(pki.leaf, forged_intermediate))
    assert _run(["tls", "check", str(path)]) == 4
    assert "CLAIM #1 claims-issued-by" in capsys.readouterr().out


def test_check_with_user_roots(pki, tmp_path: Path) -> None:
    chain, roots = tmp_path / "chain.pem", tmp_path / "mine.pem"
    chain.write_bytes(pem(pki.leaf, pki.ca))
    roots.write_bytes(pem(pki.ca))
    assert _run(["tls", "check", str(chain), "--roots", str(roots)]) == 3


def test_errors_exit_2_with_one_line(closed_port: int, tmp_path: Path, capsys) -> None:
    assert _run(["tls", "check", f"127.0.0.1:{closed_port}", "--timeout", "2"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"error: connection refused by 127.0.0.1:{closed_port} (nothing listening?)"
    bad = tmp_path / "bad.pem"
    bad.write_text("-----BEGIN CERTIFICATE-----\nAAAA\n")
    assert _run(["tls", "check", str(bad)]) == 2
    assert "line 1: certificate block has no END line" in capsys.readouterr().err


def test_roots_lists_every_known_root(capsys) -> None:
    assert _run(["tls", "roots"]) == 0
    out = capsys.readouterr().out
    assert out.count("SHA-256") == 10 and "Mozilla bug 1864724" in out


def test_roots_json(capsys) -> None:
    assert _run(["tls", "roots", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 10 and rows[0]["sha256_der"] == QAZNET_SHA
    assert rows[1]["spki_sha256"] is None and rows[0]["key_known"] is True


def test_cli_page_documents_every_option() -> None:
    import typer.main

    from crossroads.cli.tls import tls_app

    page = (Path(__file__).resolve().parents[2] / "docs" / "cli" / "tls.md").read_text()
    group = typer.main.get_command(tls_app)
    assert set(group.commands) == {"check", "roots"}  # type: ignore[attr-defined]
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert f"crossroads tls {name}" in page
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--"):
                    assert opt in page, (name, opt)


def test_check_live_server_exits_3(pki, tls_server, capsys) -> None:
    server = tls_server([pki.leaf, pki.ca, pki.qaznet], pki.leaf_key)
    argv = ["tls", "check", f"127.0.0.1:{server.port}", "--sni", "test.crossroads.invalid"]
    assert _run(argv) == 3
    out = capsys.readouterr().out
    assert "SNI test.crossroads.invalid" in out and "PROOF #2 is Qaznet" in out
