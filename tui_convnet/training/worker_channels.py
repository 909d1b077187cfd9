"""How the worker client talks to its TensorFlow worker: a process and its pipes, or (tests) a thread.

:class:`ProcessChannel` runs ``python -m tui_convnet.training.worker`` and frames requests and replies over
its stdin and stdout (:mod:`.protocol`); :class:`ThreadChannel` serves them in a thread of this process.
:class:`~.worker_client.WorkerClient` picks one and reads its replies.
"""

from __future__ import annotations

import contextlib
import pickle
import queue
import subprocess
import threading
from typing import IO

from .protocol import Envelope, read_frame, write_frame


class Channel:
    """How the client talks to its worker: a process and its pipes, or (tests) a thread of this process."""

    pid: int | None = None

    @property
    def alive(self) -> bool:
        raise NotImplementedError

    def send(self, envelope: Envelope) -> None:
        raise NotImplementedError

    def recv(self) -> object:
        """The next reply; ``EOFError`` once the worker has ended."""
        raise NotImplementedError

    def wait(self) -> int | None:
        """Wait for the worker's end: its exit code."""
        raise NotImplementedError

    def end(self, timeout: float) -> None:
        """Close the worker's input; what has not ended within ``timeout`` is terminated, then killed."""
        raise NotImplementedError

    def last_words(self) -> str:
        return ""


class ProcessChannel(Channel):
    """The worker as a process: requests on its stdin, replies on its stdout, its stderr's last lines kept.
    ``OSError`` when the process cannot start."""

    def __init__(self, command: list[str]) -> None:
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, close_fds=True
        )
        self.pid = self.process.pid
        self._tail: list[bytes] = []
        assert self.process.stderr is not None
        threading.Thread(target=self._drain, args=(self.process.stderr,), name="tf-worker-stderr", daemon=True).start()

    def _drain(self, stream: IO[bytes]) -> None:
        """Keep the last lines the worker wrote to stderr (a crash's reason), so its pipe never fills."""
        for line in stream:
            self._tail.append(line)
            del self._tail[:-5]

    def last_words(self) -> str:
        lines = b"".join(self._tail).decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else ""

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def send(self, envelope: Envelope) -> None:
        assert self.process.stdin is not None
        write_frame(self.process.stdin, envelope)

    def recv(self) -> object:
        assert self.process.stdout is not None
        return read_frame(self.process.stdout)

    def wait(self) -> int | None:
        return self.process.wait()

    def end(self, timeout: float) -> None:
        process = self.process
        with contextlib.suppress(OSError, ValueError):
            if process.stdin is not None:
                process.stdin.close()
        try:
            process.wait(timeout)
            return
        except subprocess.TimeoutExpired:
            pass
        with contextlib.suppress(OSError):
            process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(OSError):
                process.kill()
            process.wait()


class ThreadChannel(Channel):
    """The worker's service in a thread of this process (tests that script Keras' ``fit`` in this process).
    Everything crosses pickled, as through the pipe."""

    _EOF = object()

    def __init__(self) -> None:
        from .worker import Service

        self._requests: queue.Queue[object] = queue.Queue()
        self._replies: queue.Queue[object] = queue.Queue()
        self._service = Service(lambda reply: self._replies.put(copy_across(reply)))
        self._thread = threading.Thread(target=self._serve, name="tf-worker-in-process", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        try:
            self._service.serve(self._next_request)
        finally:
            self._replies.put(self._EOF)

    def _next_request(self) -> object:
        envelope = self._requests.get()
        if envelope is self._EOF:
            raise EOFError("closed")
        return envelope

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def send(self, envelope: Envelope) -> None:
        self._requests.put(copy_across(envelope))

    def recv(self) -> object:
        reply = self._replies.get()
        if reply is self._EOF:
            raise EOFError("closed")
        return reply

    def wait(self) -> int | None:
        self._thread.join()
        return 0

    def end(self, timeout: float) -> None:
        self._requests.put(self._EOF)
        self._thread.join(timeout)


def copy_across(obj: object) -> object:
    """``obj`` pickled and unpickled: what crosses the thread channel is a copy, as through the pipe."""
    return pickle.loads(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))


__all__ = ["Channel", "ProcessChannel", "ThreadChannel", "copy_across"]
