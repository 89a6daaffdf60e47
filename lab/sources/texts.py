"""Realistic query texts per category family, with a complexity offset per template.

Each template's offset is added to the category's difficulty, so harder phrasings (several parts,
constraints, long context) are harder for models too: the length and classifier routers then work
on real text, as they would on production traffic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lab.core.scenario import TextFamily


@dataclass(frozen=True)
class Template:
    """A phrasing with {slots}; `offset` is added to the category's difficulty."""

    text: str
    offset: float


_SLOTS: dict[str, tuple[str, ...]] = {
    "item": (
        "running shoes",
        "wireless earbuds",
        "coffee grinder",
        "winter jacket",
        "yoga mat",
        "phone case",
        "desk lamp",
        "backpack",
        "blender",
        "smart watch",
        "air fryer",
        "office chair",
    ),
    "order": ("#48213", "#55190", "#60877", "#71342", "#80015", "#91276", "#33408", "#27761"),
    "days": ("two", "three", "five", "seven", "ten", "fourteen"),
    "carrier": ("UPS", "FedEx", "DHL", "USPS", "the local courier"),
    "plan": ("Basic", "Plus", "Premium", "Family", "Business"),
    "device": ("iPhone", "Android phone", "Windows laptop", "MacBook", "smart TV", "tablet"),
    "error": (
        "error 403",
        "a blank white screen",
        "'session expired'",
        "error code E-1021",
        "a spinning wheel that never stops",
        "'payment method declined'",
    ),
    "country": ("Canada", "Germany", "Australia", "Brazil", "Japan", "Mexico", "the UK"),
    "topic": (
        "photosynthesis",
        "the French Revolution",
        "inflation",
        "black holes",
        "the immune system",
        "supply chains",
        "the Roman Empire",
        "machine learning",
        "climate change",
        "vaccines",
    ),
    "doc": (
        "meeting notes",
        "customer email thread",
        "quarterly report",
        "product review",
        "support ticket history",
        "contract clause",
        "research abstract",
        "incident report",
    ),
    "field": (
        "dates",
        "names and email addresses",
        "order numbers",
        "amounts in dollars",
        "company names",
        "phone numbers",
        "addresses",
    ),
    "lang": ("Python", "JavaScript", "TypeScript", "Go", "SQL", "Rust", "Java"),
    "task": (
        "reverses a string",
        "checks whether a number is prime",
        "merges two sorted lists",
        "counts word frequencies in a text",
        "parses an ISO date",
        "removes duplicates from a list",
        "flattens a nested list",
        "validates an email address",
    ),
    "bug": (
        "an off-by-one error",
        "a race condition",
        "a memory leak",
        "a deadlock",
        "a null pointer exception",
        "an infinite loop",
        "a timezone bug",
    ),
    "system": (
        "a URL shortener",
        "a rate limiter",
        "a job queue",
        "a chat service",
        "an inventory system",
        "a feature-flag service",
        "a payment ledger",
    ),
    "n": ("12", "35", "48", "120", "250", "7", "64", "1,000"),
    "pct": ("15%", "20%", "8%", "12.5%", "30%"),
    "hobby": ("hiking", "cooking", "chess", "gardening", "photography", "running"),
    "tool": ("the CRM", "the calendar", "the ticketing system", "the spreadsheet", "the inventory database"),
}

_TEMPLATES: dict[str, tuple[Template, ...]] = {
    "order_status": (
        Template("Where is my order {order}?", 0.0),
        Template("Hi, my {item} was supposed to arrive {days} days ago. Order {order}. Can you check?", 0.1),
        Template("Has order {order} shipped yet?", 0.0),
        Template("The tracking for {order} says delivered by {carrier} but I never got the {item}. What now?", 0.6),
        Template("Can I change the delivery address on order {order}?", 0.2),
    ),
    "refund": (
        Template("How do I return my {item}?", 0.0),
        Template("What is your refund policy for damaged items?", 0.0),
        Template("I want a refund for order {order}, the {item} stopped working after {days} days.", 0.3),
        Template("I returned the {item} {days} weeks ago and still have no refund. How long does it take?", 0.3),
        Template(
            "I bought the {item} on sale and the price dropped again {days} days later. Can I get the difference refunded?",
            0.7,
        ),
    ),
    "account": (
        Template("How do I reset my password?", 0.0),
        Template("How can I change the email on my account?", 0.0),
        Template("How do I cancel my {plan} subscription?", 0.1),
        Template("Can I switch from the {plan} plan to a cheaper one in the middle of the month?", 0.4),
        Template("I have two accounts by mistake. Can you merge them and keep the order history of both?", 0.8),
    ),
    "troubleshooting": (
        Template("The app shows {error} when I log in on my {device}.", 0.2),
        Template("Checkout fails with {error}. I tried another card too.", 0.4),
        Template("Notifications stopped working on my {device} after the last update.", 0.3),
        Template(
            "I get {error} on my {device} but only on Wi-Fi, not on mobile data, and only since I changed my {plan} plan. Logging out and in again did not help.",
            1.1,
        ),
    ),
    "billing_dispute": (
        Template("I was charged twice for order {order}.", 0.4),
        Template("Why was I billed for the {plan} plan when I downgraded last month?", 0.7),
        Template(
            "I was charged {pct} more than the listed price and a currency fee I did not expect, shipping to {country}. Please explain every line of the invoice.",
            1.3,
        ),
    ),
    "policy_reasoning": (
        Template(
            "I bought a {item} in {country} as a gift {days} weeks ago, the recipient opened it, and it is faulty. Our warranty, the local consumer law and your 30-day return window seem to conflict. Which applies and what are my options?",
            0.6,
        ),
        Template(
            "My {plan} plan renewed while my card was frozen, the retry charged a different card, and I also had a pending credit from a returned {item}. Work out what I should have paid and what I am owed.",
            0.8,
        ),
        Template(
            "We are a business customer on the {plan} plan with {n} seats. If we remove {pct} of the seats mid-cycle and add a new team in {country}, how is the prorated invoice computed, including VAT?",
            1.0,
        ),
    ),
    "chit_chat": (
        Template("Hi! How are you today?", -0.5),
        Template("Thanks, that helped a lot!", -0.6),
        Template("Can you recommend a good book about {hobby}?", -0.2),
        Template("Tell me a fun fact about {topic}.", -0.2),
    ),
    "factual_lookup": (
        Template("What is the capital of {country}?", -0.4),
        Template("Who discovered {topic}?", 0.0),
        Template("Briefly explain {topic}.", 0.1),
        Template("What are the main causes of {topic}, and how do historians or scientists disagree about them?", 0.8),
    ),
    "summarisation": (
        Template("Summarise these {doc} in three bullet points.", 0.1),
        Template("Give me a one-paragraph summary of the attached {doc}.", 0.2),
        Template(
            "Summarise the attached {doc}, list every decision with its owner and deadline, and flag any contradictions between sections.",
            0.9,
        ),
    ),
    "extraction": (
        Template("Extract all {field} from this {doc}.", 0.0),
        Template("Pull the {field} out of the {doc} and return them as JSON.", 0.3),
        Template(
            "From the {doc}, extract {field} and normalise them to one format; mark entries that are ambiguous and explain why.",
            0.8,
        ),
    ),
    "coding_simple": (
        Template("Write a {lang} function that {task}.", 0.0),
        Template("How do I read a CSV file in {lang}?", -0.1),
        Template("What does this {lang} error mean: 'index out of range'?", 0.1),
        Template("Write a {lang} function that {task}, with type hints and unit tests.", 0.4),
    ),
    "coding_debug": (
        Template("My {lang} code has {bug}. Here is the stack trace; what is wrong?", 0.5),
        Template("This {lang} service has {bug} under load but not in tests. How do I find it?", 0.9),
        Template("Refactor this {n}-line {lang} module to remove {bug} without changing its public API.", 1.1),
    ),
    "coding_design": (
        Template("Design {system} in {lang}: data model, API and how it scales to {n} requests per second.", 1.2),
        Template(
            "Compare two designs for {system} and pick one, given we must handle {n} requests per second with {pct} of them writes.",
            1.4,
        ),
    ),
    "math": (
        Template("What is {pct} of {n}?", -0.3),
        Template("A price rises by {pct} and then falls by {pct}. Is it back where it started? Explain.", 0.5),
        Template("Prove that the sum of the first {n} odd numbers is a perfect square.", 1.0),
        Template(
            "A tank fills in {n} minutes with pipe A and drains in {days} hours with pipe B. Starting half full with both open, when is it full? Show every step.",
            1.2,
        ),
    ),
    "agentic": (
        Template(
            "Look up the customer's last {n} orders in {tool}, find the ones delayed by {carrier}, and draft an apology email with a {pct} discount.",
            1.0,
        ),
        Template(
            "Plan and carry out: reconcile {tool} with the invoices from {country}, open tickets for mismatches, and summarise the total owed.",
            1.4,
        ),
        Template(
            "Using {tool}, schedule follow-ups for every unresolved ticket older than {days} days, escalating those that mention {error}.",
            1.2,
        ),
    ),
}


def template_count(family: TextFamily) -> int:
    """Number of phrasings a family has."""
    return len(_TEMPLATES[family])


def generate_texts(family: TextFamily, size: int, rng: np.random.Generator) -> tuple[list[str], np.ndarray]:
    """`size` texts of a family and each text's complexity offset; slots drawn from `rng`."""
    templates = _TEMPLATES[family]
    picks = rng.integers(0, len(templates), size=size)
    texts: list[str] = []
    for pick in picks:
        template = templates[pick]
        fills = {
            slot: values[rng.integers(0, len(values))]
            for slot, values in _SLOTS.items()
            if "{" + slot + "}" in template.text
        }
        texts.append(template.text.format(**fills))
    offsets = np.array([templates[p].offset for p in picks], dtype=float)
    return texts, offsets
