"""Finding 6: path, lessons seen and questions missed at the first try."""

from __future__ import annotations

from tests.records.statements import COURSE, HOME, Launch, catapult_launch, reg, runtime
from toolkit.records.progress import path_key, progress_of
from toolkit.records.status import Learner, record_from

ANNA = Learner("K7F3Q-9QX2Z", HOME)


def test_path_key_is_the_contract():
    assert path_key("https://kurser.example.dk/ret-og-pligt") == \
        "https://kurser.example.dk/ret-og-pligt/extensions/path"


def test_path_lessons_and_first_try_misses():
    first, second = Launch(COURSE, reg(), path="dagpenge"), Launch(COURSE, reg(), path="kontanthjaelp")
    me = ANNA.name
    statements = [
        runtime(me, "initialized", Launch(COURSE, first.registration), minutes=0),  # before the choice: no path
        runtime(me, "experienced", first, minutes=1, lesson="karantaene", title="Karantæne"),
        runtime(me, "answered", first, minutes=2, question="q-karantaene", title="Hvornår får du karantæne?",
                success=False),
        runtime(me, "answered", first, minutes=3, question="q-karantaene", title="Hvornår får du karantæne?",
                success=True),  # right at the second try: still missed at the first
        runtime(me, "answered", first, minutes=4, question="q-cv", title="Hvornår skal dit CV være klar?",
                success=True),
        runtime(me, "experienced", first, minutes=5, lesson="karantaene", title="Karantæne"),  # seen again
        runtime(me, "experienced", second, minutes=60, lesson="joblog", title="Joblog"),
        runtime(me, "answered", second, minutes=61, question="q-cv", success=False),  # a later attempt
    ]
    p = progress_of(COURSE, statements)
    assert p.path == "kontanthjaelp"  # the latest choice
    assert [(i.id, i.title) for i in p.lessons_seen] == [("karantaene", "Karantæne"), ("joblog", "Joblog")]
    assert [(i.id, i.title) for i in p.missed_first] == [("q-karantaene", "Hvornår får du karantæne?")]
    assert p.answered == 2
    assert record_from(ANNA, COURSE, statements).progress == p


def test_other_courses_lessons_do_not_count():
    other = Launch(COURSE + "-andet", reg(), path="dagpenge")
    p = progress_of(COURSE, [runtime("x", "experienced", other, lesson="a"),
                             runtime("x", "answered", other, question="q", success=False)])
    assert (p.path, p.lessons_seen, p.missed_first) == (None, [], [])


def test_progress_through_catapult():
    launch = catapult_launch(COURSE, reg(), path="dagpenge")
    p = progress_of(COURSE, [runtime("x", "experienced", launch, lesson="a"),
                             runtime("x", "answered", launch, question="q", success=False)])
    assert p.path == "dagpenge" and [i.id for i in p.lessons_seen] == ["a"] and [i.id for i in p.missed_first] == ["q"]
