"""The typo-tolerant match used where PostgreSQL's trigram index is not (fuzzy.py)."""

from __future__ import annotations

import pytest

from modelhub.fuzzy import allowed_edits, edit_distance, text_words, word_distance


@pytest.mark.parametrize("a, b, distance", [
    ("cls", "clss", 1), ("orientaton", "orientation", 1), ("oreintation", "orientation", 1),
    ("kitten", "sitting", 3), ("", "abc", 3), ("same", "same", 0), ("ab", "ba", 1),
])
def test_edit_distance_counts_a_swapped_pair_as_one_edit(a, b, distance):
    assert edit_distance(a, b, limit=5) == distance


def test_edit_distance_stops_once_past_the_limit():
    assert edit_distance("orientation", "classification", limit=2) == 3
    assert edit_distance("a" * 10, "b" * 10, limit=1) == 2


def test_allowed_edits_grow_with_the_word():
    assert [allowed_edits(w) for w in ("cls", "clss", "resnet5", "orientat")] == [0, 1, 1, 2]


def test_words_of_a_text_include_neighbours_written_together():
    assert text_words("PP-OCR cls, v2") >= {"pp", "ocr", "ppocr", "cls", "ocrcls", "v2"}


def test_word_distance():
    text = "ppocr-cls pp-ocr text direction classifier ocr"
    words = text_words(text)
    assert word_distance("direction", text, words) == 0
    assert word_distance("clss", text, words) == 1
    assert word_distance("directoin", text, words) == 1
    assert word_distance("dirction", text, words) == 1
    assert word_distance("cld", text, words) is None
    assert word_distance("vision", text, words) is None
