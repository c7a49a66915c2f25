"""`closest` must give exactly difflib's answer (it is only a faster search)."""

import difflib
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from ssmd.suggest import closest

names = st.text(alphabet="abcdefk-_0123456789", min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(word=names, candidates=st.lists(names, max_size=40))
def test_same_answer_as_difflib(word: str, candidates: list[str]) -> None:
    expected = difflib.get_close_matches(word, candidates, n=1)
    assert closest(word, candidates) == (expected[0] if expected else None)


def test_alike_names_at_scale() -> None:
    rng = random.Random(3)
    feeds = [f"feed-{i:04d}" for i in range(500)]
    for _ in range(50):
        word = rng.choice(feeds) + rng.choice(["q", "", "x1"])
        word = word[: rng.randrange(5, len(word) + 1)]
        expected = difflib.get_close_matches(word, feeds, n=1)
        assert closest(word, feeds) == (expected[0] if expected else None)
