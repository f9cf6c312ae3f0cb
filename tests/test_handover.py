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
