"""An attendee's progress through a workshop, as URL parameters: it survives a reload and is never shared.

Progress is the exercise open now, the exercises marked done, how many hints each has revealed,
whether the presenter view is on, and the attendee's current choice in the open exercise. It lives
in one browser session (and its address bar); nothing is stored on the server between sessions.
`progress_from_query_params` keeps what is valid for the workshop and says what it ignored, like
lab.present.urlstate does for the lab's configuration.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict, ValidationError

from lab.workshop.exercises import Choice, Exercise, Workshop

# URL keys, kept apart from the lab's own (lab.present.urlstate) so both can share one address.
EXERCISE_KEY = "ex"
DONE_KEY = "done"
HINTS_KEY = "hints"
PRESENT_KEY = "present"
STRATEGY_KEY = "ws"
THRESHOLDS_KEY = "wt"
FALLBACK_KEY = "wfb"
RECALIBRATION_KEY = "wr"
KEYS = (EXERCISE_KEY, DONE_KEY, HINTS_KEY, PRESENT_KEY, STRATEGY_KEY, THRESHOLDS_KEY, FALLBACK_KEY, RECALIBRATION_KEY)


class Progress(BaseModel):
    """Where an attendee is: the open exercise, what is done, hints revealed, presenter view, current choice."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    exercise: str
    done: tuple[str, ...] = ()
    hints: dict[str, int] = {}
    present: bool = False
    choice: Choice | None = None  # in the open exercise; None = its starting choice

    def open(self, exercise_id: str) -> Progress:
        """Open another exercise at its starting choice (done and hints stay)."""
        return self.model_copy(update={"exercise": exercise_id, "choice": None})

    def step(self, workshop: Workshop, by: int) -> Progress:
        """Open the exercise `by` places on (clamped to the first and last)."""
        ids = workshop.ids
        here = ids.index(self.exercise) if self.exercise in ids else 0
        return self.open(ids[min(max(here + by, 0), len(ids) - 1)])

    def mark_done(self, exercise_id: str, done: bool = True) -> Progress:
        """Mark an exercise done (or not done)."""
        rest = tuple(i for i in self.done if i != exercise_id)
        return self.model_copy(update={"done": (*rest, exercise_id) if done else rest})

    def reveal_hint(self, exercise: Exercise) -> Progress:
        """Reveal one more hint of an exercise (up to all of them)."""
        shown = min(self.hints.get(exercise.id, 0) + 1, len(exercise.hints))
        return self.model_copy(update={"hints": {**self.hints, exercise.id: shown}})

    def choose(self, exercise: Exercise, choice: Choice) -> Progress:
        """Record the attendee's choice in the open exercise (None when it is the starting one)."""
        return self.model_copy(update={"choice": None if choice == exercise.start.choice else choice})

    def current_choice(self, workshop: Workshop) -> Choice:
        """The choice in the open exercise: the recorded one, else its starting choice."""
        return self.choice if self.choice is not None else workshop.exercise(self.exercise).start.choice


def start(workshop: Workshop) -> Progress:
    """A fresh attendee: the first exercise, nothing done."""
    return Progress(exercise=workshop.ids[0])


def _one(values: Sequence[str]) -> str:
    return values[-1]


def _items(values: Sequence[str]) -> list[str]:
    return [item.strip() for item in ",".join(values).split(",") if item.strip()]


def progress_from_query_params(
    params: Mapping[str, Sequence[str] | str], workshop: Workshop
) -> tuple[Progress, list[str]]:
    """The progress a URL describes for this workshop, and one message per parameter it ignored (and why)."""
    raw = {key: [value] if isinstance(value, str) else [str(v) for v in value] for key, value in params.items()}
    raw = {key: values for key, values in raw.items() if values}
    problems: list[str] = []
    ids = workshop.ids

    def ignored(key: str, expected: str) -> None:
        problems.append(f"URL parameter '{key}={','.join(raw[key])}' ignored: expected {expected}")

    progress = start(workshop)
    if EXERCISE_KEY in raw:
        if _one(raw[EXERCISE_KEY]) in ids:
            progress = progress.open(_one(raw[EXERCISE_KEY]))
        else:
            ignored(EXERCISE_KEY, f"an exercise of this workshop ({', '.join(ids)})")
    if DONE_KEY in raw:
        done = _items(raw[DONE_KEY])
        if all(item in ids for item in done):
            progress = progress.model_copy(update={"done": tuple(dict.fromkeys(done))})
        else:
            ignored(DONE_KEY, "exercise ids, comma-separated")
    if HINTS_KEY in raw:
        hints: dict[str, int] = {}
        for item in _items(raw[HINTS_KEY]):
            name, _, count = item.rpartition(":")
            if name not in ids or not count.isdigit():
                hints = {}
                ignored(HINTS_KEY, "EXERCISE:COUNT pairs, comma-separated")
                break
            hints[name] = min(int(count), len(workshop.exercise(name).hints))
        progress = progress.model_copy(update={"hints": {k: v for k, v in hints.items() if v > 0}})
    if PRESENT_KEY in raw:
        value = _one(raw[PRESENT_KEY]).lower()
        if value in ("1", "true", "0", "false"):
            progress = progress.model_copy(update={"present": value in ("1", "true")})
        else:
            ignored(PRESENT_KEY, "1 or 0")
    choice, problem = _choice_from(raw, workshop.exercise(progress.exercise))
    if problem is not None:
        problems.append(problem)
    if choice is not None:
        progress = progress.choose(workshop.exercise(progress.exercise), choice)
    return progress, problems


def _choice_from(raw: dict[str, list[str]], exercise: Exercise) -> tuple[Choice | None, str | None]:
    """The choice the URL states for the open exercise, or None (with the reason when it was ignored)."""
    keys = [key for key in (STRATEGY_KEY, THRESHOLDS_KEY, FALLBACK_KEY, RECALIBRATION_KEY) if key in raw]
    if not keys:
        return None, None
    base = exercise.start.choice.model_dump()
    text = "&".join(f"{key}={','.join(raw[key])}" for key in keys)
    try:
        if STRATEGY_KEY in raw:
            base["strategy"] = _one(raw[STRATEGY_KEY])
            if base["strategy"] != exercise.start.strategy:
                base["thresholds"] = None  # another strategy starts at its own default thresholds
        if THRESHOLDS_KEY in raw:
            base["thresholds"] = tuple(float(t) for t in _items(raw[THRESHOLDS_KEY]))
        if FALLBACK_KEY in raw:
            pairs = [item.rpartition(":") for item in _items(raw[FALLBACK_KEY])]
            if any(not name or not sep for name, sep, _ in pairs):
                raise ValueError("write FAILURE:POLICY")
            base["fallback"] = {name: policy for name, _, policy in pairs}
        if RECALIBRATION_KEY in raw:
            base["recalibration"] = _one(raw[RECALIBRATION_KEY])
        choice = Choice.model_validate(base)
    except (ValueError, ValidationError):
        return None, f"URL parameters '{text}' ignored: not a valid choice (strategy, thresholds in [0, 1], policies)"
    problem = exercise.choice_problem(choice)
    if problem is not None:
        return None, f"URL parameters '{text}' ignored: {problem}"
    return choice, None


def progress_to_query_params(progress: Progress, workshop: Workshop) -> dict[str, str]:
    """The URL parameters of a progress: only what differs from a fresh start."""
    out: dict[str, str] = {}
    if progress.exercise != workshop.ids[0]:
        out[EXERCISE_KEY] = progress.exercise
    if progress.done:
        out[DONE_KEY] = ",".join(progress.done)
    if progress.hints:
        out[HINTS_KEY] = ",".join(f"{k}:{v}" for k, v in progress.hints.items() if v > 0)
    if progress.present:
        out[PRESENT_KEY] = "1"
    choice = progress.choice
    if choice is not None:
        start = workshop.exercise(progress.exercise).start.choice
        if choice.strategy != start.strategy:
            out[STRATEGY_KEY] = choice.strategy
        implied = start.thresholds if choice.strategy == start.strategy else None  # what reading back assumes
        if choice.thresholds is not None and choice.thresholds != implied:
            out[THRESHOLDS_KEY] = ",".join(f"{t:.6g}" for t in choice.thresholds)
        if choice.fallback != start.fallback:
            out[FALLBACK_KEY] = ",".join(f"{k}:{v}" for k, v in choice.fallback.items())
        if choice.recalibration != start.recalibration:
            out[RECALIBRATION_KEY] = choice.recalibration
    return out
