"""HTML for the printable report and the caseworkers' web page (Danish, no external requests).

The templates are files under ``toolkit/themes/records/`` (package data, the
same folder convention as the site theme), rendered with autoescape and
``StrictUndefined``: a variable a template uses but the code did not pass
is an error, not an empty string.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

THEME = Path(__file__).resolve().parent.parent / "themes" / "records"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(loader=FileSystemLoader(str(THEME)), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=False, lstrip_blocks=False, keep_trailing_newline=True)


@lru_cache(maxsize=1)
def css() -> str:
    return (THEME / "records.css").read_text(encoding="utf-8")


def render_print_page(*, heading: str, headers: Sequence[str], rows: Sequence[Sequence[str]], printed: str,
                      empty: str) -> str:
    return _env().get_template("print.html").render(heading=heading, headers=headers, rows=rows, printed=printed,
                                                    empty=empty, css=css())


def render_page(name: str, **context: Any) -> str:
    return _env().get_template(name).render(**context)
