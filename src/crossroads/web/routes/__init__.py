"""Routers of the web app: ``api`` (JSON), ``pages`` (HTML) and ``figures`` (SVG)."""
