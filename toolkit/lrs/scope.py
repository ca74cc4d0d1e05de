"""What a restricted credential may write about.

A package key (``--homepage``, ``--activity-prefix``) can be read out of the
package by anyone, so it may only write about its own learners and its own
courses:

* every agent the statement names, wherever it stands (actor, object,
  SubStatement actor and object, context instructor and team) and every member
  of every group among them, must have an account at the key's homePage;
* every activity the statement is about (object, parent and grouping, also
  inside a SubStatement) must start with one of the key's prefixes;
* it may void only a statement that exists and that it could have written
  itself;
* it may read and write State documents only for its learners and activities.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from toolkit.lrs.auth import Credential
from toolkit.lrs.request import HTTPError


def statement_agents(s: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every agent and group (and each group's members) a statement names."""
    for stmt in (s, s.get("object") if (s.get("object") or {}).get("objectType") == "SubStatement" else None):
        if not isinstance(stmt, dict):
            continue
        ctx = stmt.get("context") or {}
        # (value, is it the object): an object without objectType is an Activity
        candidates = [(stmt.get("actor"), False), (stmt.get("object"), True), (ctx.get("instructor"), False),
                      (ctx.get("team"), False)]
        for agent, is_object in candidates:
            if not isinstance(agent, dict) or (is_object and "objectType" not in agent):
                continue
            if agent.get("objectType", "Agent") not in ("Agent", "Group"):
                continue
            yield agent
            if agent.get("objectType") == "Group":
                yield from (m for m in agent.get("member", []) if isinstance(m, dict))


def subject_activities(s: dict[str, Any]) -> list[str]:
    """The activities a statement is about: its object and its parent and grouping
    activities (category and other are tags, such as the cmi5 profile IRI)."""
    found = []
    for stmt in (s, s.get("object") if (s.get("object") or {}).get("objectType") == "SubStatement" else None):
        if not stmt:
            continue
        obj = stmt.get("object") or {}
        if obj.get("objectType", "Activity") == "Activity" and "id" in obj:
            found.append(obj["id"])
        ctx_acts = (stmt.get("context") or {}).get("contextActivities") or {}
        for key in ("parent", "grouping"):
            acts = ctx_acts.get(key, [])
            found += [a["id"] for a in (acts if isinstance(acts, list) else [acts]) if isinstance(a, dict) and "id" in a]
    return found


def own_agent(cred: Credential, agent: dict[str, Any]) -> bool:
    """Is *agent* one of the credential's learners?  An anonymous group is judged by its members."""
    if not cred.homepage:
        return True
    if agent.get("objectType") == "Group" and not any(k in agent for k in ("mbox", "mbox_sha1sum", "openid", "account")):
        return True
    account = agent.get("account")
    return isinstance(account, dict) and account.get("homePage") == cred.homepage


def own_activity(cred: Credential, activity: str) -> bool:
    return not cred.activity_prefixes or any(activity.startswith(p) for p in cred.activity_prefixes)


def check_statement(cred: Credential, s: dict[str, Any]) -> None:
    """403 unless the credential may write *s* (voiding targets are checked by the caller)."""
    if cred.homepage:
        for agent in statement_agents(s):
            if not own_agent(cred, agent):
                raise HTTPError(403, f"this credential may only write statements about accounts at {cred.homepage}")
    for act in subject_activities(s):
        if not own_activity(cred, act):
            raise HTTPError(403, f"this credential may not write statements about {act}")


def restricted(cred: Credential) -> bool:
    return bool(cred.homepage or cred.activity_prefixes)


def check_voiding(cred: Credential, target: dict[str, Any] | None, target_id: str) -> None:
    """A restricted credential voids only statements that exist and that it could have written."""
    if not restricted(cred):
        return
    if target is None:
        raise HTTPError(403, f"this credential may only void statements it could have written; {target_id} is unknown")
    try:
        check_statement(cred, target)
    except HTTPError:
        raise HTTPError(403, f"this credential may not void statement {target_id}") from None


def check_state(cred: Credential, agent: dict[str, Any], activity: str) -> None:
    if not restricted(cred):
        return
    if not own_agent(cred, agent) or (agent.get("objectType") == "Group" and cred.homepage):
        raise HTTPError(403, "this credential may only use state documents of its own learners")
    if not own_activity(cred, activity):
        raise HTTPError(403, f"this credential may not use state documents of {activity}")
