"""Routers of the web app: ``api`` (JSON), ``pages`` (HTML) and ``figures`` (SVG)."""

__all__: list[str] = []
