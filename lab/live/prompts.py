"""The prompts a live run sends, visible and recorded in every log it writes.

The answer prompt asks for a last line 'Answer: ...' so a reference can be matched; the router,
judge and confidence prompts ask for one number or one word, read by the strict parsers in
lab.live.replies. Templates fill `{text}` (the query) and `{answer}` (a model's answer).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

ANSWER_SYSTEM = (
    "Answer the user's request. When it has a short final answer (a number, a letter, a word or a phrase), "
    "end your reply with a last line of the form 'Answer: <final answer>'."
)

ROUTER_PROMPT = (
    "Rate how much the query below needs a strong, expensive language model rather than a small, cheap one, "
    "from 1 (any small model answers it well) to 10 (only the strongest models can answer it).\n"
    "Reply with the number only.\n\nQuery:\n{text}"
)

JUDGE_PROMPT = (
    "Grade the answer to the request below.\n"
    "CORRECT: the answer does what the request asks, fully and accurately.\n"
    "INCORRECT: the answer is wrong, incomplete, refuses without reason, or is off-topic.\n\n"
    "Request:\n{text}\n\nAnswer:\n{answer}\n\n"
    "Reply with one word: CORRECT or INCORRECT."
)

CONFIDENCE_PROMPT = (
    "Here is a request and an answer to it.\n\nRequest:\n{text}\n\nAnswer:\n{answer}\n\n"
    "How likely is it that the answer is correct? Reply with a whole number from 0 to 100 and nothing else."
)


class PromptTemplates(BaseModel):
    """The four templates of a run (recorded in its log header; a resumed run must use the same)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    answer_system: str = ANSWER_SYSTEM
    router: str = ROUTER_PROMPT
    judge: str = JUDGE_PROMPT
    confidence: str = CONFIDENCE_PROMPT

    def answer_messages(self, text: str) -> list[dict[str, str]]:
        """The messages that ask a model to answer a query."""
        return [{"role": "system", "content": self.answer_system}, {"role": "user", "content": text}]

    def router_messages(self, text: str) -> list[dict[str, str]]:
        """The messages that ask the router model to rate a query."""
        return [{"role": "user", "content": self.router.replace("{text}", text)}]

    def judge_messages(self, text: str, answer: str) -> list[dict[str, str]]:
        """The messages that ask the judge to grade an answer."""
        return [{"role": "user", "content": self.judge.replace("{text}", text).replace("{answer}", answer)}]

    def confidence_messages(self, text: str, answer: str) -> list[dict[str, str]]:
        """The messages that ask a model how likely its own answer is correct (verbalised confidence)."""
        return [{"role": "user", "content": self.confidence.replace("{text}", text).replace("{answer}", answer)}]
