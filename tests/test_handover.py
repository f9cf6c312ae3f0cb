"""The worker-to-grader handover: token-framed messages, and noticing monkeypatching."""

from __future__ import annotations

import io
import os

import graders.checks.quiz as quiz
from graders.grading import channel, tamper


def _sent(*messages, token="t" * 32):
    read_fd, write_fd = os.pipe()
    send = channel.sender(write_fd, token)
    for message in messages:
        send(message)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as stream:
        return stream.read()


def test_messages_need_the_token_and_stop_at_the_first_forged_one():
    data = _sent({"kind": "start"}, {"kind": "done"})
    assert channel.receive(io.BytesIO(data), "t" * 32) == (
        [{"kind": "start"}, {"kind": "done"}], None
    )
    forged = data.replace(b"\n", b'\nxxxx {"kind": "observation"}\n', 1)
    messages, problem = channel.receive(io.BytesIO(forged), "t" * 32)
    assert messages == [{"kind": "start"}]
    assert problem == "a message without the grader's token reached the grader"
    assert channel.receive(io.BytesIO(b"t" * 32 + b" [1]\n"), "t" * 32)[1] == (
        "a malformed message reached the grader"
    )


def test_the_sender_ignores_a_patched_json_module(monkeypatch):
    read_fd, write_fd = os.pipe()
    send = channel.sender(write_fd, "k" * 32)
    monkeypatch.setattr("json.dumps", lambda *a, **k: '{"forged": 1}')
    send({"kind": "done"})
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as stream:
        assert stream.read() == b"k" * 32 + b' {"kind": "done"}\n'


def test_replacing_a_graders_function_or_its_code_is_noticed(monkeypatch):
    taken = tamper.snapshot()
    assert tamper.changes(taken) == []
    monkeypatch.setattr(quiz, "read_answer", lambda *a: {"a"})
    assert tamper.changes(taken) == ["graders.checks.quiz.read_answer"]
    monkeypatch.undo()
    monkeypatch.setattr(quiz.split_points, "__code__", (lambda total, count: []).__code__)
    assert tamper.changes(taken) == ["graders.checks.quiz.split_points.__code__"]
    monkeypatch.undo()
    quiz.added_by_learner = 1  # new names are allowed
    try:
        assert tamper.changes(taken) == []
    finally:
        del quiz.added_by_learner


def _plan_and_env(tmp_path):
    from graders.grading import isolation, runner

    plan = runner._plan(str(tmp_path), 60, 2048, concurrent=1)
    return plan, isolation.environment(plan, 42)


def test_the_verifier_measures_handed_over_models_in_a_process_of_its_own(tmp_path):
    import keras
    import numpy as np

    from graders.checks.verification import export_model
    from graders.grading import verify

    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    model.set_weights([np.array([[0.5]]), np.array([0.5])])  # price = 0.5 * bedrooms + 0.5
    lambda_model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Lambda(lambda t: t)])
    plan, env = _plan_and_env(tmp_path)
    verifier = verify.start("C1W1", 42, plan, env, 60)
    measured, problem = verify.finish(verifier, {"train_model": export_model(model)})
    assert problem is None
    np.testing.assert_allclose(measured["train_model"]["figures"]["prediction"], [4.0], atol=1e-6)
    verifier = verify.start("C1W1", 42, plan, env, 60)
    measured, problem = verify.finish(verifier, {"train_model": export_model(lambda_model)})
    assert problem is None
    assert "Keras' safe mode cannot rebuild it" in measured["train_model"]["error"]


def test_quizzes_start_no_verifier():
    from graders.grading import verify

    assert verify.start("C1W1_Quiz", 42, {}, {}, 60) is None
    assert verify.finish(None, {}) == ({}, None)


def test_only_the_verifiers_measurement_is_judged():
    from graders.grading import runner, supervise

    claimed = {"status": "ok", "data": {"observed": {}, "verify": {"config": {}, "stream": 0},
                                        "measured": {"figures": {"accuracy": 1.0}}}}
    piece = {"kind": "weights", "model": 0, "dtype": "<f4", "shape": [2]}
    outcome = supervise.Outcome(messages=[
        dict(piece, array=1, data="AAAAAA=="), dict(piece, array=0, data="AAAA"),
        dict(piece, array=0, data="AAAA"),
        {"kind": "observation", "exercise": "train_mnist", "observation": claimed},
        {"kind": "done"},
    ])
    arrays = [{"dtype": "<f4", "shape": [2], "chunks": ["AAAA", "AAAA"]},
              {"dtype": "<f4", "shape": [2], "chunks": ["AAAAAA=="]}]
    assert runner._handed_over(outcome) == {"train_mnist": {"config": {}, "arrays": arrays}}
    report = {"observations": {"train_mnist": claimed}}
    runner._add_measurements(report, {"train_mnist": None}, {}, None)
    assert claimed["data"] == {"observed": {}}  # the worker's own "measurement" is dropped
    runner._add_measurements(report, {"train_mnist": None}, {}, "it was killed")
    assert claimed["data"]["measured"] == {"error": "the grader's verifier failed (it was killed)"}
    measured = {"train_mnist": {"figures": {"accuracy": 0.11}}}
    runner._add_measurements(report, {"train_mnist": None}, measured, None)
    assert claimed["data"]["measured"] == {"figures": {"accuracy": 0.11}}


def test_weights_streamed_in_pieces_rebuild_the_same_model(monkeypatch):
    import keras
    import numpy as np

    from graders.checks import verification
    from graders.grading import runner, supervise
    from graders.grading.worker import weights_sender

    layers = [keras.Input(shape=(3,)), keras.layers.Dense(700), keras.layers.Dense(2)]
    model = keras.Sequential(layers)
    messages = []
    monkeypatch.setattr(verification, "CHUNK", 1000)  # many pieces per array
    monkeypatch.setattr(verification, "STREAM", weights_sender(messages.append,
                                                               verification.encode_array))
    export = verification.export_model(model)
    assert "arrays" not in export and len(messages) > 4 * 4
    observation = {"status": "ok", "data": {"verify": export}}
    outcome = supervise.Outcome(messages=[
        *messages, {"kind": "observation", "exercise": "x", "observation": observation}
    ])
    rebuilt = verification.rebuild(runner._handed_over(outcome)["x"])
    inputs = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_array_equal(rebuilt(inputs), model(inputs))


def test_models_reach_the_verifier_as_raw_bytes_and_forged_weights_as_refused():
    import io

    from graders.grading import verify

    good = {"config": {"class_name": "Sequential"},
            "arrays": [{"dtype": "<f4", "shape": [2], "chunks": ["AAAAAA==", "AAAAAA=="]},
                       {"dtype": "<f4", "shape": [1], "chunks": ["AACAPw=="]}]}
    models = {
        "good": good,
        "forged": {"config": {}, "arrays": [{"dtype": "<f4", "shape": [1], "chunks": [7]}]},
        "refused": {"refused": "it was never built", "arrays": "not a list"},
        "nothing": None,
    }
    pieces = verify.frame(models)
    assert b"AAAA" not in pieces[0] and len(b"".join(pieces[1:])) == 12  # decoded by the grader
    read = verify.read_models(io.BytesIO(b"".join(pieces)))
    assert [item["data"] for item in read["good"]["arrays"]] == [bytes(8), b"\0\0\x80?"]
    assert read["good"]["arrays"][1] == {"dtype": "<f4", "shape": [1], "data": b"\0\0\x80?"}
    assert read["forged"]["refused"].startswith("its weights are unreadable")
    assert read["refused"] == {"refused": "it was never built"}
    assert read["nothing"] is None
    assert verify.read_models(io.BytesIO(b"".join(verify.frame({})))) == {}
