"""The team view: a caseworker's list of learners in one course, with meeting dates, and the weekly chart.

A team is either pasted (one learner code per line, optionally followed by
the meeting date: ``K7F3Q-9QX2Z 2026-03-12``) or the caseworker's own
invitations.  Each learner is looked up on their own (``agent`` +
``activity`` + ``related_activities``), so a team of 30 costs a few small
queries however large the LRS is.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from toolkit.errors import ConfigError
from toolkit.records.client import LRSClient
from toolkit.records.codes import TYPO_MESSAGE, CodeTypoError, learner_id as checked_id, refuse_cpr
from toolkit.records.lookup import LOCAL_TZ, name_paths
from toolkit.records.status import CourseRecord, Learner, Status, records_for_course
from toolkit.records.xapi import (
    COMPLETED,
    SATISFIED,
    course_aliases,
    is_about_course,
    learner_of,
    parse_timestamp,
    remove_voided,
)

MAX_TEAM = 200
DONENESS = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.FAILED, Status.COMPLETED, Status.PASSED]
_DATE_AT_END = re.compile(r"^(?P<id>.+?)[\s;,]+(?P<day>\d{4}-\d{2}-\d{2})$")


@dataclass
class TeamRow:
    record: CourseRecord
    meeting: dt.date | None = None
    note: str | None = None


def parse_team(text: str) -> list[tuple[str, dt.date | None]]:
    """Pasted lines → (learner id, meeting date or None).  CPR numbers are refused as a whole, never echoed."""
    refuse_cpr(text)
    out: list[tuple[str, dt.date | None]] = []
    seen: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _DATE_AT_END.match(line)
        day = None
        if m:
            try:
                day = dt.date.fromisoformat(m.group("day"))
            except ValueError:
                raise ConfigError(f"line {number}: {m.group('day')} is not a date (YYYY-MM-DD)") from None
        entry = m.group("id") if m else line
        try:
            code = checked_id(entry)
        except CodeTypoError:
            raise ConfigError(f"Linje {number}: {TYPO_MESSAGE}") from None
        if code not in seen:
            seen.add(code)
            out.append((code, day))
    if len(out) > MAX_TEAM:
        raise ConfigError(f"at most {MAX_TEAM} learners at a time")
    return out


def lookup_team(client: LRSClient, course_id: str, team: Sequence[tuple[str, dt.date | None]],
                title: str | None = None, labels: dict[str, dict[str, str]] | None = None) -> list[TeamRow]:
    """One row per team member, in the order given; members without statements are "Ikke startet"."""
    statements: dict[str, dict[str, Any]] = {}
    for name, _ in team:
        for homepage in client.connection.homepages:
            for activity in course_aliases(course_id):
                for s in client.statements(agent=(homepage, name), activity=activity, related_activities=True):
                    statements.setdefault(str(s.get("id")), s)
    records = records_for_course(course_id, statements.values(), title, [Learner(name) for name, _ in team])
    by_name = {r.learner.name: r for r in name_paths(records, labels)}
    return [TeamRow(by_name[name], day) for name, day in team if name in by_name]


def filter_and_sort(rows: Iterable[TeamRow], since: dt.date | None, until: dt.date | None,
                    sort: str = "meeting") -> list[TeamRow]:
    """Rows with a meeting date in [since, until] (when either is given), sorted by meeting date, status or code."""
    kept = [r for r in rows if (since is None and until is None) or (
        r.meeting is not None and (since is None or r.meeting >= since) and (until is None or r.meeting <= until))]
    if sort == "status":  # the furthest from done first
        return sorted(kept, key=lambda r: (DONENESS.index(r.record.status), r.record.learner.name))
    if sort == "code":
        return sorted(kept, key=lambda r: r.record.learner.name)
    return sorted(kept, key=lambda r: (r.meeting is None, r.meeting or dt.date.min, r.record.learner.name))


def completions(client: LRSClient, course_id: str, since: dt.datetime) -> list[dt.datetime]:
    """When each learner first completed the course (``completed``, or an LMS's ``satisfied``) since *since*."""
    first: dict[Learner, dt.datetime] = {}
    found: dict[str, dict[str, Any]] = {}
    for verb in (COMPLETED, SATISFIED):
        for activity in course_aliases(course_id):
            for s in client.statements(verb=verb, activity=activity, related_activities=True, since=since):
                found.setdefault(str(s.get("id")), s)
    for live in remove_voided(found.values()):
        who, when = learner_of(live), parse_timestamp(live.get("timestamp"))
        if who is None or when is None or not is_about_course(live, course_id) or when < since:
            continue
        first[who] = min(when, first.get(who, when))
    return sorted(first.values())


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def weekly(moments: Iterable[dt.datetime], today: dt.date, weeks: int = 12) -> list[tuple[dt.date, int]]:
    """(Monday, count) for the *weeks* weeks up to and including this week, in Danish time."""
    last = week_start(today)
    starts = [last - dt.timedelta(weeks=weeks - 1 - i) for i in range(weeks)]
    counts = dict.fromkeys(starts, 0)
    for m in moments:
        monday = week_start(m.astimezone(LOCAL_TZ).date())
        if monday in counts:
            counts[monday] += 1
    return [(s, counts[s]) for s in starts]


def chart_since(today: dt.date, weeks: int = 12) -> dt.datetime:
    first = week_start(today) - dt.timedelta(weeks=weeks - 1)
    return dt.datetime.combine(first, dt.time(0), tzinfo=LOCAL_TZ)
