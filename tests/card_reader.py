"""Read back the headline cards that lab.present.card_html draws: the AppTest page tests and the card tests use it."""

from __future__ import annotations

from html.parser import HTMLParser

_CARD_PARTS = {
    "rl-card-label": "label",
    "rl-card-value": "value",
    "rl-card-delta": "delta",
    "rl-card-interval": "interval",
}
_CARD_ICONS = frozenset({"rl-card-help", "rl-arrow"})  # icon names (help, arrow_upward), not text


class _CardReader(HTMLParser):
    """The cards of lab.present.card_html as dicts: label, help, value, delta, tone, interval."""

    def __init__(self) -> None:
        super().__init__()
        self.cards: list[dict] = []
        self.open: list[str | None] = []  # per open tag: the part it starts, "icon", or None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if "rl-card-column" in classes:
            self.cards.append({"delta": None, "tone": None, "help": None})
        part = next((name for cls, name in _CARD_PARTS.items() if cls in classes), None)
        if part is not None:
            self.cards[-1][part] = ""
            if part == "delta":
                self.cards[-1]["tone"] = classes[-1]
        if "rl-card-help" in classes:
            self.cards[-1]["help"] = attributes.get("title")
        self.open.append("icon" if _CARD_ICONS & set(classes) else part)

    def handle_endtag(self, tag):
        if self.open:
            self.open.pop()

    def handle_data(self, data):
        inner = next((part for part in reversed(self.open) if part is not None), None)
        if inner not in (None, "icon"):
            self.cards[-1][inner] += data


def read_cards(html: str) -> list[dict]:
    """Each card in `html` as a dict: label, help, value, delta (None without one), tone, interval."""
    reader = _CardReader()
    reader.feed(html)
    return reader.cards
