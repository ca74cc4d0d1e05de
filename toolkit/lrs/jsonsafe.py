"""JSON in and out of the LRS, safe against hostile input.

Every JSON text the LRS parses (statements, multipart parts, query
parameters, merged documents, ``more`` tokens) goes through :func:`loads`,
which refuses what would otherwise surface later as a 500 or as invalid JSON
served to every reader: ``NaN`` and ``Infinity`` (and ``1e999``, which Python
reads as infinity), integers of more than :data:`MAX_DIGITS` digits, nesting
deeper than :data:`MAX_DEPTH`, and lone UTF-16 surrogates (``"\\ud800"``),
which cannot be encoded as UTF-8 and so cannot be stored or sent.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

MAX_DEPTH = 64
MAX_DIGITS = 100
_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


class BadJSON(ValueError):
    """The text is not JSON the LRS accepts; the message says why."""


def _constant(name: str) -> Any:
    raise BadJSON(f"{name} is not a JSON number")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BadJSON(f"the number {text[:40]} is out of range")
    return value


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise BadJSON(f"an integer of more than {MAX_DIGITS} digits")
    return int(text)


def check(value: Any, text: str | None = None) -> Any:
    """Depth and surrogate checks on a parsed value, without recursion.  Only containers
    are walked for depth; strings only when the source *text* (if given) has a ``\\uD8..``
    escape, the only way a lone surrogate gets into parsed JSON."""
    strings = text is None or _ESCAPED_SURROGATE.search(text) is not None
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise BadJSON(f"JSON nested more than {MAX_DEPTH} levels deep")
        children = list(item.values()) if isinstance(item, dict) else item
        if strings:
            keys = item.keys() if isinstance(item, dict) else ()
            for s in (*keys, *children):
                if isinstance(s, str) and _SURROGATE.search(s):
                    raise BadJSON("a string holds a lone UTF-16 surrogate")
                if isinstance(s, float) and not math.isfinite(s):
                    raise BadJSON("NaN and Infinity are not JSON numbers")
        stack.extend((c, depth + 1) for c in children if isinstance(c, (dict, list)))
    return value


def loads(data: str | bytes) -> Any:
    """Parse *data* (UTF-8 if bytes) or raise :class:`BadJSON`."""
    if isinstance(data, (bytes, bytearray)):
        try:
            data = bytes(data).decode("utf-8")
        except UnicodeDecodeError:
            raise BadJSON("the body is not UTF-8") from None
    try:
        value = json.loads(data, parse_constant=_constant, parse_float=_float, parse_int=_int)
    except BadJSON:
        raise
    except RecursionError:
        raise BadJSON(f"JSON nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as exc:
        raise BadJSON(f"not valid JSON: {exc}") from None
    if isinstance(value, (dict, list)):
        check(value, data)
    elif isinstance(value, str) and _SURROGATE.search(value):
        raise BadJSON("a string holds a lone UTF-16 surrogate")
    return value


def dumps(value: Any) -> str:
    """Compact JSON that is always valid: NaN and Infinity raise instead of being written."""
    return json.dumps(value, separators=(",", ":"), allow_nan=False)
