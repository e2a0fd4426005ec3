"""Self-contained country reports (HTML with inline SVG figures, and PDF via WeasyPrint).

>>> from crossroads.report import pct
>>> pct(0.953)
'95.3 %'
"""

from crossroads.report.build import Report, gather, pct, render_html, write_pdf, write_report

__all__ = ["Report", "gather", "pct", "render_html", "write_pdf", "write_report"]
