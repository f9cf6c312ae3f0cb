"""The Gradescope autograder: the zip `graders gradescope build` writes, and its
run_autograder run against a simulated /autograder (GRADERS_AUTOGRADER_ROOT) holding a
reference, a template, hostile and malformed submissions.

The simulated root is what setup.sh leaves: the zip extracted in source/, run_autograder
beside it, and venv/, a virtual environment whose packages are this one's (setup.sh would
install the same pinned requirements from PyPI) and whose `graders` is the zip's own.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import stat
import subprocess
import sys
import sysconfig
import time
import zipfile
from pathlib import Path

import pytest
from conftest import NOTEBOOKS, SOLUTIONS, run_cli, write_variant

QUIZ = SOLUTIONS / "W1" / "C1_W1_Quiz.ipynb"
TEMPLATE = NOTEBOOKS / "W1" / "C1_W1_Quiz.ipynb"
SPEC_KEYS = {"score", "execution_time", "output", "visibility", "stdout_visibility", "tests",
             "extra_data"}
TEST_KEYS = {"name", "score", "max_score", "status", "output", "visibility"}


def _build(tmp: Path, assignment: str, *options: str) -> Path:
    out = tmp / f"{assignment}.zip"
    done = run_cli("gradescope", "build", "--assignment", assignment, *options, str(out))
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def quiz_zip(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("zip"), "C1W1_Quiz")


def make_root(folder: Path, autograder: Path, with_venv: bool = True) -> Path:
    """An /autograder as Gradescope lays it out after setup.sh, for the zip autograder."""
    root = folder / "autograder"
    with zipfile.ZipFile(autograder) as archive:
        archive.extractall(root / "source")
    for name in ("setup.sh", "run_autograder"):  # zipfile does not restore the mode
        (root / "source" / name).chmod(0o755)
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    (root / "submission").mkdir()
    if with_venv:
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root / "venv")],
                       check=True)
        packages = root / "venv" / "lib" / f"python{sys.version_info.major}." \
                                            f"{sys.version_info.minor}" / "site-packages"
        here = sysconfig.get_paths()["purelib"]
        (packages / "course.pth").write_text(f"{root / 'source'}\n{here}\n")
    return root


#: Gradescope's containers are Docker's: root without CAP_SYS_ADMIN (no mount namespaces).
AS_IS, NO_SYS_ADMIN = "as-is", "no-cap-sys-admin"


def run_autograder(root: Path, how: str = AS_IS) -> tuple[dict, subprocess.CompletedProcess]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRADERS_")}
    env["GRADERS_AUTOGRADER_ROOT"] = str(root)
    command = [str(root / "run_autograder")]
    if how == NO_SYS_ADMIN:
        command = ["capsh", "--drop=cap_sys_admin", "--", "-c", "exec " + shlex.join(command)]
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True,
                          timeout=600)
    return json.loads((root / "results" / "results.json").read_text()), done


@pytest.fixture
def root(tmp_path, quiz_zip):
    return make_root(tmp_path, quiz_zip)


def _check_format(results: dict) -> None:
    assert SPEC_KEYS <= set(results), results.keys()
    assert isinstance(results["execution_time"], int) and results["execution_time"] >= 0
    for test in results["tests"]:
        assert set(test) == TEST_KEYS, test
        assert 0 <= test["score"] <= test["max_score"]
    assert results["score"] == sum(t["score"] for t in results["tests"])


def test_the_zip_holds_the_scripts_the_settings_and_the_course(quiz_zip, tmp_path):
    with zipfile.ZipFile(quiz_zip) as archive:
        names = set(archive.namelist())
        modes = {i.filename: i.external_attr >> 16 for i in archive.infolist()}
        settings = json.loads(archive.read("graders-autograder.json"))
    assert {"setup.sh", "run_autograder", "requirements.txt", "pyproject.toml",
            "data/datasets.json", "graders/gradescope/run.py",
            "notebooks/W1/C1_W1_Quiz.ipynb"} <= names
    assert not any(n.startswith("solutions/") or "__pycache__" in n for n in names)
    assert modes["setup.sh"] & stat.S_IXUSR and modes["run_autograder"] & stat.S_IXUSR
    assert settings == {"assignment": "C1W1_Quiz", "timeout_s": None, "memory_mb": 4096,
                        "visibility": "visible", "datasets": []}
    again = _build(tmp_path, "C1W1_Quiz")
    assert again.read_bytes() == quiz_zip.read_bytes()  # reproducible


def test_build_records_limits_visibility_and_datasets(tmp_path):
    out = _build(tmp_path, "C1W2", "--timeout", "90", "--memory", "2048",
                 "--visibility", "after_published")
    with zipfile.ZipFile(out) as archive:
        settings = json.loads(archive.read("graders-autograder.json"))
    assert settings == {"assignment": "C1W2", "timeout_s": 90.0, "memory_mb": 2048,
                        "visibility": "after_published", "datasets": ["mnist"]}
    done = run_cli("gradescope", "build", "--assignment", "C9", str(tmp_path / "x.zip"))
    assert done.returncode == 2 and "unknown assignment 'C9'" in done.stderr
    assert not (tmp_path / "x.zip").exists()


@pytest.mark.parametrize("how", [AS_IS, NO_SYS_ADMIN])
def test_reference_scores_everything_in_gradescope_format(root, how):
    shutil.copy(QUIZ, root / "submission" / "C1_W1_Quiz.ipynb")
    results, done = run_autograder(root, how)
    assert done.returncode == 0, done.stderr
    _check_format(results)
    assert results["score"] == 100 and len(results["tests"]) == 7
    assert all(t["status"] == "passed" for t in results["tests"])
    assert results["extra_data"]["status"] == "graded"
    assert "score 100/100" in done.stdout  # the instructor's results/stdout


def test_template_scores_zero_with_feedback_per_test(root):
    shutil.copy(TEMPLATE, root / "submission" / "my quiz.ipynb")  # any name will do
    results, _ = run_autograder(root)
    _check_format(results)
    assert results["score"] == 0
    assert all(t["status"] == "failed" and "is still None" in t["output"]
               for t in results["tests"])


HOSTILE = """
import json, os, subprocess
fake = {{"score": 100, "output": "All tests passed", "tests": []}}
for folder in ("/autograder/results", {results!r}):
    try:
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "results.json"), "w") as file:
            json.dump(fake, file)
    except OSError:
        pass
# a process left behind to write the results again once the grader has written them
subprocess.Popen(["sh", "-c", "sleep 2; echo '{{\\"score\\": 100}}' > {results}/results.json"],
                 start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(json.dumps(fake))
print("Score: 100 / 100")
answer_1 = None
"""


@pytest.mark.parametrize("how", [AS_IS, NO_SYS_ADMIN])
def test_a_submission_cannot_write_or_print_its_own_results(root, how):
    source = HOSTILE.format(results=str(root / "results"))
    write_variant(TEMPLATE, root / "submission" / "C1_W1_Quiz.ipynb",
                  sources={"answer-1": source})
    results, _ = run_autograder(root, how)
    _check_format(results)
    assert results["score"] == 0 and "All tests passed" not in results["output"]
    time.sleep(3)  # the left-behind process would have written by now
    assert json.loads((root / "results" / "results.json").read_text()) == results


@pytest.mark.parametrize(
    "files, message",
    [
        ({"C1_W1_Quiz.ipynb": "this is not JSON"}, "not a notebook: the file is not valid JSON"),
        ({"answers.txt": "a, c, d"}, "No notebook (.ipynb file) was found in your submission"),
        ({"a.ipynb": QUIZ, "b/c.ipynb": QUIZ},
         "Your submission holds 2 notebooks (a.ipynb, b/c.ipynb): upload only your "
         "C1_W1_Quiz.ipynb."),
    ],
    ids=["not-json", "no-notebook", "two-notebooks"],
)
def test_malformed_submissions_score_zero_with_a_clear_message(root, files, message):
    for name, content in files.items():
        path = root / "submission" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            shutil.copy(content, path)
        else:
            path.write_text(content)
    results, done = run_autograder(root)
    assert done.returncode == 0, done.stderr
    _check_format(results)
    assert results["score"] == 0 and len(results["tests"]) == 7
    assert message in results["output"]
    assert all(t["status"] == "failed" and t["output"] for t in results["tests"])


def test_of_several_notebooks_the_one_with_the_assignments_name_is_graded(root):
    shutil.copy(QUIZ, root / "submission" / "C1_W1_Quiz.ipynb")
    shutil.copy(TEMPLATE, root / "submission" / "scratch.ipynb")
    (root / "submission" / ".ipynb_checkpoints").mkdir()
    shutil.copy(TEMPLATE, root / "submission" / ".ipynb_checkpoints" / "x.ipynb")
    results, _ = run_autograder(root)
    assert results["score"] == 100
    assert "also found, and not graded: scratch.ipynb." in results["output"]


def test_a_broken_install_still_writes_a_zero(tmp_path, quiz_zip):
    root = make_root(tmp_path, quiz_zip, with_venv=False)
    (root / "results").mkdir()
    (root / "results" / "results.json").write_text('{"score": 100}')
    results, done = run_autograder(root)
    assert results["score"] == 0 and results["tests"] == []
    assert "The autograder failed (exit status 127)" in results["output"]


def test_setup_grades_the_template_to_check_the_install(root):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRADERS_")}
    env["GRADERS_AUTOGRADER_ROOT"] = str(root)
    done = subprocess.run([str(root / "venv" / "bin" / "python"), "-m", "graders",
                           "gradescope", "setup"], cwd=root, env=env, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "score 0/100" in done.stdout
    done = subprocess.run(["bash", "-n", str(root / "source" / "setup.sh")])
    assert done.returncode == 0


def test_the_w1_assignment_reference_grades_in_the_autograder(tmp_path):
    root = make_root(tmp_path, _build(tmp_path, "C1W1"))
    shutil.copy(SOLUTIONS / "W1" / "C1W1_Assignment.ipynb", root / "submission")
    results, done = run_autograder(root)
    assert done.returncode == 0, done.stderr
    _check_format(results)
    assert results["score"] == 100, results["output"]
    assert results["extra_data"]["isolation"]  # the sandbox of `graders grade` applied


def test_run_outside_an_autograder_says_so(tmp_path):
    env = dict(os.environ, GRADERS_AUTOGRADER_ROOT=str(tmp_path))
    done = run_cli("gradescope", "run", env=env)
    assert done.returncode == 2
    assert f"no autograder settings at {tmp_path}/source/graders-autograder.json" in done.stderr
    assert not (tmp_path / "results").exists()
