"""``cache.remember_unpickled`` (``toolkit build --watch``): the entries a process keeps between
its builds are those the cache file holds, untouched by the builds that used them; an entry put
again is let go; another context uses none of them."""

from __future__ import annotations

import pickle
from pathlib import Path

from toolkit import cache as cache_module
from toolkit.build import BuildOptions, build

from .compare import TODAY, project


def run() -> None:
    build([Path("courses/syn")], BuildOptions(out=Path("out"), formats=("web",), today=TODAY, jobs=1))


def test_kept_entries_are_the_files_and_a_build_changes_only_its_copies(tmp_path, monkeypatch):
    monkeypatch.chdir(project(tmp_path, 4))
    monkeypatch.setattr(cache_module, "REMEMBERING", set())
    monkeypatch.setattr(cache_module, "REMEMBERED", {})
    cache_module.remember_unpickled(Path("out/.cache"))
    lesson = Path("courses/syn/lessons/0002-lektion-2.md")
    for i in range(3):
        run()
        lesson.write_text(lesson.read_text(encoding="utf-8") + f"\nÆndring {i}.\n", encoding="utf-8")
    run()
    ((path, name), (context, kept)), = cache_module.REMEMBERED.items()
    assert len(kept) == 3  # the lesson just rendered again is not among them: it is unpickled next time
    monkeypatch.setattr(cache_module, "REMEMBERING", set())
    with cache_module.LessonCache(path, name, context) as fresh:
        assert fresh.old_objects == {}
        for key, entry in kept.items():
            # as the file has it: the build resolved links between lessons (lesson.html) in its copy only
            assert pickle.dumps(entry) == pickle.dumps(cache_module.loads(fresh.old[key], entry.lesson.source))
    assert any(".md)" in entry.lesson.html or '.md"' in entry.lesson.html for entry in kept.values())
    monkeypatch.setattr(cache_module, "REMEMBERING", {path})
    with cache_module.LessonCache(path, name, context) as again:
        assert again.old_objects is kept
    with cache_module.LessonCache(path, name, "another context") as other:
        assert other.old_objects == {}
