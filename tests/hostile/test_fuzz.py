"""Property-based fuzz: any input to the scenario parser and the CSV / CAIDA / RIR readers
gives a result or a CrossroadsError, never another exception.

Inputs are drawn from alphabets that reach the parsers' branches (delimiters, quotes,
digits, signs, dots and colons of addresses, comment marks, YAML syntax and tags), mixed
with lines of the real formats so that most examples get past the first line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crossroads.errors import CrossroadsError
from crossroads.scenarios import parse_scenario
from crossroads.sources.caida import parse_as_org, parse_as_rel
from crossroads.sources.prefix2as import parse_country_ranges, parse_ip_ranges, parse_pfx2as
from crossroads.sources.rir import parse_delegated

FUZZ = settings(max_examples=300, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

_YAML_BITS = ["name: x\n", "country: KZ\n", "country: kz\n", "operations:\n", "  - op: remove_as\n",
              "    asns: [9198]\n", "  - op: remove_link\n", "    a: 1\n    b: 2\n", "- ", ": ",
              "!!python/object:os.system ", "!tag ", "&a ", "*a ", "{", "}", "[", "]", "'",
              '"', "#", "\t", "\x00", "\n", "  ", "---\n", "...\n", "<<: *a\n", "? ", "|\n",
              "op: depeer\n", "4294967296", "-1", "1e309", ".nan", "~", "true", "\ufeff"]
_CSV_BITS = ["1.0.0.0", "1.0.0.255", "::", "2001:db8::", "ffff::", ",", "|", '"', "\"\"",
             "13335", "0", "-1", "4294967296", "KZ", "kz", "", "#", " ", "\r", "\t", "x",
             "1.0.0.999", "::ffff:1.2.3.4", "ipv4", "ipv6", "asn", "arin", "allocated",
             "20181013", "*", "summary", "2", "-", "bgp", "mlp", "bgp,mlp", "é", "\x00"]


def _lines(bits: list[str], real: list[str]) -> st.SearchStrategy[list[tuple[int, bytes]]]:
    line = st.one_of(st.lists(st.sampled_from(bits), max_size=12).map("".join),
                     st.sampled_from(real), st.text(max_size=40))
    return st.lists(line, max_size=30).map(
        lambda ls: [(i + 1, s.encode("utf-8", "surrogatepass")) for i, s in enumerate(ls)])


def _ok_or_ours(parse: Callable[..., Any], lines: list[tuple[int, bytes]]) -> None:
    try:
        parse(lines, path="fuzz")
    except CrossroadsError:
        pass


@FUZZ
@given(st.one_of(st.lists(st.sampled_from(_YAML_BITS), max_size=40).map("".join),
                 st.text(max_size=300)))
def test_scenario_parser(text: str) -> None:
    try:
        parse_scenario(text, path="fuzz.yaml")
    except CrossroadsError:
        pass


@FUZZ
@given(_lines(_CSV_BITS, ["1|2|-1|bgp", "2|3|0|mlp", "1|2|-1", "# source:topology|BGP"]))
def test_caida_as_rel(lines: list[tuple[int, bytes]]) -> None:
    _ok_or_ours(parse_as_rel, lines)


@FUZZ
@given(_lines(_CSV_BITS, ["# format:org_id|changed|org_name|country|source",
                          "ORG-1|20240101|Org|KZ|RIPE",
                          "# format:aut|changed|aut_name|org_id|opaque_id|source",
                          "9198|20240101|KT|ORG-1|x|RIPE"]))
def test_caida_as_org(lines: list[tuple[int, bytes]]) -> None:
    _ok_or_ours(parse_as_org, lines)


@FUZZ
@given(_lines(_CSV_BITS, ["1.0.0.0,1.0.0.255,13335,Cloudflare", "::,::ff,0,",
                          '1.0.1.0,1.0.1.255,9198,"JSC, Kazakhtelecom"']))
def test_ip_ranges_csv(lines: list[tuple[int, bytes]]) -> None:
    _ok_or_ours(parse_ip_ranges, lines)


@FUZZ
@given(_lines(_CSV_BITS, ["1.0.0.0,1.0.0.255,AU", "2001:db8::,2001:db8::ffff,KZ"]))
def test_country_ranges_csv(lines: list[tuple[int, bytes]]) -> None:
    _ok_or_ours(parse_country_ranges, lines)


@FUZZ
@given(_lines(_CSV_BITS, ["1.0.0.0\t24\t13335", "2001:db8::\t32\t9198_9199", "1.2.3.0\t24\t1,2"]))
def test_pfx2as(lines: list[tuple[int, bytes]]) -> None:
    _ok_or_ours(parse_pfx2as, lines)


@FUZZ
@given(_lines(_CSV_BITS, ["2|arin|20181013|3|19700101|20181012|-0400",
                          "arin|*|asn|*|1|summary", "arin|US|asn|1|1|19840101|assigned|x",
                          "ripencc|KZ|ipv4|2.72.0.0|65536|20100101|allocated|y"]))
def test_rir_delegated(lines: list[tuple[int, bytes]]) -> None:
    _ok_or_ours(parse_delegated, lines)
