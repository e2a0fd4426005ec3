"""Self-contained country reports (HTML with inline SVG figures, and PDF via WeasyPrint).

:func:`gather` collects every section through the same API calls the CLI and the web
make; :func:`render_html` and :func:`write_pdf` render them; :func:`write_report` does all.
"""

from crossroads.report.build import Report, gather, render_html, write_pdf, write_report

__all__ = ["Report", "gather", "render_html", "write_pdf", "write_report"]
