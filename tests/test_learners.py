"""The learner corpus: solutions written in the styles real learners use, each graded as the
issue "Fair to real learners" defines correct behaviour.

Each file of tests/learners/c1wN/ is one learner's solution (see tests/learners/README.md):
``CELLS`` (graded cell id -> the learner's source; the other graded cells stay the
reference's) and ``EXPECT`` (exercise -> "pass", or {fragment of a check's name: fragment of
its feedback} naming every check of that exercise that fails). The runner executes the
graded cells in a fresh namespace here, as the grader's worker does, and applies the
assignment's own observers and judges to the exercises EXPECT names, and only those: a
model variant costs no training. The training exercises of C1W2 and C1W3 get the first
images of MNIST (as tests/test_grading_w2.py and tests/test_grading_w3.py do), so a training
variant costs seconds. Variants with ``CLI = True`` are also graded as real notebooks through
``python -m graders grade`` (``as_notebook`` writes any variant as one).
"""

from __future__ import annotations

import contextlib
import importlib.util
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import nbformat
import pytest
from conftest import ROOT, SOLUTIONS, grade, write_variant

from graders.assignments import c1w1, c1w2, c1w3, c1w4
from graders.checks import run
from graders.checks.run import defining_cells, judge_exercise, observe_exercise
from graders.datasets import fetch
from graders.determinism import SEED
from graders.grading.worker import run_cells
from graders.notebook.cells import graded_cells

LEARNERS = ROOT / "tests" / "learners"
MODULES: dict[str, ModuleType] = {"c1w1": c1w1, "c1w2": c1w2, "c1w3": c1w3, "c1w4": c1w4}
NOTEBOOKS = {
    name: SOLUTIONS / f"W{name[-1]}" / f"C1W{name[-1]}_Assignment.ipynb" for name in MODULES
}
#: The training exercise of each MNIST assignment, and how many training images it gets in
#: process: with them the reference stops by its callback well within the epoch limit
#: (C1W2: epoch 4 of 10 with 6,000, tests/test_grading_w2.py; C1W3: 512 images,
#: tests/test_grading_w3.py).
SUBSETS = {"c1w2": ("train_mnist", 6000), "c1w3": ("train_convolutional_model", 512)}
#: At least this many variants in all, and per assignment (issue 11, item 4).
MINIMUM, MINIMUM_PER_ASSIGNMENT = 60, 12


@dataclass(frozen=True)
class Variant:
    """One learner-style solution of one assignment."""

    path: Path
    assignment: str
    style: str
    cells: dict[str, str]
    expect: dict[str, Any]
    cli: bool = False

    @property
    def name(self) -> str:
        return f"{self.assignment}/{self.path.stem}"


def load_variant(path: Path) -> Variant:
    """The variant defined by the file at path (a module holding CELLS and EXPECT)."""
    spec = importlib.util.spec_from_file_location(f"learner_{path.parent.name}_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return Variant(
        path=path,
        assignment=path.parent.name,
        style=(module.__doc__ or "").strip(),
        cells=dict(module.CELLS),
        expect=dict(module.EXPECT),
        cli=bool(getattr(module, "CLI", False)),
    )


def variant_paths() -> list[Path]:
    return sorted(LEARNERS.glob("c1w*/*.py"))


def reference_cells(assignment: str) -> dict[str, str]:
    """The reference's graded cells, id -> source, in notebook order."""
    nb = nbformat.read(NOTEBOOKS[assignment], as_version=4)
    return {cell.id: cell.source for cell in graded_cells(nb)}


def defined_elsewhere(assignment: str) -> dict[str, str]:
    """Names the notebook's ungraded code cells define -> their cell, as the grader's runner
    hands them to its worker for NameError feedback."""
    nb = nbformat.read(NOTEBOOKS[assignment], as_version=4)
    graded = {cell.id for cell in graded_cells(nb)}
    others = [(c.id, c.source) for c in nb.cells if c.cell_type == "code" and c.id not in graded]
    return {name: cell for name, cell in defining_cells(others).items() if name.isidentifier()}


def as_notebook(variant: Variant, folder: Path) -> Path:
    """The variant written as a complete notebook (the reference with its cells replaced),
    to grade with ``python -m graders grade``."""
    target = folder / variant.assignment / f"{variant.path.stem}.ipynb"
    return write_variant(NOTEBOOKS[variant.assignment], target, sources=variant.cells)


@contextlib.contextmanager
def fewer_training_images(assignment: str, exercise: str) -> Iterator[None]:
    """While the MNIST training exercise is observed, the assignment loads SUBSET images."""
    module = MODULES[assignment]
    if SUBSETS.get(assignment, ("",))[0] != exercise:
        yield
        return
    load, count = module.load_mnist, SUBSETS[assignment][1]

    def first_images(split: str = "train") -> tuple[Any, Any]:
        images, labels = load(split)
        return (images[:count], labels[:count]) if split == "train" else (images, labels)

    module.load_mnist = first_images
    try:
        yield
    finally:
        module.load_mnist = load


class _Shell:
    """What the worker's run_cells needs of IPython's shell: its cell transforms."""

    def __init__(self) -> None:
        from IPython.core.inputtransformer2 import TransformerManager

        self.transform_cell = TransformerManager().transform_cell


def grade_in_process(
    variant: Variant, monkeypatch: pytest.MonkeyPatch, folder: Path
) -> dict[str, list[tuple[str, bool, str]]]:
    """{exercise: [(check name, passed, feedback)]} for each exercise the variant EXPECTs.

    As in the grader's worker: the graded cells run by its run_cells in one fresh namespace
    (a failing cell costs only the exercises it breaks), in an empty working folder, with
    the names the other cells define known for NameError feedback.
    """
    monkeypatch.setattr(run, "DEFINED_ELSEWHERE", defined_elsewhere(variant.assignment))
    monkeypatch.chdir(folder)
    cells = {**reference_cells(variant.assignment), **variant.cells}
    namespace: dict[str, Any] = {"__name__": "__main__"}
    run_cells([{"id": i, "source": s} for i, s in cells.items()], namespace, _Shell())
    assignment = MODULES[variant.assignment].ASSIGNMENT
    results = {}
    for name in variant.expect:
        exercise = assignment.exercise(name)
        with fewer_training_images(variant.assignment, name):
            observation = observe_exercise(exercise, namespace, SEED)
        results[name] = [
            (r.name.split(": ", 1)[1], r.passed, r.feedback)
            for r in judge_exercise(exercise, observation)
        ]
    return results


def mismatches(expect: dict[str, Any], results: dict[str, list[tuple[str, bool, str]]]) -> list:
    """How the results differ from what the variant expects (empty when they agree).

    For an exercise expected to "pass", every check must pass. Otherwise each key of its
    dict is a fragment of the name of one or more checks ("*" is every check): those checks,
    and no other, must fail, with the value as a fragment of their feedback.
    """
    problems = []
    for exercise, want in expect.items():
        checks = results[exercise]
        if want == "pass":
            problems += [(exercise, name, feedback) for name, ok, feedback in checks if not ok]
            continue
        named: set[str] = set()
        for fragment, feedback_fragment in want.items():
            matched = [c for c in checks if fragment == "*" or fragment in c[0]]
            if not matched:
                problems.append((exercise, f"no check like {fragment!r}", [c[0] for c in checks]))
            for name, ok, feedback in matched:
                named.add(name)
                if ok:
                    problems.append((exercise, name, f"passed, want a fail: {feedback_fragment!r}"))
                elif feedback_fragment.lower() not in feedback.lower():
                    problems.append((exercise, name, f"want {feedback_fragment!r} in: {feedback}"))
        problems += [
            (exercise, name, f"failed unexpectedly: {feedback}")
            for name, ok, feedback in checks
            if not ok and name not in named
        ]
    return problems


VARIANTS = [load_variant(path) for path in variant_paths()]


@pytest.fixture(scope="module", autouse=True)
def happy_or_sad() -> None:
    """The C1W4 images in the Keras cache (from $C1_DATA_MIRROR or the public URL)."""
    fetch([c1w4.DATASET], progress=False)


def test_the_corpus_is_large_enough_and_well_formed() -> None:
    assert len(VARIANTS) >= MINIMUM
    for assignment, module in MODULES.items():
        mine = [v for v in VARIANTS if v.assignment == assignment]
        assert len(mine) >= MINIMUM_PER_ASSIGNMENT, assignment
        ids = set(reference_cells(assignment))
        exercises = {exercise.name for exercise in module.ASSIGNMENT.exercises}
        for variant in mine:
            assert variant.style, f"{variant.name}: say in its docstring what style it imitates"
            assert variant.cells and set(variant.cells) <= ids, (variant.name, variant.cells)
            assert variant.expect and set(variant.expect) <= exercises, variant.name
            for want in variant.expect.values():
                assert want == "pass" or (isinstance(want, dict) and want), variant.name


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.name)
def test_learner_solution_is_graded_as_the_issue_says(
    variant: Variant, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert mismatches(variant.expect, grade_in_process(variant, monkeypatch, tmp_path)) == []


def test_some_learner_solutions_grade_the_same_as_real_notebooks(tmp_path: Path) -> None:
    """The CLI variants, written as notebooks and graded by the CLI: the exercises they
    EXPECT as expected, every other exercise (the reference's cells) in full."""
    chosen = [v for v in VARIANTS if v.cli]
    assert {v.assignment for v in chosen} == set(MODULES)
    results = grade(*(as_notebook(v, tmp_path) for v in chosen))
    for variant, result in zip(chosen, results, strict=True):
        assert result["status"] == "graded", (variant.name, result["message"])
        by_exercise: dict[str, list[tuple[str, bool, str]]] = {}
        for test in result["tests"]:
            exercise, check = test["name"].split(": ", 1)
            by_exercise.setdefault(exercise, []).append((check, test["passed"], test["feedback"]))
        expect = {name: variant.expect.get(name, "pass") for name in by_exercise}
        assert mismatches(expect, by_exercise) == [], variant.name
