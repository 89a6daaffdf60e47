"""The per-query routes of a run as CSV (query id, category, score, tier, model, reason), safe in a spreadsheet.

A cell that starts with = + - @ (or a tab or carriage return) is a formula to Excel, LibreOffice and
Google Sheets: a query id, category or model label from someone's log could run one when the file is
opened. Such text cells get a leading apostrophe (OWASP's advice for CSV injection), which spreadsheets
show as text; numbers are written as numbers (scores to 12 significant digits).
"""

from __future__ import annotations

import csv
import io

import numpy as np

from lab.core.queryset import QuerySet
from lab.core.routing import Result, explain_routes
from lab.core.signals import Signals

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: object) -> str:
    """A text cell a spreadsheet shows as text, never runs as a formula."""
    text = str(cell)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def decisions_csv(queries: QuerySet, signals: Signals, result: Result, model_names: tuple[str, ...]) -> str:
    """One row per query: id, category, score (one per stage for a cascade), tier, model and the reason in words."""
    scores = signals.score if signals.score.ndim == 2 else signals.score[:, None]
    score_columns = ["score"] if scores.shape[1] == 1 else [f"score_stage_{k + 1}" for k in range(scores.shape[1])]
    reasons = explain_routes(signals, result, model_names, np.arange(queries.n_queries))
    out = io.StringIO()
    writer = csv.writer(out)  # excel dialect: quoted where needed, CRLF line ends
    writer.writerow(["query_id", "category", *score_columns, "tier", "model", "reason"])
    for i in range(queries.n_queries):  # rows of text for a file, written once per download
        tier = int(result.tier[i])
        writer.writerow(
            [
                spreadsheet_safe(queries.ids[i]),
                spreadsheet_safe(queries.category[i]),
                *(f"{float(s):.12g}" for s in scores[i]),
                tier,
                spreadsheet_safe(model_names[tier]),
                spreadsheet_safe(reasons[i]),
            ]
        )
    return out.getvalue()
