"""``crossroads tls``: check a TLS connection or certificate file for known interception roots.

Exit codes of ``tls check`` (for scripts): 0 no known interception root, 3 a known root is
proven in the chain (by certificate hash, key hash or verified signature), 4 a certificate
only *claims* a known root (names or key identifiers match, signature unverified or
invalid); 2 is any error (unreachable host, timeout, malformed file), from the CLI boundary.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from crossroads.cli._common import JsonOpt, console, print_json
from crossroads.tls import ChainVerdict, check, known_roots

__all__ = ["EXIT_CODES", "register"]

EXIT_CODES = {"clean": 0, "interception": 3, "suspect": 4}

RootsOpt = Annotated[
    list[Path] | None,
    typer.Option("--roots", help="Extra known roots: a CSV with the packaged columns, or PEM "
                 "certificates. Repeatable."),
]

tls_app = typer.Typer(help="Check TLS chains for known state interception roots.",
                      no_args_is_help=True)


@tls_app.command("check")
def check_cmd(
    target: Annotated[str, typer.Argument(help="HOST[:PORT] (port 443) or a PEM/DER file.",
                                               metavar="HOST[:PORT]|FILE")],
    json_out: JsonOpt = False,
    roots: RootsOpt = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds for the TCP "
                                           "connection and for the handshake.")] = 10.0,
    sni: Annotated[str | None, typer.Option("--sni", help="Server name to send "
                                            "(default: HOST unless an IP).")] = None,
) -> None:
    """Fetch the chain HOST presents (or read FILE) and flag known interception roots.

    Exit codes: 0 no known root; 3 a known root proven in the chain;
    4 a known root only claimed (signature unverified); 2 error.
    """
    verdict = check(target, timeout=timeout, sni=sni, roots_files=roots or ())
    if json_out:
        print_json(verdict.as_dict())
    else:
        _render(verdict)
    code = EXIT_CODES[verdict.status]
    if code:
        raise typer.Exit(code)


def _render(verdict: ChainVerdict) -> None:
    how = ", ".join(x for x in (f"SNI {verdict.sni}" if verdict.sni else "",
                                verdict.tls_version or "") if x)
    console.print(f"Chain from [bold]{verdict.source}[/]" + (f" ({how})" if how else "")
                  + f", checked {verdict.checked_at:%Y-%m-%d %H:%M:%S} UTC against "
                  f"{verdict.roots_checked} known roots", highlight=False)
    for i, cert in enumerate(verdict.chain):
        console.print(f"#{i} subject  {cert.subject}\n   issuer   {cert.issuer}\n"
                      f"   valid    {cert.not_before:%Y-%m-%d %H:%M} → "
                      f"{cert.not_after:%Y-%m-%d %H:%M} UTC\n   SHA-256  {cert.sha256}",
                      highlight=False, soft_wrap=True)
    for f in verdict.findings:
        mark = "[bold red]PROOF[/]" if f.proof else "[yellow]CLAIM[/]"
        console.print(f"{mark} #{f.position} {f.relation} {f.root.label}: {f.detail}; "
                      f"reference: {f.root.public_reference or 'user list'}", highlight=False)
    colour = {"clean": "green", "suspect": "yellow", "interception": "bold red"}[verdict.status]
    console.print(f"[{colour}]{verdict.summary}[/]", highlight=False)


@tls_app.command("roots")
def roots_cmd(json_out: JsonOpt = False, roots: RootsOpt = None) -> None:
    """List the known interception roots with episode, validity and public reference."""
    frame = known_roots(roots or ())
    if json_out:
        print_json(frame.astype(object).where(frame.notna(), None).to_dict("records"))
        return
    row: Any  # itertuples types its fields as any scalar, bytes included; these are str
    for row in frame.itertuples():
        console.print(f"{row.country or '--'} {row.episode or 'no episode'}: "
                      f"[bold]{row.subject_cn or row.subject or 'unnamed'}[/], valid "
                      f"{row.not_before or '?'} → {row.not_after or '?'} (UTC), public key "
                      f"{'known' if row.key_known else 'not known'}\n"
                      f"   SHA-256  {row.sha256_der}\n   reference: "
                      f"{row.public_reference or '-'}", highlight=False, soft_wrap=True)
    console.print(f"{len(frame)} roots; source: {frame.attrs['source']} (validity UTC; dates "
                  "as precise as the source: from the certificate where known)",
                  highlight=False)


def register(app: typer.Typer) -> None:
    """Add the ``tls`` command group to ``app``."""
    app.add_typer(tls_app, name="tls")
