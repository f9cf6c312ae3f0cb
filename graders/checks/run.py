"""Running an exercise's observer and judging its observation.

Both the self-check cells and the grader go through these two functions, so a learner
sees in the notebook exactly the verdicts the grader will give.
"""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from graders.checks.core import Exercise, InvalidValue, NotImplementedYet
from graders.checks.values import first_line
from graders.i18n import N_, _, translate

#: The statuses of an observation (see observe_exercise). OBSERVATION_FAILED: the learner's
#: code raised, or the grader could not observe the exercise (a GradeResult's status for a
#: grading that failed as a whole is another constant, in graders.grading.result).
OK = "ok"
NOT_IMPLEMENTED = "not_implemented"
INVALID = "invalid"
MISSING = "missing"
OBSERVATION_FAILED = "error"


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check, as reported to the learner and in the grader's JSON."""

    name: str
    passed: bool
    points: int
    max_points: int
    feedback: str
    hidden: bool = False

    def to_json(self) -> dict[str, Any]:
        """The JSON form used in grading results (without the 'hidden' flag)."""
        data = asdict(self)
        del data["hidden"]
        return data


def observe_exercise(
    exercise: Exercise, namespace: Mapping[str, Any], seed: int | None = None
) -> dict[str, Any]:
    """Observe one exercise in the namespace its cells ran in; never raises.

    Returns ``{"status": "ok", "data": {...}}`` or ``{"status": <problem>, "message": ...}``
    where problem is one of not_implemented, invalid, missing, error.
    """
    if exercise.name not in namespace:
        return {
            "status": MISSING,
            "message": _(
                "`{name}` is not defined: was its cell deleted, renamed or not run?"
            ).format(name=exercise.name),
        }
    try:
        if seed is not None and exercise.seeded:
            from graders.determinism import seed_everything

            seed_everything(seed)
        data = exercise.observe(namespace)
    except NotImplementedYet as reason:
        return {"status": NOT_IMPLEMENTED, "message": f"{translate(reason.lead)}: {reason}"}
    except InvalidValue as reason:
        return {"status": INVALID, "message": str(reason)}
    except BaseException as error:  # learner code may raise anything, SystemExit included
        if isinstance(error, KeyboardInterrupt):
            raise
        return {"status": OBSERVATION_FAILED, "message": describe_error(exercise.name, error)}
    return {"status": OK, "data": data}


def not_graded(reason: str) -> dict[str, Any]:
    """The observation of an exercise the grader could not observe, saying why."""
    message = _("Not graded: {reason}.").format(reason=reason)
    return {"status": OBSERVATION_FAILED, "message": message}


def judge_exercise(exercise: Exercise, observation: Mapping[str, Any]) -> list[CheckResult]:
    """Score every check of the exercise against its observation; never raises."""
    results = []
    for check in exercise.checks:
        if observation.get("status") != OK:
            passed, feedback = False, _("no observation")
            if "message" in observation:
                feedback = str(observation["message"])
        else:
            try:
                verdict = check.judge(observation["data"])
                passed, feedback = bool(verdict.passed), str(verdict.feedback)
            except Exception as error:  # a malformed observation must not crash grading
                passed = False
                feedback = _("Could not check this: {error_type}: {error}").format(
                    error_type=type(error).__name__, error=error
                )
        results.append(
            CheckResult(
                name=f"{exercise.name}: {check.name}",
                passed=passed,
                points=check.points if passed else 0,
                max_points=check.points,
                feedback=feedback,
                hidden=check.hidden,
            )
        )
    return results


#: Names a notebook defines outside its graded cells -> the id of the cell that defines
#: them (see ``defining_cells``). The grader's worker sets it from the submission; in a
#: notebook every cell has run, so it stays empty there.
DEFINED_ELSEWHERE: dict[str, str] = {}

#: Where a learner's function finds its data when the notebook has no DATA_DIR.
GIVEN = N_("what the notebook gives your function")

#: Keyword arguments of older Keras, and what Keras 3 calls them.
_RENAMED_ARGUMENTS = {"lr": "learning_rate", "nb_epoch": "epochs", "input_dim": "input_shape"}


def describe_error(name: str, error: BaseException) -> str:
    """One line naming the learner's mistake, and where in their code it happened.

    It names the exception and the learner's last frame (cell, line), and says more for
    the mistakes learners make: a call that received None (the library's own error is then
    left out), a name defined only in a cell the grader does not run, a missing file or
    folder, an argument name of older Keras.
    """
    frames = _learner_frames(error)
    where = ""
    if frames:
        summary = frames[-1][1]
        filename = summary.filename
        if filename.startswith("<cell"):
            cell = filename.strip("<>").removeprefix("cell ")
            where = " " + _("(in cell {cell}, line {line})").format(
                cell=cell, line=summary.lineno
            )
        else:
            where = " " + _("(line {line} of your cell)").format(line=summary.lineno)
    message = first_line(error)
    kind = type(error).__name__
    raised_inside_a_library = bool(frames) and frames[-1][2]
    if frames and raised_inside_a_library:
        nones = _none_arguments(*frames[-1][:2])
        if nones:
            call, arguments = nones
            # TRANSLATORS: {where} is empty or " (in cell ..., line ...)" (translated above).
            return _(
                "`{name}` failed{where}: `{call}(...)` received None for {arguments}. "
                "Replace each None with a value."
            ).format(name=name, where=where, call=call, arguments=_join(arguments))
    hint = _hint(error, message, frames)
    if message:
        # TRANSLATORS: {error_type} is the Python exception (TypeError), {message} its text.
        raised = _("`{name}` raised {error_type}: {message}{where}.").format(
            name=name, error_type=kind, message=message, where=where
        )
    else:
        raised = _("`{name}` raised {error_type}{where}.").format(
            name=name, error_type=kind, where=where
        )
    return raised + hint


def _learner_frames(error: BaseException) -> list[tuple[Any, traceback.FrameSummary, bool]]:
    """(frame, summary, whether a deeper frame is not the learner's) for each learner frame."""
    walked = list(traceback.walk_tb(error.__traceback__))
    summaries = traceback.extract_tb(error.__traceback__)
    found = []
    for index, ((frame, _line), summary) in enumerate(zip(walked, summaries, strict=False)):
        if _is_learner_file(summary.filename):
            deeper = [s.filename for s in summaries[index + 1 :]]
            found.append((frame, summary, any(not _is_learner_file(f) for f in deeper)))
    return found


def _is_learner_file(filename: str) -> bool:
    return filename.startswith("<cell") or "ipykernel" in filename or "ipython-input" in filename


def _failing_calls(frame: Any, summary: traceback.FrameSummary) -> list[Any]:
    """The calls (ast nodes) of the learner's statement that was running when it failed,
    in source order; [] when its source cannot be read."""
    import ast
    import linecache

    lines = linecache.getlines(summary.filename, frame.f_globals)
    if not lines or summary.lineno is None:
        return []
    try:
        tree = ast.parse("".join(lines))
    except SyntaxError:
        return []
    first, last = summary.lineno, getattr(summary, "end_lineno", None) or summary.lineno
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and first <= node.lineno
        and (node.end_lineno or node.lineno) <= last
    ]
    return sorted(calls, key=lambda node: (node.lineno, node.col_offset))


def _none_arguments(frame: Any, summary: traceback.FrameSummary) -> tuple[str, list[str]] | None:
    """The call on the failing line of the learner's code that received None arguments:
    its name and the arguments (literal None, or a name bound to None in the frame)."""
    import ast

    for call in _failing_calls(frame, summary):
        arguments = [
            _("argument {position} (`{name}`)").format(position=position, name=arg.id)
            if isinstance(arg, ast.Name) else _("argument {position}").format(position=position)
            for position, arg in enumerate(call.args, start=1)
            if _is_none(arg, frame)
        ]
        optional = _none_by_default(call.func, frame)
        arguments += [
            f"`{keyword.arg}`" for keyword in call.keywords
            if keyword.arg is not None and keyword.arg not in optional
            and _is_none(keyword.value, frame)
        ]
        if arguments:
            return ast.unparse(call.func), arguments
    return None


def _path_hint(frames: list) -> str:
    """What to say when the failing call was given a folder written into the code, or one
    built from DATA_DIR instead of DATA_DIR itself; "" otherwise."""
    import ast

    if not frames:
        return ""
    frame, summary, _inside = frames[-1]
    for call in _failing_calls(frame, summary):
        for argument in [*call.args, *(k.value for k in call.keywords)]:
            if (
                isinstance(argument, ast.Constant)
                and isinstance(argument.value, str)
                and ("/" in argument.value or argument.value.startswith("."))
            ):
                where = "DATA_DIR" if "DATA_DIR" in frame.f_globals else translate(GIVEN)
                return " " + _(
                    "Your code names the folder {folder!r}; the grader runs it on its own copy "
                    "of the data, elsewhere: read the data from {where} instead of writing a "
                    "folder's path."
                ).format(folder=argument.value, where=where)
            names = {n.id for n in ast.walk(argument) if isinstance(n, ast.Name)}
            if "DATA_DIR" in names and not (
                isinstance(argument, ast.Name) and argument.id == "DATA_DIR"
            ):
                return " " + _(
                    "Your code reads {expression}, a folder inside DATA_DIR: read DATA_DIR "
                    "itself, the folder that holds one sub-folder per class."
                ).format(expression=ast.unparse(argument))
    return ""


def _none_by_default(func: Any, frame: Any) -> set[str]:
    """Parameters of the called function whose default is None (passing None to them is a
    choice, not a blank), when the function is a plain dotted name; empty otherwise."""
    import ast
    import inspect

    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.insert(0, func.attr)
        func = func.value
    if not isinstance(func, ast.Name):
        return set()
    missing = object()
    target = frame.f_locals.get(func.id, frame.f_globals.get(func.id, missing))
    try:
        for part in parts:
            target = inspect.getattr_static(target, part) if target is not missing else target
            target = getattr(target, "__func__", target)
        parameters = inspect.signature(target).parameters.values()
    except Exception:  # not a function we can read: report every None
        return set()
    return {p.name for p in parameters if p.default is None}


def _is_none(node: Any, frame: Any) -> bool:
    import ast

    if isinstance(node, ast.Constant):
        return node.value is None
    if isinstance(node, ast.Name):
        missing = object()
        value = frame.f_locals.get(node.id, frame.f_globals.get(node.id, missing))
        return value is None
    return False


def _hint(error: BaseException, message: str, frames: list) -> str:
    """A sentence on what to do, for the errors whose cause is known; "" otherwise."""
    missing = getattr(error, "name", None) if isinstance(error, NameError) else None
    if missing:
        cell = DEFINED_ELSEWHERE.get(missing)
        if cell:
            return " " + _(
                "`{name}` is defined in cell {cell}, which the grader does not run: graded "
                "cells must be self-contained (define or import it inside your function, or "
                "call the function that makes it)."
            ).format(name=missing, cell=cell)
    for old, new in _RENAMED_ARGUMENTS.items():
        if f"'{old}'" in message and ("not recognized" in message or "unexpected keyword" in
                                       message):
            return " " + _(
                "`{old}=` is the name older Keras used: Keras 3 calls it `{new}=`."
            ).format(old=old, new=new)
    path = _path_hint(frames)
    if path:
        return path
    missing_path = isinstance(error, FileNotFoundError | NotADirectoryError) or any(
        text in message
        for text in ("No images found in directory", "Could not find directory",
                     "No such file or directory")
    )
    if missing_path:
        given = any("DATA_DIR" in frame.f_globals for frame, _summary, _inside in frames)
        where = "DATA_DIR" if given else translate(GIVEN)
        return " " + _(
            "The grader runs your code on its own copy of the data, where that path does not "
            "exist: read the data from {where} instead of writing a folder's path."
        ).format(where=where)
    return ""


def _join(items: list[str]) -> str:
    """The items as one phrase: "a", "a and b", "a, b and c" (in the current language)."""
    if len(items) == 1:
        return items[0]
    # TRANSLATORS: "argument 1 (`images`), argument 2 and `epochs`".
    return _("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])


def defining_cells(cells: list[tuple[str, str]]) -> dict[str, str]:
    """Map each name bound at the top level of the given (cell id, source) code cells (also
    inside their if/with/try/for/while blocks) to the first cell that binds it (assignments,
    imports, def, class, for and with targets)."""
    import ast

    defined: dict[str, str] = {}
    for cell_id, source in cells:
        try:
            tree = ast.parse(source)
        except SyntaxError:  # magics, or code that does not parse: nothing to learn from it
            continue
        for node in _top_level(tree.body):
            for name in _bound_names(node):
                defined.setdefault(name, cell_id)
    return defined


def _top_level(statements: list[Any]) -> list[Any]:
    """The statements that run at a cell's top level: those of its body and, recursively,
    of the blocks of its if/with/try/for/while statements (not of functions or classes),
    so `with np.load(path) as data: images = data["x"]` counts as binding images."""
    import ast

    found = []
    for node in statements:
        found.append(node)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        blocks = [getattr(node, field, None) or [] for field in ("body", "orelse", "finalbody")]
        blocks += [handler.body for handler in getattr(node, "handlers", None) or []]
        for block in blocks:
            if isinstance(block, list):
                found += _top_level(block)
    return found


def _bound_names(node: Any) -> list[str]:
    import ast

    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.Import | ast.ImportFrom):
        return [(alias.asname or alias.name).split(".")[0] for alias in node.names]
    targets: list[Any] = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign | ast.AugAssign | ast.For | ast.AsyncFor):
        targets = [node.target]
    elif isinstance(node, ast.With | ast.AsyncWith):
        targets = [item.optional_vars for item in node.items if item.optional_vars]
    return [
        leaf.id for target in targets for leaf in ast.walk(target) if isinstance(leaf, ast.Name)
    ]


def remember_source(filename: str, source: str) -> None:
    """Keep the source of code compiled under filename (a graded cell run with exec), so
    that tracebacks and describe_error can read its lines, as they can in a notebook."""
    import linecache

    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
