"""HOOK (lead): statements from the real runtime, for ``test_runtime_statements_hook``.

When the runtime branch is merged, make :func:`runtime_statements` build a
course with ``--lrs-endpoint`` set to ``lrs.endpoint`` and the write
credential, open it in *browser*, work through it as a learner (pass, fail,
leave half-way), and return ``(learner_id, course_iri, expected_status)``
tuples, where ``expected_status`` is a :class:`toolkit.records.status.Status`
value such as ``"passed"``.  Returning ``None`` skips the test.
"""

from __future__ import annotations

from typing import Any

from tests.records.servers import LRS


def runtime_statements(lrs: LRS, browser: Any) -> list[tuple[str, str, str]] | None:
    return None
