import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lab.live.replies import (
    CONFIDENCE_FALLBACK,
    ROUTER_FALLBACK_RATING,
    logprob_confidence,
    parse_confidence,
    parse_rating,
    parse_verdict,
)


@pytest.mark.parametrize(("reply", "rating"), [("7", 7), (" 10 ", 10), ("1.", 1), ("3\n", 3)])
def test_a_bare_rating_is_read(reply, rating):
    parsed = parse_rating(reply)
    assert (parsed.rating, parsed.malformed) == (rating, False)


@pytest.mark.parametrize(
    "reply", ["Rating: 7", "0", "11", "7/10", "seven", "", None, "I can't rate that.", "7 or 8", "-3", "7.5"]
)
def test_anything_else_is_malformed_and_takes_the_stated_fallback(reply):
    parsed = parse_rating(reply)
    assert parsed.malformed
    assert parsed.rating == ROUTER_FALLBACK_RATING


@given(st.text(max_size=20))
def test_a_rating_is_always_in_range_and_malformed_unless_a_bare_number(text):
    parsed = parse_rating(text)
    assert 1 <= parsed.rating <= 10
    if not parsed.malformed:
        assert text.strip().rstrip(".").strip() == str(parsed.rating)


@pytest.mark.parametrize(
    ("reply", "verdict"),
    [("CORRECT", "correct"), ("incorrect.", "incorrect"), (" Correct \n", "correct"), ("INCORRECT", "incorrect")],
)
def test_verdicts(reply, verdict):
    assert parse_verdict(reply) == verdict


@pytest.mark.parametrize("reply", ["The answer is CORRECT", "correct!", "yes", "", None, "CORRECT INCORRECT", "PASS"])
def test_a_verdict_in_prose_is_malformed_never_guessed(reply):
    assert parse_verdict(reply) == "malformed"


@pytest.mark.parametrize(("reply", "value"), [("85", 0.85), ("0", 0.0), ("100%", 1.0), (" 7 .", 0.07)])
def test_verbalised_confidence(reply, value):
    assert parse_confidence(reply) == (pytest.approx(value), "verbalised")


@pytest.mark.parametrize("reply", ["101", "about 80", "0.8", "", None, "80-90"])
def test_a_malformed_confidence_escalates(reply):
    assert parse_confidence(reply) == (CONFIDENCE_FALLBACK, "verbalised-malformed")


def test_logprob_confidence_is_the_geometric_mean_token_probability():
    assert logprob_confidence([math.log(0.5), math.log(0.5)]) == pytest.approx(0.5)
    assert logprob_confidence([0.0, 0.0]) == 1.0
    assert logprob_confidence([]) is None
    assert logprob_confidence([float("nan")]) is None


@given(st.lists(st.floats(min_value=-50, max_value=0), min_size=1, max_size=50))
def test_logprob_confidence_is_a_probability(values):
    value = logprob_confidence(values)
    assert value is not None and 0.0 <= value <= 1.0
