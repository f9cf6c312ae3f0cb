"""The handover from worker to grader: one line per message on a pipe, with a secret token.

The grader opens the pipe and hands the worker its write end and, on standard input, a
random token; the worker keeps both in a closure built before learner code runs. Each
message is ``TOKEN JSON\\n``. The grader drops the worker's pipe after its first line that
lacks the token or is not a JSON object, and notes it: printing, writing files or writing
made-up lines to the pipe cannot produce observations.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import Callable
from typing import Any

from graders.i18n import _

#: The most the grader reads from one worker's pipe: a handed-over model's weights are
#: most of it (verification.MAX_PARAMS float32 weights are 534 MB in base64).
MAX_BYTES = 640 * 2**20


def new_token() -> str:
    """A fresh secret for one grading run."""
    return secrets.token_hex(16)


def sender(fd: int, token: str) -> Callable[[dict[str, Any]], None]:
    """A function that sends one message; it holds its own references to what it uses."""
    encode = json.JSONEncoder(default=str, ensure_ascii=True, check_circular=True).encode
    write, prefix = os.write, token.encode("ascii") + b" "

    def send(message: dict[str, Any]) -> None:
        data = memoryview(prefix + encode(message).encode("ascii") + b"\n")
        while data:
            data = data[write(fd, data):]

    return send


def receive(
    stream: Any, token: str, arrivals: list[float] | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """Read every message from the binary stream; returns them and what was wrong, if any.

    arrivals, when given, gets the grader's monotonic clock reading as each message arrives
    (the worker sends each step at once, so these time its steps; the worker cannot set them).
    """
    messages: list[dict[str, Any]] = []
    prefix, total = token.encode("ascii") + b" ", 0
    while True:
        line = stream.readline(MAX_BYTES + 1)
        if not line:
            return messages, None
        total += len(line)
        if total > MAX_BYTES:
            return messages, _("more than {size} MiB was sent to the grader").format(
                size=MAX_BYTES // 2**20
            )
        if not line.startswith(prefix) or not line.endswith(b"\n"):
            return messages, _("a message without the grader's token reached the grader")
        try:
            message = json.loads(line[len(prefix):])
        except ValueError:
            return messages, _("a malformed message reached the grader")
        if not isinstance(message, dict):
            return messages, _("a malformed message reached the grader")
        messages.append(message)
        if arrivals is not None:
            arrivals.append(time.monotonic())
