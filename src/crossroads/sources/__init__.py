"""Readers for the public data crossroads analyses, one module per source."""
