import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lab.live.budget import NANO, Budget


def test_a_reservation_that_does_not_fit_is_refused_and_holds_nothing():
    budget = Budget(1.0)
    first = budget.try_reserve(0.6, "answer")
    assert first is not None
    assert budget.try_reserve(0.5, "answer") is None
    assert budget.refused == 1
    assert budget.reserved_usd == pytest.approx(0.6)
    budget.settle(first, 0.1)
    assert budget.spent_usd == pytest.approx(0.1)
    assert budget.left_usd == pytest.approx(0.9)
    assert budget.try_reserve(0.5, "answer") is not None


def test_settle_release_keep():
    budget = Budget(1.0)
    a, b, c = (budget.try_reserve(0.2, role) for role in ("answer", "router", "judge"))
    budget.settle(a, 0.05)
    budget.release(b)
    budget.keep(c)
    assert budget.spent_usd == pytest.approx(0.25)
    assert budget.unknown_usd == pytest.approx(0.2)
    assert budget.reserved_usd == 0
    assert budget.spent_by_role() == {"answer": pytest.approx(0.05), "judge": pytest.approx(0.2)}


def test_a_bill_above_its_reservation_is_counted_as_an_overrun():
    budget = Budget(1.0)
    r = budget.try_reserve(0.1, "answer")
    budget.settle(r, 0.15)
    assert budget.overrun_usd == pytest.approx(0.05)


@pytest.mark.parametrize("cap", [0.0, -1.0, float("nan"), float("inf")])
def test_a_budget_must_be_positive_and_finite(cap):
    with pytest.raises(ValueError):
        Budget(cap)


operations = st.lists(
    st.tuples(
        st.floats(min_value=0, max_value=0.4, allow_nan=False),
        st.sampled_from(["settle", "release", "keep"]),
        st.floats(min_value=0, max_value=1, allow_nan=False),
    ),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(cap=st.floats(min_value=1e-6, max_value=2), ops=operations)
def test_spend_plus_reservations_never_exceed_the_cap(cap, ops):
    budget = Budget(cap)
    held = []
    for amount, how, fraction in ops:
        r = budget.try_reserve(amount, "answer")
        if r is not None:
            held.append((r, how, fraction))
        assert budget._spent + budget._reserved <= budget.cap_nano
        if held and len(held) % 3 == 0:
            r, how, fraction = held.pop(0)
            if how == "settle":
                budget.settle(r, r.amount_usd * fraction)  # a bill within its worst case
            else:
                getattr(budget, how)(r)
            assert budget._spent + budget._reserved <= budget.cap_nano
    assert budget.spent_usd <= cap + 1 / NANO


def test_concurrent_reservations_from_threads_never_exceed_the_cap():
    budget = Budget(0.01)
    granted = []

    def grab():
        for _ in range(500):
            r = budget.try_reserve(0.0001, "answer")
            if r is not None:
                granted.append(r)
                budget.keep(r)

    threads = [threading.Thread(target=grab) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(granted) == 100
    assert budget.spent_usd == pytest.approx(0.01)
    assert budget._spent <= budget.cap_nano
