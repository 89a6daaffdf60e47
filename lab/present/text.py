"""Text formats shown to people: money, shares, durations and changes with their sign."""

from __future__ import annotations


def usd(value: float) -> str:
    """Money as $: whole dollars from $100, cents below, fractions of a cent as such."""
    if value != value:  # NaN
        return "n/a"
    sign = "-" if value < 0 else ""
    v = abs(value)
    if v >= 100:
        return f"{sign}${v:,.0f}"
    if v >= 0.01:
        return f"{sign}${v:,.2f}"
    digits = f"{v:.6f}".rstrip("0").rstrip(".")
    return "$0" if digits == "0" else f"{sign}${digits}"


def usd_compact(value: float) -> str:
    """Money short enough for a card on a projector: as `usd` below $1M, then $1.15M, $12.3M, $1.23B."""
    if value != value or abs(value) < 999_500:
        return usd(value)
    sign = "-" if value < 0 else ""
    v = abs(value)
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if v >= size * 0.9995:
            shown = f"{v / size:.3g}"
            return f"{sign}${shown}{suffix}"
    return usd(value)


def duration(ms: float) -> str:
    """A latency: whole milliseconds below a second, else seconds to one decimal (short enough for a card)."""
    if ms != ms:
        return "n/a"
    sign = "-" if ms < 0 else ""
    v = abs(ms)
    return f"{sign}{v:,.0f} ms" if round(v) < 1000 else f"{sign}{v / 1000:,.1f} s"


def signed(value: float, fmt) -> str:
    """A change with its sign always shown: "+" or "-" then `fmt` of its size (fmt = usd, duration, ...)."""
    return ("+" if value >= 0 else "-") + fmt(abs(value))


def pct(value: float, digits: int = 1) -> str:
    """A fraction as a percentage."""
    return "n/a" if value != value else f"{value * 100:.{digits}f}%"
