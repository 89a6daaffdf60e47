"""`routing-lab workshop check [FILE]`: a workshop checked against the engine without pytest (every goal unmet at
its exercise's start and met at its stated solution; ok / FAIL / skip per exercise)."""

from __future__ import annotations

import argparse

from lab.core.errors import LabError


def add_parser(sub) -> None:
    """The workshop subcommand."""
    ws = sub.add_parser("workshop", help="check a workshop file: every goal unmet at its start, met at its solution")
    ws.add_argument("action", choices=["check"])
    ws.add_argument("workshop", nargs="?", default="default", help="a built-in workshop name or a YAML file")
    ws.add_argument("--data-dir", default=None, help="folder with the public data sets (replayed exercises)")


def workshop_command(args: argparse.Namespace) -> int:
    """Validate a workshop and check every exercise against the engine; 1 when one is not honest."""
    from lab.workshop.exercises import load_workshop
    from lab.workshop.measure import exercise_experiment, goal_status, stage

    workshop = load_workshop(args.workshop)
    dishonest = skipped = 0
    for k, exercise in enumerate(workshop.exercises, start=1):
        try:
            experiment = exercise_experiment(exercise, args.data_dir)
        except LabError as exc:  # e.g. a replay without the public data: say so, check the rest
            print(f"skip\t{k}. {exercise.id}: {exc}")
            skipped += 1
            continue
        at_start = goal_status(exercise, stage(experiment, exercise.start))
        solved = goal_status(exercise, stage(experiment, exercise.solution_view))
        honest = not at_start.met and solved.met
        dishonest += not honest
        problem = (
            "" if honest else (" (goal already met at the start)" if at_start.met else " (solution misses the goal)")
        )
        print(f"{'ok' if honest else 'FAIL'}\t{k}. {exercise.id}{problem}")
        print(f"\tstart: {at_start.summary()}\n\tsolution: {solved.summary()}")
    checked = len(workshop.exercises) - skipped
    print(f"{checked - dishonest} of {checked} exercises checked ok, {skipped} skipped ({workshop.minutes} minutes)")
    return 1 if dishonest else 0
