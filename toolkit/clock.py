"""The date the review checks compare with: the one given, else ``TOOLKIT_TODAY``, else today.

``toolkit build``, ``check`` and ``statement`` take ``--today`` (whose default is
``$TOOLKIT_TODAY``); a library call without one reads the variable here, so that a test
suite, or a CI job that rebuilds an old release, pins one date for every build it makes.
Standard library only: :mod:`toolkit.replay` uses it before anything else is imported.
"""

from __future__ import annotations

import datetime as dt
import os


def today(given: dt.date | None = None) -> dt.date:
    if given is not None:
        return given
    pinned = os.environ.get("TOOLKIT_TODAY")
    if pinned:
        try:
            return dt.date.fromisoformat(pinned)
        except ValueError:
            from toolkit.errors import ConfigError

            raise ConfigError(f"TOOLKIT_TODAY={pinned!r} is not a date as YYYY-MM-DD") from None
    return dt.date.today()
