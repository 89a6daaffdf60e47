"""Text formats: compact money for cards stays short and close to the amount."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lab.present.text import usd, usd_compact


@given(st.floats(min_value=-1e14, max_value=1e14, allow_nan=False))
def test_compact_money_is_short_keeps_the_sign_and_stays_within_half_a_percent(value):
    text = usd_compact(value)
    if abs(value) >= 0.01:  # (fractions of a cent are written out: no bill on a card is that small)
        assert len(text) <= len("-$999,499")  # fits a card at 1280 x 720 whatever the traffic
    assert text.startswith("-") == (value < 0 and text not in ("$0",))
    if abs(value) < 999_500:
        assert text == usd(value)
    else:
        number = float(text.lstrip("-$")[:-1]) * {"M": 1e6, "B": 1e9, "T": 1e12}[text[-1]]
        assert number == pytest.approx(abs(value), rel=5e-3)


def test_compact_money_examples():
    assert usd_compact(1_145_789) == "$1.15M"
    assert usd_compact(12_345_678) == "$12.3M"
    assert usd_compact(2_500_000_000) == "$2.5B"
    assert usd_compact(4_093) == "$4,093"
