"""A row of headline cards (Kpi) as one block of HTML, drawn like Streamlit's bordered st.metric cards.

The Lab page redraws its cards on every slider move. As st.metric in st.columns they are sixteen elements
(a row, five columns, five metrics, five captions), each a message and a React update in the browser; as
this HTML they are one (st.html). Each card keeps what st.metric shows: the label with its help (a tooltip),
the value, the change against the reference run with its arrow and colour, and the 95% interval under it.
CARDS_CSS styles them; the page adds it once.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from lab.present.kpis import Kpi

# Colours follow Streamlit's light theme for st.metric deltas; text and borders take the theme's own colour
# (currentColor), so the cards read on a dark theme too.
CARDS_CSS = """
.rl-cards { display: grid; gap: 1rem; width: 100%; font-family: "Source Sans", "Source Sans Pro", sans-serif; }
.rl-card-column { display: flex; flex-direction: column; gap: 0.9rem; min-width: 0; container-type: inline-size; }
.rl-card { border: 1px solid color-mix(in srgb, currentColor 20%, transparent);
  border-radius: 0.5rem; padding: calc(1rem - 1px); height: 100%; box-sizing: border-box; }
.rl-card-label { font-size: 0.875rem; line-height: 1.25; display: flex; gap: 0.25rem; align-items: flex-start; }
.rl-card-help { font-family: "Material Symbols Rounded"; font-size: 1rem; line-height: 1.1; opacity: 0.6;
  cursor: help; font-weight: 400; font-style: normal; }
.rl-card-value { font-size: clamp(1.25rem, min(2.4vw, 16cqi), 2.25rem); line-height: 1.35; padding: 0.4rem 0 0.2rem;
  white-space: nowrap; }
.rl-card-delta { display: inline-flex; align-items: center; gap: 0.125rem; font-size: 0.875rem; line-height: 1.4;
  border-radius: 0.75rem; padding: 0 0.5rem 0 0.375rem; margin-top: 0.125rem; }
.rl-card-delta .rl-arrow { font-family: "Material Symbols Rounded"; font-size: 0.875rem; font-style: normal; }
.rl-card-delta.good { color: rgb(21, 130, 55); background: rgba(33, 195, 84, 0.1); }
.rl-card-delta.bad { color: rgb(189, 65, 65); background: rgba(255, 43, 43, 0.09); }
.rl-card-delta.off { color: color-mix(in srgb, currentColor 60%, transparent);
  background: color-mix(in srgb, currentColor 8%, transparent); }
.rl-card-interval { font-size: 0.875rem; opacity: 0.6; }
"""


def delta_tone(card: Kpi) -> str:
    """How a card's change is coloured, as st.metric colours it: "good" (green), "bad" (red) or "off" (grey)."""
    if card.delta is None or card.delta_colour == "off":
        return "off"
    up = not card.delta.lstrip().startswith("-")
    return "good" if up == (card.delta_colour == "normal") else "bad"


def _card(card: Kpi) -> str:
    label = escape(card.label)
    help_icon = (
        f'<span class="rl-card-help" title="{escape(card.help)}" aria-label="help">help</span>' if card.help else ""
    )
    delta = ""
    if card.delta is not None:
        arrow = "arrow_downward" if card.delta.lstrip().startswith("-") else "arrow_upward"
        delta = (
            f'<div><span class="rl-card-delta {delta_tone(card)}"><i class="rl-arrow" aria-hidden="true">{arrow}</i>'
            f"{escape(card.delta)}</span></div>"
        )
    return (
        '<div class="rl-card-column"><div class="rl-card">'
        f'<div class="rl-card-label"><span>{label}</span>{help_icon}</div>'
        f'<div class="rl-card-value">{escape(card.value)}</div>{delta}</div>'
        f'<div class="rl-card-interval">{escape(card.interval)}</div></div>'
    )


def cards_html(cards: Sequence[Kpi]) -> str:
    """One row of cards, side by side in equal columns (like st.columns), as HTML."""
    columns = f"repeat({max(len(cards), 1)}, minmax(0, 1fr))"
    return f'<div class="rl-cards" style="grid-template-columns: {columns}">{"".join(map(_card, cards))}</div>'
