"""The shipped sentence model: known similarities, and vectors kept with notes or on disk."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from worldcafe.synthesis.semantic import (
    DiskCache,
    encode,
    prepared,
    vector_from_bytes,
    vector_to_bytes,
)

SAFE_CROSSINGS = {
    "en": "We need safe crossings near every primary school",
    "de": "Wir brauchen sichere Übergänge an jeder Grundschule",
    "fr": "Il faut des passages sécurisés près de chaque école primaire",
    "es": "Necesitamos cruces seguros cerca de cada escuela primaria",
    "it": "Servono attraversamenti sicuri vicino a ogni scuola elementare",
    "pl": "Potrzebujemy bezpiecznych przejść przy każdej szkole podstawowej",
}
UNRELATED = [
    "The library should lend out musical instruments",
    "Die Mülltonnen werden zu selten geleert",
    "Le marché du samedi devrait rester sur la place",
]


def test_translations_are_close_and_unrelated_notes_far() -> None:
    vectors = encode([*SAFE_CROSSINGS.values(), *UNRELATED])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    similarity = vectors @ vectors.T
    languages = len(SAFE_CROSSINGS)
    translations = similarity[:languages, :languages][~np.eye(languages, dtype=bool)]
    unrelated = similarity[:languages, languages:]
    assert translations.mean() >= 0.6 and translations.min() >= 0.45
    assert unrelated.max() <= 0.35
    assert translations.min() > unrelated.max() + 0.1


def test_empty_and_punctuation_only_texts_get_zero_vectors() -> None:
    vectors = encode(["", "?!", "..."])
    assert not vectors.any()


def test_huge_words_and_control_characters_are_cut_before_the_model() -> None:
    text = "a" * 100_000 + "\x00\x0b" + "b" * 100_000
    ready = prepared(text)
    assert len(ready) <= 1000 and "\x00" not in ready and "\x0b" not in ready
    assert encode([text]).shape == (1, 512)


def test_vectors_survive_storage_and_the_disk_cache(tmp_path: Path) -> None:
    vector = encode(["Sichere Radwege"])[0]
    restored = vector_from_bytes(vector_to_bytes(vector))
    assert restored is not None and float(restored @ vector) > 0.999
    assert vector_from_bytes(b"short") is None
    cache = DiskCache(tmp_path)
    first = cache(["Sichere Radwege", "Open the library on Sundays"])
    again = DiskCache(tmp_path)
    second = again(["Open the library on Sundays", "Sichere Radwege"])
    assert again.misses == 0 and again.hits == 2
    assert np.allclose(first[::-1], second, atol=1e-2)
