"""Sentence vectors and syntheses computed in a process of their own, beside the serving process.

The sentence model takes a couple of hundred MB, the synthesis (scikit-learn, SciPy) about a
hundred more while it runs, and both hold Python's interpreter lock for long stretches: in the
serving process they would slow every socket down. So the serving process starts
`python -m worldcafe.vector_process` as its child and sends it work through a pipe: texts,
whose vectors it answers; a café's notes, whose synthesis it answers; a synthesis, whose
document (PDF, DOCX, …) it renders. The child loads the model and warms the synthesis up once
at start, runs at a lower CPU priority, and ends when its pipe closes: when the server stops,
and also when the server is killed. A child that died is started again by `ensure_running`.

Requests and answers are pickled: both ends are this package, on a pipe no one else holds.
`encode`, `stored`, `synthesize` and `render` block while the child works: call them from a worker
thread, never on the event loop. The serving process imports neither the model nor the
synthesis's computation for them (only its data classes, to read a synthesis answered).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import pickle
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from worldcafe.catalogues import catalogue
from worldcafe.messages import ENGLISH

if TYPE_CHECKING:
    import numpy as np

    from worldcafe.synthesis import Note, ReportContext, Synthesis

OK, FAILED = b"+", b"-"
# A request is a pickled (kind, arguments) pair; an answer is OK and the pickled value, or
# FAILED and the error's text.
NICENESS = 19
# Requests nobody waits for: computed only when a processor is otherwise idle.
BACKGROUND = frozenset({"stored"})
# The child works on one processor (unless these are set): the numeric libraries' own threads
# would take the others, those of the serving process, and wait for work spinning.
NUMERIC_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


class VectorsUnavailable(Exception):
    """The child process is not running or did not answer."""


def _native_lock() -> Any:
    """A lock between worker threads that gevent's monkey-patching leaves a real lock."""
    try:
        from gevent.monkey import get_original
    except ImportError:  # pragma: no cover - gevent is a dependency
        return threading.Lock()
    return get_original("_thread", "allocate_lock")()


class VectorProcess:
    """The child process holding the sentence model, and the pipe to it."""

    def __init__(self) -> None:
        self._lock = _native_lock()
        self._child: subprocess.Popen[bytes] | None = None
        self._requests: Connection | None = None
        self._answers: Connection | None = None

    @property
    def pid(self) -> int | None:
        """The child's process id while it runs."""
        return self._child.pid if self.running else None  # type: ignore[union-attr]

    @property
    def running(self) -> bool:
        return self._child is not None and self._child.poll() is None

    def start(self) -> None:
        """Start the child; it loads the model before it answers the first request."""
        to_child, requests = os.pipe()
        answers, from_child = os.pipe()
        env = dict(os.environ)
        for variable in NUMERIC_THREADS:
            env.setdefault(variable, "1")
        try:
            self._child = subprocess.Popen(
                [sys.executable, "-m", "worldcafe.vector_process", str(to_child), str(from_child)],
                pass_fds=(to_child, from_child),
                stdin=subprocess.DEVNULL,
                env=env,
            )
        except BaseException:
            for fd in (to_child, requests, answers, from_child):
                os.close(fd)
            raise
        os.close(to_child)
        os.close(from_child)
        self._close_pipes()
        self._requests = Connection(requests, readable=False)
        self._answers = Connection(answers, writable=False)

    def ensure_running(self) -> bool:
        """Start the child again if it died; True when it was (re)started."""
        if self.running:
            return False
        self.stop()
        self.start()
        return True

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of `texts` (one row each, float32), computed by the child."""
        rows: np.ndarray = self._ask("encode", list(texts))
        return rows

    def stored(self, texts: Sequence[str]) -> list[bytes]:
        """The vectors of `texts` as stored with notes (semantic.vector_to_bytes)."""
        if not texts:
            return []
        rows: list[bytes] = self._ask("stored", list(texts))
        return rows

    def synthesize(
        self,
        notes: Sequence[Note],
        curation: dict[str, Any] | None,
        language: str,
        vectors: dict[str, bytes],
    ) -> Synthesis:
        """The synthesis of `notes` (synthesis.synthesize) with the organiser's `curation` (as
        stored), from their `vectors` as stored; the child computes the missing ones."""
        result: Synthesis = self._ask("synthesize", (list(notes), curation, language, vectors))
        return result

    def render(self, result: Synthesis, fmt: str, context: ReportContext) -> bytes:
        """A document of the synthesis (synthesis.render), in the catalogue of the context's
        language (the interface's catalogues; the child loads its own)."""
        plain = dataclasses.replace(context, catalogue=ENGLISH)  # a catalogue is not pickled
        document: bytes = self._ask("render", (result, fmt, plain))
        return document

    def _ask(self, kind: str, arguments: object) -> Any:
        request = pickle.dumps((kind, arguments), protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            if self._requests is None or self._answers is None or not self.running:
                raise VectorsUnavailable("the vector process is not running")
            try:
                self._requests.send_bytes(request)
                answer = self._answers.recv_bytes()
            except (OSError, EOFError) as error:
                raise VectorsUnavailable(f"the vector process stopped: {error}") from None
        if answer[:1] != OK:
            raise VectorsUnavailable(answer[1:].decode("utf-8", "replace"))
        return pickle.loads(answer[1:])

    def stop(self, timeout: float = 5.0) -> None:
        """Close the pipe (the child ends by itself), then make sure it has."""
        with self._lock:
            self._close_pipes()
        child, self._child = self._child, None
        if child is None:
            return
        try:
            child.wait(timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(timeout)

    def _close_pipes(self) -> None:
        for pipe in (self._requests, self._answers):
            if pipe is not None:
                pipe.close()
        self._requests = self._answers = None


_running: VectorProcess | None = None


def start() -> VectorProcess:
    """Start this process's vector child (serving); the harvest then uses it too."""
    global _running
    if _running is None:
        _running = VectorProcess()
    _running.ensure_running()
    return _running


def running() -> VectorProcess | None:
    """This process's vector child, if it has one running."""
    return _running if _running is not None and _running.running else None


def stop() -> None:
    """Stop this process's vector child, if any."""
    global _running
    process, _running = _running, None
    if process is not None:
        process.stop()


def _work(kind: str, arguments: Any) -> object:
    """What the child computes for one request."""
    import numpy as np

    from worldcafe import synthesis

    if kind == "encode":
        return np.asarray(synthesis.encode([str(text) for text in arguments]), dtype="<f4")
    if kind == "stored":
        return [synthesis.vector_to_bytes(v) for v in synthesis.encode(list(arguments))]
    if kind == "synthesize":
        notes, curation, language, stored = arguments
        vectors = {}
        for note_id, data in stored.items():
            vector = synthesis.vector_from_bytes(data)
            if vector is not None:
                vectors[note_id] = vector
        return synthesis.synthesize(
            notes,
            synthesis.Curation.from_dict(curation) if curation else None,
            language=language,
            vectors=vectors,
        )
    if kind == "render":
        result, fmt, context = arguments
        context = dataclasses.replace(context, catalogue=catalogue(context.language))
        return bytes(synthesis.render(result, fmt, context))
    raise ValueError(f"unknown request {kind!r}")


# A first synthesis loads word lists, stemmers and the language detector: done at start, on
# notes in each of the interface's languages, so that a café's first harvest does not wait.
WARM_UP = (
    ("en", "More trees and shade in every street"),
    ("en", "Shade and trees for the streets"),
    ("de", "Mehr Bäume und Schatten in jeder Straße"),
    ("fr", "Plus d'arbres et d'ombre dans chaque rue"),
    ("es", "Más árboles y sombra en cada calle"),
    ("it", "Più alberi e ombra in ogni strada"),
    ("pl", "Więcej drzew i cienia na każdej ulicy"),
)


def _warm_up() -> None:
    from worldcafe import synthesis

    notes = [
        synthesis.Note(note_id=str(i), table="1", theme="-", text=text, language=language)
        for i, (language, text) in enumerate(WARM_UP)
    ]
    synthesis.synthesize(notes, language="en")


def _serve(requests: Connection, answers: Connection) -> None:
    # The model and the synthesis load now, beside a pipe that is already listened to: a
    # server that stops meanwhile is not kept waiting.
    loaded = threading.Event()

    def load() -> None:
        try:
            _warm_up()
        finally:
            loaded.set()  # a model that failed to load fails each request with its error

    threading.Thread(target=load, daemon=True).start()
    while True:
        try:
            request = requests.recv_bytes()
        except (EOFError, OSError):
            return  # the serving process closed the pipe or went away
        loaded.wait()
        try:
            kind, arguments = pickle.loads(request)
            _yield_to_sockets(kind in BACKGROUND)
            answer = OK + pickle.dumps(_work(kind, arguments), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as error:  # answered, so that the caller does not wait forever
            answer = FAILED + f"{type(error).__name__}: {error}".encode()
        try:
            answers.send_bytes(answer)
        except OSError:
            return


def _yield_to_sockets(background: bool) -> None:
    """Background work (the vectors of new notes) runs only on a processor nothing else wants
    (SCHED_IDLE: the serving process's sockets and the machine's other work preempt it at
    once); work someone waits for (a harvest, a document) runs at niceness 19, so that a busy
    machine slows it down but never starves it."""
    if not hasattr(os, "sched_setscheduler"):
        return
    policy = os.SCHED_IDLE if background else os.SCHED_OTHER
    with contextlib.suppress(OSError):
        if os.sched_getscheduler(0) != policy:
            os.sched_setscheduler(0, policy, os.sched_param(0))


def main(argv: list[str]) -> int:
    """The child: `python -m worldcafe.vector_process READ_FD WRITE_FD`."""
    # Ctrl+C reaches the whole terminal's process group: the server stops, and this child
    # with it when the pipe closes, without a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError):
        os.nice(NICENESS)  # the sockets of the serving process go first
    requests = Connection(int(argv[0]), writable=False)
    answers = Connection(int(argv[1]), readable=False)
    _serve(requests, answers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
