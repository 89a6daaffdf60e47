"""A workshop: a YAML file of exercises, validated on load (like scenarios), with one clear message per problem.

An exercise puts the attendee in a situation (a built-in scenario, its size, failures at their
severities) with a starting choice (strategy, thresholds, fallback policy, recalibration), a task
in plain words, a goal the lab checks live (lab.workshop.goals), hints revealed one at a time, a
short debrief, and a stated solution: a choice that meets the goal in the same situation
(tests/lab/workshop/test_default_workshop.py checks that the start does not and the solution does).
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from lab.core.errors import LabError
from lab.core.scenario import SCENARIO_DIR, ReplaySource, Scenario, builtin_scenarios, load_scenario
from lab.core.strategies import list_strategies
from lab.core.yaml_text import parse_yaml_mapping, read_named_yaml
from lab.failures.calibration import RecalibrationMethod
from lab.failures.registry import get_failure
from lab.workshop.goals import Condition

WORKSHOP_DIR = SCENARIO_DIR / "workshops"
DEFAULT_WORKSHOP = "default"
MAX_WORKSHOP_QUERIES = 200_000  # an exercise's size: enough for any lesson, small enough for a room on one server

# The Lab page's figures (lab.present.lab_view): the one an exercise puts in front of the room.
Chart = Literal["frontier", "sweep", "split_model", "split_category", "quality", "monthly_cost"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Choice(_Strict):
    """What the attendee controls: the strategy, its thresholds, fallback policies, and the scorer's recalibration."""

    strategy: str
    thresholds: tuple[float, ...] | None = Field(
        default=None, description="one per tier boundary; default: the scenario's, else k/m"
    )
    fallback: dict[str, str] = Field(
        default_factory=dict, description="failure -> fallback policy (its variants); default: its first policy"
    )
    recalibration: RecalibrationMethod = "none"

    @field_validator("thresholds")
    @classmethod
    def _unit(cls, value: tuple[float, ...] | None) -> tuple[float, ...] | None:
        if value is not None and (not value or any(not 0.0 <= t <= 1.0 for t in value)):
            raise ValueError("thresholds are numbers in [0, 1], one per tier boundary")
        return value


class View(Choice):
    """A whole view: the situation (failures at their severities, the number of synthetic queries) and a choice."""

    failures: dict[str, float] = Field(default_factory=dict, description="failure -> severity in (0, 1]")
    size: int | None = Field(
        default=None, ge=100, le=MAX_WORKSHOP_QUERIES, description="synthetic queries; default: the scenario's"
    )

    @field_validator("failures")
    @classmethod
    def _known(cls, value: dict[str, float]) -> dict[str, float]:
        for name, severity in value.items():
            try:
                get_failure(name)
            except LabError as exc:
                raise ValueError(str(exc)) from None
            if not 0.0 < severity <= 1.0:
                raise ValueError(f"severity of '{name}' is {severity}: give a number in (0, 1]")
        return value

    @property
    def choice(self) -> Choice:
        """The attendee's part of this view."""
        return Choice(
            strategy=self.strategy, thresholds=self.thresholds, fallback=self.fallback, recalibration=self.recalibration
        )

    def with_choice(self, choice: Choice) -> View:
        """The same situation with another choice."""
        return View(**choice.model_dump(), failures=self.failures, size=self.size)


class Exercise(_Strict):
    """One exercise: a situation and a starting choice, a task, a live goal, hints, a debrief and a stated solution."""

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", description="a short slug, used in links")
    title: str = Field(min_length=1)
    minutes: int = Field(ge=1, le=90, description="time the facilitator plans for it")
    scenario: str = Field(description="a built-in scenario (`routing-lab list scenarios`)")
    start: View
    strategies: tuple[str, ...] | None = Field(
        default=None, description="the strategies the attendee may pick; default: every one but the hindsight oracle"
    )
    chart: Chart = "frontier"
    task: str = Field(min_length=1)
    goal: list[Condition] = Field(min_length=1)
    hints: list[str] = Field(min_length=1)
    debrief: str = Field(min_length=1)
    solution: Choice

    @model_validator(mode="after")
    def _consistent(self) -> Exercise:
        scenario = self.base_scenario
        models = list(scenario.models)
        infos = {info.name: info for info in list_strategies(models)}
        usable = [name for name, info in infos.items() if not info.hindsight]
        allowed = list(self.strategies) if self.strategies is not None else usable
        for name in allowed:
            if name not in infos:
                raise ValueError(f"strategies: '{name}' is not a strategy here; known: {', '.join(usable)}")
            if infos[name].hindsight:
                raise ValueError(f"strategies: '{name}' reads the outcomes it is judged on; leave it out")
        if isinstance(scenario.source, ReplaySource) and self.start.size is not None:
            raise ValueError(f"start.size: {self.scenario} replays recorded data, its size is fixed; leave size out")
        for where, choice in (("start", self.start.choice), ("solution", self.solution)):
            problem = self.choice_problem(choice, allowed)
            if problem is not None:
                raise ValueError(f"{where}.{problem}")
        for name in self.start.failures:
            missed = [s for s in allowed if not get_failure(name).applies_to(s)]
            if missed:
                raise ValueError(
                    f"start.failures: '{name}' does not touch {', '.join(missed)}; limit strategies to those it touches"
                )
        if self.solution == self.start.choice:
            raise ValueError("solution: it is the starting choice; state the choice that meets the goal")
        return self

    def choice_problem(self, choice: Choice, allowed: list[str] | None = None) -> str | None:
        """Why `choice` cannot be made in this exercise ("field: what is wrong"), or None when it can."""
        allowed = self.allowed_strategies() if allowed is None else allowed
        n_models = len(self.base_scenario.models)
        if choice.strategy not in allowed:
            return f"strategy: '{choice.strategy}' is not one of {', '.join(allowed)}"
        if choice.thresholds is not None and len(choice.thresholds) != n_models - 1:
            return f"thresholds: give {n_models - 1} (one per tier boundary)"
        for name, policy in choice.fallback.items():
            if name not in self.start.failures:
                return f"fallback: '{name}' is not one of this exercise's failures"
            policies = list(get_failure(name).variants)
            if policy not in policies:
                return f"fallback: '{name}' has no policy '{policy}'; known: {', '.join(policies) or 'none'}"
        return None

    def view(self, choice: Choice | None = None) -> View:
        """The view of a choice in this exercise's situation (the starting view when None)."""
        return self.start if choice is None else self.start.with_choice(choice)

    @property
    def solution_view(self) -> View:
        """The stated solution as a whole view."""
        return self.view(self.solution)

    @cached_property
    def base_scenario(self) -> Scenario:
        """The exercise's built-in scenario as its file states it (read once per exercise)."""
        return _scenario(self.scenario)

    def allowed_strategies(self) -> list[str]:
        """The strategies the attendee may pick, in the lab's order."""
        infos = list_strategies(list(self.base_scenario.models))
        if self.strategies is not None:
            return [info.name for info in infos if info.name in self.strategies]
        return [info.name for info in infos if not info.hindsight]

    def scenario_of(self) -> Scenario:
        """The exercise's scenario at its size."""
        scenario = self.base_scenario
        return scenario if self.start.size is None else scenario.with_queries(self.start.size)


class Workshop(_Strict):
    """A workshop: a title, a short description and its exercises in order."""

    name: str = Field(min_length=1)
    title: str = Field(min_length=1)
    description: str = ""
    exercises: list[Exercise] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Workshop:
        seen: set[str] = set()
        for exercise in self.exercises:
            if exercise.id in seen:
                raise ValueError(f"two exercises have the id '{exercise.id}'; give each its own")
            seen.add(exercise.id)
        return self

    def exercise(self, exercise_id: str) -> Exercise:
        """The exercise with this id; an unknown id is an error listing the known ones."""
        for exercise in self.exercises:
            if exercise.id == exercise_id:
                return exercise
        raise LabError(f"no exercise '{exercise_id}' in {self.name}; known: {', '.join(self.ids)}")

    @property
    def ids(self) -> list[str]:
        """The exercises' ids in order."""
        return [exercise.id for exercise in self.exercises]

    @property
    def minutes(self) -> int:
        """The planned time of every exercise together."""
        return sum(exercise.minutes for exercise in self.exercises)


def _scenario(name: str) -> Scenario:
    if name not in builtin_scenarios():
        raise ValueError(f"scenario: '{name}' is not a built-in scenario; known: {', '.join(builtin_scenarios())}")
    return load_scenario(name)


def builtin_workshops() -> dict[str, Path]:
    """Built-in workshop names and their files."""
    return {path.stem: path for path in sorted(WORKSHOP_DIR.glob("*.yaml"))}


_FIELD_IN_MESSAGE = re.compile(r"^([a-z_]+(\.[a-z0-9_]+)*): ")


def _describe(error: ValidationError, data: Any) -> str:
    """One line: which exercise (number and id) and which field, then what is wrong."""
    first = error.errors()[0]
    loc = list(first["loc"])
    message = first["msg"].removeprefix("Value error, ")
    where = []
    if len(loc) >= 2 and loc[0] == "exercises" and isinstance(loc[1], int):
        k = loc[1]
        raw = data.get("exercises") if isinstance(data, dict) else None
        item = raw[k] if isinstance(raw, list) and k < len(raw) else None
        name = item.get("id") if isinstance(item, dict) else None
        where.append(f"exercise {k + 1}" + (f" ('{name}')" if isinstance(name, str) else ""))
        loc = loc[2:]
    field = ".".join(str(part) for part in loc)
    inner = _FIELD_IN_MESSAGE.match(message)
    if inner and not field:  # a check across fields says which one it is about
        field, message = inner.group(1), message[inner.end() :]
    if field:
        where.append(field)
    more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{', '.join(where) or '(top level)'}: {message}{more}"


def parse_workshop(text: str, origin: str = "<workshop>") -> Workshop:
    """A Workshop from YAML text; any problem is a LabError naming `origin`, the exercise and the field."""
    data = parse_yaml_mapping(text, origin, "a workshop is a YAML mapping with name, title and exercises")
    try:
        return Workshop.model_validate(data)
    except ValidationError as exc:
        raise LabError(f"{origin}: {_describe(exc, data)}") from None


def load_workshop(name_or_path: str | Path = DEFAULT_WORKSHOP) -> Workshop:
    """A built-in workshop by name, or a workshop file by path."""
    text, origin = read_named_yaml(name_or_path, builtin_workshops(), "workshop")
    return parse_workshop(text, origin=origin)
