"""Readers for the public data crossroads analyses, one module per source; discovery of
what each publisher holds (:mod:`crossroads.sources.index`); the catalogue of the shipped
mirror (:mod:`crossroads.sources.catalog`) and resumable, checked downloads
(:mod:`crossroads.sources._fetch`)."""
