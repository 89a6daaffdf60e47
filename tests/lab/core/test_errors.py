from lab.core.errors import DataError, LabError


def test_data_error_names_file_row_column_and_fix():
    err = DataError("not a number", file="log.csv", row=7, column="quality", fix="write 0 or 1")
    assert isinstance(err, LabError)
    assert str(err) == "log.csv, row 7, column 'quality': not a number (write 0 or 1)"


def test_data_error_without_a_place_is_just_the_problem():
    assert str(DataError("empty file")) == "empty file"
