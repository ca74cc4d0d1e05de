"""The fixture courses stay one base course plus, per variant, only the files
that variant changes: no full copy creeps back in."""

from __future__ import annotations

from pathlib import Path

from ..conftest import BASE, FIXTURES, VARIANTS, assemble_course


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_variant_holds_only_files_that_differ_from_the_base():
    base = files(BASE)
    variants = sorted(p for p in VARIANTS.iterdir() if p.is_dir())
    assert len(variants) >= 15
    for variant in variants:
        own = files(variant)
        assert own, f"{variant} is empty"
        same = [name for name, data in own.items() if base.get(name) == data]
        assert same == [], f"{variant}: the same as the base course, delete them: {same}"
        assert not (FIXTURES / variant.name).exists(), f"{variant.name} is both a whole course and a variant"


def test_a_whole_fixture_course_repeats_no_file_of_the_base():
    base = files(BASE)
    wholes = sorted(p for p in FIXTURES.iterdir() if (p / "course.yaml").is_file() and p != BASE)
    assert [p.name for p in wholes] == ["runtime-small"]
    for whole in wholes:
        assert [n for n, data in files(whole).items() if base.get(n) == data] == [], whole


def test_a_variant_is_the_base_with_its_files_laid_over(tmp_path):
    course = assemble_course("many-errors", tmp_path / "many-errors")
    got, base, own = files(course), files(BASE), files(VARIANTS / "many-errors")
    assert got == base | own and set(own) < set(base)  # changes files, adds none
