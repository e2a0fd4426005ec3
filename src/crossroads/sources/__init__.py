"""Readers for the public data crossroads analyses, one module per source; discovery of
what each publisher holds (:mod:`crossroads.sources.index`); the catalogue of the shipped
mirror (:mod:`crossroads.sources.catalog`) and resumable, checked downloads
(:mod:`crossroads.sources._fetch`).

The package itself exports what the layers above read through it: the description of a
catalogued public file (:class:`DatasetSpec`), getting that file (:func:`obtain`: mirror,
cache or download, with provenance) and reading any text source line by line whatever its
compression (:func:`iter_lines`).
"""

from crossroads.sources._fetch import DatasetSpec, ProgressFn, expectation, in_mirror, obtain
from crossroads.sources._open import iter_lines

__all__ = ["DatasetSpec", "ProgressFn", "expectation", "in_mirror", "iter_lines", "obtain"]
