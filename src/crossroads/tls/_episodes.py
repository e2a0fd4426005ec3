"""Documented episodes of state TLS interception, by country, with public references.

This is curated text, not measurement: each episode says what the cited public sources
report, and links the known roots whose ``episode`` label in the packaged list belongs to
it. Roots the sources do not tie to one episode (the list's "ISCA family", 2021 and 2023
rows) stay in the root list and are still flagged by the check; they are not attributed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from crossroads.errors import UnknownCountryError
from crossroads.tls._roots import load_roots

__all__ = ["Episode", "interception_documented"]

_CHROMIUM = (
    "Chromium net/data/ssl/blocklist "
    "(https://chromium.googlesource.com/chromium/src/+/main/net/data/ssl/blocklist/)"
)


def _bug(number: int) -> str:
    return f"Mozilla bug {number} (https://bugzilla.mozilla.org/show_bug.cgi?id={number})"


@dataclass(frozen=True)
class Episode:
    """One documented interception episode in one country.

    ``root_sha256`` lists the DER SHA-256 of the known roots attributed to the episode
    (empty when none was published in the sources at hand).
    """

    country: str
    period: str
    title: str
    summary: str
    references: tuple[str, ...]
    root_sha256: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "country": self.country,
            "period": self.period,
            "title": self.title,
            "summary": self.summary,
            "references": list(self.references),
            "root_sha256": list(self.root_sha256),
        }


# (episode, labels of the packaged list's ``episode`` column that belong to it)
_EPISODES: tuple[tuple[Episode, tuple[str, ...]], ...] = (
    (
        Episode(
            "KZ", "2015–2016", "National security certificate announced",
            "Late in 2015 Kazakhtelecom announced that users would have to install a state "
            "'national security certificate' from 1 January 2016; the plan was not carried "
            "out then, and Mozilla declined to trust the root. The Qaznet Trust Network root "
            "used in 2019 was created in this period (validity from 2016-02-02).",
            (_bug(1229827),),
        ),
        (),
    ),
    (
        Episode(
            "KZ", "2019", "Qaznet Trust Network",
            "From July 2019 ISPs told users to install the 'Qaznet Trust Network' root; "
            "interception of about 37 domains through Kazakhtelecom (AS9198) was observed "
            "from 17 July. Chrome, Firefox and Safari blocked the root on 21 August 2019.",
            (
                _bug(1567114),
                _CHROMIUM,
                "Censored Planet, 'Kazakhstan's HTTPS interception' "
                "(https://censoredplanet.org/kazakhstan)",
                "Raman et al., 'Investigating Large Scale HTTPS Interception in Kazakhstan', "
                "ACM IMC 2020",
            ),
        ),
        ("2019",),
    ),
    (
        Episode(
            "KZ", "2020", "Information Security Certification Authority (Nur-Sultan)",
            "From 6 December 2020, presented as a cyber-security exercise, ISPs in "
            "Nur-Sultan required an 'Information Security Certification Authority' root to "
            "reach sites such as Google, Facebook and YouTube. Apple, Google, Microsoft and "
            "Mozilla blocked it on 18 December 2020.",
            (
                _bug(1680927),
                _CHROMIUM,
                "Mozilla, 'Continuing to Protect our Users in Kazakhstan', 2020-12-18 "
                "(https://blog.mozilla.org/netpolicy/2020/12/18/kazakhstan-root-2020/)",
            ),
        ),
        ("2020",),
    ),
    (
        Episode(
            "KZ", "2024", "Information Security Certification Authority, new roots",
            "Further 'Information Security Certification Authority' roots (valid to 2050) "
            "were distributed and added to browser blocklists.",
            (_bug(1864724), _CHROMIUM),
        ),
        ("2024",),
    ),
)


def interception_documented(country: str) -> list[Episode]:
    """The documented interception episodes of ``country`` (ISO 3166-1 alpha-2), oldest first.

    An empty list means none is documented in crossroads' curated sources, not that none
    happened. A code that is not two letters raises :class:`UnknownCountryError`.

    >>> [e.period for e in interception_documented("kz")]
    ['2015–2016', '2019', '2020', '2024']
    >>> interception_documented("FR")
    []
    """
    code = country.strip().upper()
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        raise UnknownCountryError(
            f"not an ISO 3166-1 alpha-2 country code: {country!r}", hint="e.g. KZ"
        )
    roots = load_roots()
    found = []
    for episode, labels in _EPISODES:
        if episode.country != code:
            continue
        hashes = tuple(r.sha256_der for r in roots if r.country == code and r.episode in labels)
        found.append(dataclasses.replace(episode, root_sha256=hashes))
    return found
