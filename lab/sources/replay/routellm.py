"""RouteLLM's evaluation data (lm-sys/RouteLLM, routellm/evals): MMLU, GSM8K and MT-Bench outcomes.

GPT-4 (gpt-4-1106-preview) against Mixtral-8x7B-Instruct. Prompts listed in each set's
contaminated_prompts.jsonl (matched on `eval_prompt`) are dropped as upstream does, and the
number dropped is stated in the notes.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from lab.core.errors import DataError
from lab.sources.outcome_files import read_bytes, read_table
from lab.sources.outcome_values import correctness, nonnegative, require_columns, text_column
from lab.sources.outcomes import OutcomeTable

EVALS = "routellm/routellm/evals"
SOURCE = "RouteLLM (lm-sys/RouteLLM @ 0b64fda, Apache-2.0)"
ROUTED_PAIR = ("mistralai/Mixtral-8x7B-Instruct-v0.1", "gpt-4-1106-preview")  # weak, strong
JUDGE_SCORE_RANGE = (1.0, 10.0)

_ANSWER_TURN_1 = re.compile(r"\[The Start of Assistant's Answer\]\n(.*?)\n\[The End of Assistant's Answer\]", re.S)
_ANSWER_TURN_2 = re.compile(r".*### Assistant A:\n(.*?)\s*<\|The End of Assistant A's Conversation with User\|>", re.S)


def parse_contaminated(data: bytes, filename: str) -> frozenset[str]:
    """The `eval_prompt` values of a contaminated_prompts.jsonl file."""
    frame = read_table(data, filename, "jsonl")
    require_columns(frame, ["eval_prompt"], filename)
    return frozenset(text_column(frame, "eval_prompt", filename))


def _drop_contaminated(table: OutcomeTable, keep: np.ndarray) -> OutcomeTable:
    return table.take(
        keep,
        f"contamination: {int((~keep).sum()):,} prompts listed in upstream's contaminated_prompts.jsonl "
        f"dropped ({len(keep):,} -> {int(keep.sum()):,} queries)",
    )


def parse_correctness_csv(data: bytes, filename: str) -> tuple[np.ndarray, tuple[str, ...], np.ndarray, pd.DataFrame]:
    """A RouteLLM responses CSV: (prompts, model names, correctness (n, m), the table)."""
    frame = read_table(data, filename, "csv")
    require_columns(frame, ["prompt"], filename)
    models = tuple(c for c in frame.columns if c != "prompt" and not c.endswith("_response"))
    if len(models) < 2:
        raise DataError(
            f"has {len(models)} model column(s) besides 'prompt'; routing needs at least 2",
            file=filename,
            fix="one True/False column per model",
        )
    prompts = text_column(frame, "prompt", filename)
    quality = np.column_stack([correctness(frame, model, filename) for model in models])
    return prompts, models, quality, frame


def _mmlu_subject(path: Path) -> str:
    return path.stem.removeprefix("mmlu_")


def mmlu_table(root: Path) -> OutcomeTable:
    """The 57 MMLU subject files, category = subject, contaminated prompts dropped."""
    folder = root / EVALS / "mmlu"
    files = sorted((folder / "responses").glob("mmlu_*.csv"))
    if not files:
        raise DataError("holds no mmlu_<subject>.csv files", file=str(folder / "responses"))
    texts, categories, ids, qualities = [], [], [], []
    models: tuple[str, ...] | None = None
    for path in files:
        prompts, names, quality, _ = parse_correctness_csv(read_bytes(path), str(path))
        if models is None:
            models = names
        elif names != models:
            raise DataError(
                f"names the models {', '.join(names)}, other subject files {', '.join(models)}", file=str(path)
            )
        subject = _mmlu_subject(path)
        texts.append(prompts)
        categories.append(np.full(len(prompts), subject, dtype=object))
        ids.append(np.array([f"{subject}-{i}" for i in range(len(prompts))], dtype=object))
        qualities.append(quality)
    quality = np.concatenate(qualities)
    table = OutcomeTable(
        name="RouteLLM MMLU",
        model_names=models or (),
        ids=np.concatenate(ids),
        text=np.concatenate(texts),
        category=np.concatenate(categories),
        quality=quality,
        output_tokens=np.full(quality.shape, np.nan),
        notes=(f"{SOURCE}: MMLU, {len(files)} subject files, correctness as recorded",),
    )
    contaminated = folder / "contaminated_prompts.jsonl"
    bad = parse_contaminated(read_bytes(contaminated), str(contaminated))
    return _drop_contaminated(table, ~np.isin(table.text, list(bad)))


def parse_gsm8k(data: bytes, filename: str) -> OutcomeTable:
    """The GSM8K responses CSV: correctness per model and each model's recorded answer."""
    prompts, models, quality, frame = parse_correctness_csv(data, filename)
    answers = np.empty(quality.shape, dtype=object)
    for j, model in enumerate(models):
        column = f"{model}_response"
        answers[:, j] = (
            frame[column].where(frame[column].notna(), None).to_numpy(dtype=object) if column in frame else None
        )
    return OutcomeTable(
        name="RouteLLM GSM8K",
        model_names=models,
        ids=np.arange(1, len(prompts) + 1),
        text=prompts,
        category=np.full(len(prompts), "grade-school math", dtype=object),
        quality=quality,
        output_tokens=np.full(quality.shape, np.nan),
        answers=answers,
        notes=(f"{SOURCE}: GSM8K, correctness as recorded; output tokens counted from each model's recorded answer",),
    )


def gsm8k_table(root: Path) -> OutcomeTable:
    """GSM8K with contaminated prompts dropped."""
    folder = root / EVALS / "gsm8k"
    path = folder / "gsm8k_responses.csv"
    table = parse_gsm8k(read_bytes(path), str(path))
    contaminated = folder / "contaminated_prompts.jsonl"
    bad = parse_contaminated(read_bytes(contaminated), str(contaminated))
    return _drop_contaminated(table, ~np.isin(table.text, list(bad)))


def _question_turns(frame: pd.DataFrame, filename: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    require_columns(frame, ["question_id", "turns"], filename)
    ids = nonnegative(frame, "question_id", filename, allow_missing=False)
    turns = frame["turns"].to_numpy(dtype=object)
    ok = np.array([isinstance(t, list) and len(t) >= 2 and all(isinstance(s, str) for s in t[:2]) for t in turns])
    if not ok.all():
        raise DataError("is not a list of two user turns", file=filename, row=int(np.argmax(~ok)) + 1, column="turns")
    first = np.array([t[0] for t in turns], dtype=object)
    second = np.array([t[1] for t in turns], dtype=object)
    return ids.astype(np.int64), first, second


def parse_mt_bench(judgements: bytes, questions: bytes, contaminated: bytes, folder: str = "mt_bench") -> OutcomeTable:
    """MT-Bench judgements per (question, turn): GPT-4 judge scores 1-10 normalised to (s - 1) / 9."""
    jfile, qfile, cfile = (
        f"{folder}/judgements.jsonl",
        f"{folder}/question.jsonl",
        f"{folder}/contaminated_prompts.jsonl",
    )
    judged = read_table(judgements, jfile, "jsonl")
    require_columns(judged, ["question_id", "model", "turn", "score"], jfile)
    qframe = read_table(questions, qfile, "jsonl")
    qids, turn1, turn2 = _question_turns(qframe, qfile)
    category = (
        qframe["category"].fillna("(none)").astype(str).to_numpy(dtype=object)
        if "category" in qframe
        else np.full(len(qids), "all", dtype=object)
    )
    if len(np.unique(qids)) != len(qids):
        raise DataError("repeats a question id", file=qfile, column="question_id")
    bad = parse_contaminated(contaminated, cfile)
    clean = ~(np.isin(turn1, list(bad)) | np.isin(turn2, list(bad)))

    score = nonnegative(judged, "score", jfile, allow_missing=False)
    low, high = JUDGE_SCORE_RANGE
    out_of_range = (score < low) | (score > high)
    if out_of_range.any():
        raise DataError(
            f"is outside the judge's {low:g}-{high:g} scale",
            file=jfile,
            row=int(np.argmax(out_of_range)) + 1,
            column="score",
        )
    turn = nonnegative(judged, "turn", jfile, allow_missing=False)
    if not np.isin(turn, (1, 2)).all():
        raise DataError("is not 1 or 2", file=jfile, row=int(np.argmax(~np.isin(turn, (1, 2)))) + 1, column="turn")
    qid = nonnegative(judged, "question_id", jfile, allow_missing=False).astype(np.int64)
    model = text_column(judged, "model", jfile)
    key = pd.DataFrame({"qid": qid, "turn": turn.astype(np.int64), "model": model})
    repeated = key.duplicated().to_numpy()
    if repeated.any():
        raise DataError(
            "judges a (question, turn, model) already judged",
            file=jfile,
            row=int(np.argmax(repeated)) + 1,
            column="question_id",
        )
    seen = list(dict.fromkeys(model))  # order of first appearance, RouteLLM's pair weak-first
    models = tuple(
        sorted(seen, key=lambda m: ROUTED_PAIR.index(m) if m in ROUTED_PAIR else len(ROUTED_PAIR) + seen.index(m))
    )
    if len(models) < 2:
        raise DataError(f"judges {len(models)} model(s); routing needs at least 2", file=jfile, column="model")

    prompts = judged["user_prompt"].astype(str) if "user_prompt" in judged else pd.Series([""] * len(judged))
    answer = np.where(
        turn == 1, prompts.str.extract(_ANSWER_TURN_1, expand=False), prompts.str.extract(_ANSWER_TURN_2, expand=False)
    )
    key["quality"] = (score - low) / (high - low)
    key["answer"] = answer
    wide = key.pivot(index=["qid", "turn"], columns="model")
    rows = pd.MultiIndex.from_product([qids[clean], [1, 2]], names=["qid", "turn"])
    wide = wide.reindex(rows)
    quality = wide["quality"].reindex(columns=list(models)).to_numpy(dtype=np.float64)
    answers = wide["answer"].reindex(columns=list(models)).to_numpy(dtype=object)
    answers[pd.isna(answers)] = None

    position = {q: i for i, q in enumerate(qids)}
    index = np.array([position[q] for q in rows.get_level_values("qid")])
    turn_no = rows.get_level_values("turn").to_numpy()
    text = np.where(turn_no == 1, turn1[index], turn1[index] + "\n\n" + turn2[index]).astype(object)
    dropped_q = int((~clean).sum())
    return OutcomeTable(
        name="RouteLLM MT-Bench",
        model_names=models,
        ids=np.array([f"{q}-turn{t}" for q, t in zip(rows.get_level_values("qid"), turn_no)], dtype=object),
        text=text,
        category=category[index],
        quality=quality,
        output_tokens=np.full(quality.shape, np.nan),
        answers=answers,
        notes=(
            f"{SOURCE}: MT-Bench, one query per (question, turn); GPT-4 judge score s in 1-10 as quality (s - 1) / 9",
            f"contamination: {dropped_q} questions ({2 * dropped_q} turns) with a turn listed in upstream's "
            f"contaminated_prompts.jsonl dropped ({len(qids)} -> {int(clean.sum())} questions)",
            "turn 2's text and prompt tokens are the user's two turns; the first answer a real call would resend is not counted",
            "output tokens counted from each model's answer as quoted in the judge's prompt",
        ),
    )


def mt_bench_table(root: Path) -> OutcomeTable:
    """MT-Bench from the data directory."""
    folder = root / EVALS / "mt_bench"
    return parse_mt_bench(
        read_bytes(folder / "judgements.jsonl"),
        read_bytes(folder / "question.jsonl"),
        read_bytes(folder / "contaminated_prompts.jsonl"),
        str(folder),
    )
