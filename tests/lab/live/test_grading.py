import pytest

from lab.live.grading import grade_against_reference, reference_method


@pytest.mark.parametrize(
    ("answer", "reference", "correct"),
    [
        ("So she has 18 apples.\nAnswer: 18", "18", True),
        ("Step 1: 3 x 4 = 12. Step 2: 12 + 6 = 18", "18", True),  # no Answer line: the last number
        ("Answer: 1,250", "1250", True),
        ("Answer: $7.50", "7.5", True),
        ("First 18, then 19.\nAnswer: 19", "#### 18", False),
        ("The answer is 18 and then 20", "18", False),  # the last number counts, not any number
        ("I am not sure.", "18", False),
        ("Answer: -4", "-4", True),
    ],
)
def test_numeric_final_answers(answer, reference, correct):
    grade = grade_against_reference(answer, reference)
    assert grade.method == "numeric"
    assert grade.correct is correct


@pytest.mark.parametrize(
    ("answer", "reference", "correct"),
    [
        ("The capital is Paris, so (B).", "B", True),
        ("Answer: b", "B", True),
        ("Answer: (C) Lyon", "B", False),
        ("A) is wrong, the right one is C.", "C", True),
        ("I would pick option B. Actually no: Answer: D", "D", True),
        ("none of them", "A", False),
    ],
)
def test_multiple_choice_letters(answer, reference, correct):
    grade = grade_against_reference(answer, reference)
    assert grade.method == "choice"
    assert grade.correct is correct


def test_exact_text_matches_after_normalising_case_spaces_and_punctuation():
    assert grade_against_reference("Answer:  New   York.", "new york").correct
    assert not grade_against_reference("Answer: New Jersey", "new york").correct
    assert reference_method("new york") == "exact"
    assert reference_method("(c)") == "choice"
    assert reference_method("#### 42") == "numeric"
