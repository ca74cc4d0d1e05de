"""The Jinja environment, with templates from an ordered override chain.

Search order (first match wins): the chosen brand's ``templates/``, the
default brand's ``templates/``, the project's ``templates/`` and finally a
built-in theme, package data under ``toolkit/themes/<name>/`` (``site`` for
course pages, ``preview`` for the preview page).  ``StrictUndefined`` makes a
missing variable an error instead of an empty string.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from toolkit.model import Brand

THEMES = Path(__file__).resolve().parent.parent / "themes"


def builtin_theme(name: str) -> Path:
    """The folder of a built-in theme, shipped inside the package."""
    return THEMES / name


def template_chain(brand: Brand | None, project_root: Path | None = None, theme: str = "site") -> list[Path]:
    chain: list[Path] = []
    if brand is not None:
        chain += [root / "templates" for root in brand.chain]
    if project_root is not None:
        chain.append(project_root / "templates")
    chain.append(builtin_theme(theme))
    seen: list[Path] = []
    for path in chain:
        resolved = path.resolve()
        if resolved.is_dir() and resolved not in seen:
            seen.append(resolved)
    return seen


def asset_chain(brand: Brand | None, project_root: Path | None = None) -> list[Path]:
    """Folders whose ``assets/`` files are copied, most specific first."""
    roots = []
    if brand is not None:
        roots += [root / "assets" for root in brand.chain]
    roots += [p / "assets" for p in template_chain(None, project_root)]
    return [p for p in roots if p.is_dir()]


def make_environment(brand: Brand | None, project_root: Path | None = None,
                     cache_dir: Path | None = None, theme: str = "site") -> jinja2.Environment:
    """With *cache_dir*, compiled templates are kept there between builds
    (Jinja checks each template's source checksum before reusing one)."""
    bytecode_cache = None
    if cache_dir is not None:
        (cache_dir / "jinja").mkdir(parents=True, exist_ok=True)
        bytecode_cache = jinja2.FileSystemBytecodeCache(str(cache_dir / "jinja"))
    env = jinja2.Environment(
        bytecode_cache=bytecode_cache,
        loader=jinja2.FileSystemLoader([str(p) for p in template_chain(brand, project_root, theme)]),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env
