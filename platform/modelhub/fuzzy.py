"""Typo-tolerant keyword search where PostgreSQL's trigram index is not there (SQLite, the
embedded default).

Two steps, so that a search never scores every model in Python:

1. In SQL, a q-gram filter. A word of n characters within k edits of some stretch of the
   text shares at least (n - 1) - 2k of its bigrams with the text (the q-gram lemma, q=2);
   a row whose text holds fewer cannot match and is dropped by the database. Words found
   as they are (a substring) always pass.
2. In Python, over at most MAX_CANDIDATES rows that pass and do not hold every word as
   typed (those match without scoring): each word must be a substring of the text or within k edits (Damerau-Levenshtein: a swapped pair is one edit) of one of
   its words, or of two neighbours written together ("pp-ocr" for "ppocr").

k grows with the word: none up to 3 characters (any word that short is a typo of too many
others), 1 up to 7, 2 from 8 on. That is what the trigram path forgives on PostgreSQL too.
"""

from __future__ import annotations

import re

from django.db.models import Case, FloatField, IntegerField, Q, QuerySet, Value, When

# The rows step 1 lets through, newest first, that step 2 scores; a query so vague that more
# pass is answered from the most recently updated ones.
MAX_CANDIDATES = 5000

_WORD = re.compile(r"[0-9a-z]+")


def allowed_edits(word: str) -> int:
    return 0 if len(word) <= 3 else 1 if len(word) <= 7 else 2


def bigrams(word: str) -> set[str]:
    return {word[i:i + 2] for i in range(len(word) - 1)}


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (optimal string alignment) of a and b, or limit + 1 once
    it is certainly more than limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def text_words(text: str) -> set[str]:
    """The words of a model's search text, and each pair of neighbours written together."""
    words = _WORD.findall(text.lower())
    return set(words) | {first + second for first, second in zip(words, words[1:])}


def word_distance(word: str, text: str, words: set[str], memo: dict[str, int] | None = None) -> int | None:
    """0 when `word` is in `text` as it is, else the fewest edits to one of its words; None
    when none is within the edits the word's length allows. `memo` keeps the distances of
    this word to the text words already met: a catalogue repeats its words from row to row."""
    if word in text:
        return 0
    limit = allowed_edits(word)
    if not limit:
        return None
    memo = {} if memo is None else memo
    best = limit + 1
    for candidate in words:
        if abs(len(candidate) - len(word)) > limit:
            continue
        distance = memo.get(candidate)
        if distance is None:
            distance = memo[candidate] = edit_distance(word, candidate, limit)
        if distance < best:
            best = distance
    return best if best <= limit else None


def query_words(query: str) -> list[str]:
    return " ".join(query.split())[:200].lower().split()


def fuzzy_search(queryset: QuerySet, query: str) -> QuerySet:
    """The rows of `queryset` whose search text holds every word of `query`, allowing typos,
    annotated with `relevance` (1 when every word is there as typed, less per edit)."""
    words = query_words(query)
    if not words:
        return queryset
    candidates = queryset
    for index, word in enumerate(dict.fromkeys(words)):
        limit = allowed_edits(word)
        needed = len(word) - 1 - 2 * limit
        if not limit:
            candidates = candidates.filter(search_text__contains=word)
        elif needed > 0:
            hits = sum(
                (Case(When(search_text__contains=gram, then=Value(1)), default=Value(0), output_field=IntegerField())
                 for gram in sorted(bigrams(word))),
                start=Value(0, output_field=IntegerField()),
            )
            alias = f"_bigrams_{index}"
            candidates = candidates.alias(**{alias: hits}).filter(
                Q(search_text__contains=word) | Q(**{f"{alias}__gte": needed}))
    # Rows holding every word as typed need no scoring (relevance 1); only the near misses are read.
    exact = Q()
    for word in words:
        exact &= Q(search_text__contains=word)
    rows = candidates.exclude(exact).order_by("-updated_at", "-id").values_list("pk", "search_text")[:MAX_CANDIDATES]
    scores: dict[int, float] = {}
    memos: dict[str, dict[str, int]] = {word: {} for word in words}
    for pk, text in rows:
        text = text.lower()
        vocabulary = text_words(text)
        total = 0
        for word in words:
            distance = word_distance(word, text, vocabulary, memos[word])
            if distance is None:
                break
            total += distance
        else:
            scores[pk] = 1.0 / (1 + total)
    # One WHEN per distinct score (a handful: 1/2, 1/3, ...), not one per row.
    by_score: dict[float, list[int]] = {}
    for pk, score in scores.items():
        by_score.setdefault(score, []).append(pk)
    relevance = Case(When(exact, then=Value(1.0)),
                     *(When(pk__in=pks, then=Value(score)) for score, pks in by_score.items()),
                     default=Value(0.0), output_field=FloatField())
    return queryset.filter(exact | Q(pk__in=list(scores))).annotate(relevance=relevance)
