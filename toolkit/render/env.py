"""The Jinja environment, with templates from an ordered override chain.

Search order (first match wins): the chosen brand's ``templates/``, the
default brand's ``templates/``, the project's ``templates/`` and finally a
built-in theme, package data under ``toolkit/themes/<name>/`` (``site`` for
course pages, ``preview`` for the preview page).  ``StrictUndefined`` makes a
missing variable an error instead of an empty string.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.model import Brand

if TYPE_CHECKING:  # Jinja is imported only when something is rendered
    import jinja2

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
                     bytecode: MutableMapping[str, bytes] | None = None, theme: str = "site") -> jinja2.Environment:
    """With *bytecode*, compiled templates are kept in that mapping (the build's
    cache) between builds; Jinja checks each template's source checksum before
    reusing one."""
    import jinja2

    class MappingBytecodeCache(jinja2.BytecodeCache):
        def __init__(self, store: MutableMapping[str, bytes]) -> None:
            self.store = store

        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            data = self.store.get(bucket.key)
            if data is not None:
                bucket.bytecode_from_string(data)

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            self.store[bucket.key] = bucket.bytecode_to_string()

    env = jinja2.Environment(
        bytecode_cache=MappingBytecodeCache(bytecode) if bytecode is not None else None,
        loader=jinja2.FileSystemLoader([str(p) for p in template_chain(brand, project_root, theme)]),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env
