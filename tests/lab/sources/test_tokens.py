import numpy as np

from lab.sources.tokens import count_tokens

TEXTS = [
    "Where is my order #48213?",
    "Write a Python function that merges two sorted lists, with type hints and unit tests.",
    "I bought a coffee grinder in Germany as a gift two weeks ago; which warranty applies?",
    "",
    "naïve café — 東京 🚀",
]


def test_counts_equal_litellms_token_counter(litellm_module):
    for model in ("gpt-4o", "gpt-4o-mini"):
        ours = count_tokens(TEXTS, model)
        theirs = [litellm_module.token_counter(model=model, text=t) for t in TEXTS]
        assert list(ours) == theirs


def test_repeated_texts_get_the_same_count_in_place():
    texts = np.array(["a b c", "hello there, friend", "a b c"], dtype=object)
    counts = count_tokens(texts)
    assert counts[0] == counts[2] and counts[1] != counts[0]
    assert count_tokens([]).shape == (0,)
