"""The budget cap: every call reserves its worst case before it is sent, so a run never spends more than the cap.

A call's worst case is its prompt tokens (counted offline, with a stated margin for other
tokenizers and the chat format) x the input price + max_tokens x the output price. A reservation
that does not fit in what is left is refused, and the call is not sent. When the call ends, the
reservation is settled: at the cost its usage reports (the rest released), released whole where the
provider refused the request (429, 4xx: not billed), or kept whole where the outcome is unknown
(timeout, server error, a reply cut off or unreadable: it may have been billed). So the spend
counted here is never below what a provider bills, and spend + reservations never exceed the cap.

Amounts are held in integer nano-dollars, reservations and costs rounded up, so no float sum can
creep over the cap. Thread-safe: the app's stop button and progress read it from another thread.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from dataclasses import dataclass

NANO = 1_000_000_000  # nano-dollars per USD


def to_nano(usd: float) -> int:
    """USD as integer nano-dollars, rounded up."""
    return math.ceil(usd * NANO - 1e-6)


@dataclass(frozen=True)
class Reservation:
    """A call's worst case, held against the cap until the call is settled."""

    amount_nano: int
    role: str

    @property
    def amount_usd(self) -> float:
        """The amount held, in USD."""
        return self.amount_nano / NANO


class Budget:
    """A hard cap in USD with reservations; `spent_usd + reserved_usd <= cap_usd` at every moment."""

    def __init__(self, cap_usd: float) -> None:
        if not cap_usd > 0 or not math.isfinite(cap_usd):
            raise ValueError("a budget must be a positive amount of USD")
        self.cap_nano = math.floor(cap_usd * NANO)
        self._lock = threading.Lock()
        self._spent = 0
        self._reserved = 0
        self._by_role: Counter[str] = Counter()  # nano-dollars spent per role
        self._unknown = 0  # kept whole: outcome unknown
        self._overrun = 0  # billed above the reservation (a tokenizer counted fewer tokens than the endpoint)
        self.refused = 0

    @property
    def cap_usd(self) -> float:
        """The cap."""
        return self.cap_nano / NANO

    @property
    def spent_usd(self) -> float:
        """Spent so far: settled costs, plus reservations kept whole."""
        return self._spent / NANO

    @property
    def reserved_usd(self) -> float:
        """Held for calls in flight."""
        return self._reserved / NANO

    @property
    def left_usd(self) -> float:
        """What a new reservation may still take."""
        return (self.cap_nano - self._spent - self._reserved) / NANO

    @property
    def unknown_usd(self) -> float:
        """Part of the spend counted at worst case because the call's outcome is unknown."""
        return self._unknown / NANO

    @property
    def overrun_usd(self) -> float:
        """Billed beyond reservations (zero unless an endpoint counts more tokens than the stated margin allows)."""
        return self._overrun / NANO

    def spent_by_role(self) -> dict[str, float]:
        """Spent per role (answer, router, confidence, judge), in USD."""
        with self._lock:
            return {role: nano / NANO for role, nano in self._by_role.items()}

    def fits(self, usd: float) -> bool:
        """Whether `usd` would fit in what is left now (a check, not a reservation)."""
        with self._lock:
            return self._spent + self._reserved + to_nano(usd) <= self.cap_nano

    def try_reserve(self, usd: float, role: str) -> Reservation | None:
        """Hold `usd` for one call; None (and nothing held) when it does not fit."""
        amount = to_nano(usd)
        with self._lock:
            if self._spent + self._reserved + amount > self.cap_nano:
                self.refused += 1
                return None
            self._reserved += amount
            return Reservation(amount, role)

    def settle(self, reservation: Reservation, cost_usd: float) -> None:
        """The call was billed `cost_usd` (from its usage): spend it, release the rest of the reservation."""
        cost = to_nano(cost_usd)
        with self._lock:
            self._reserved -= reservation.amount_nano
            self._spent += cost
            self._by_role[reservation.role] += cost
            self._overrun += max(0, cost - reservation.amount_nano)

    def release(self, reservation: Reservation) -> None:
        """The call was not billed (refused before it ran): free its reservation."""
        with self._lock:
            self._reserved -= reservation.amount_nano

    def keep(self, reservation: Reservation) -> None:
        """The call's outcome is unknown (it may have been billed): count its whole reservation as spent."""
        with self._lock:
            self._reserved -= reservation.amount_nano
            self._spent += reservation.amount_nano
            self._unknown += reservation.amount_nano
            self._by_role[reservation.role] += reservation.amount_nano
