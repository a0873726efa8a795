from datetime import date

import pytest

from foicrawl.parsers.dates import parse_date


@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        ("8 February 2022", date(2022, 2, 8)),  # Herefordshire
        ("Tue 25 January 2022", date(2022, 1, 25)),  # Hastings
        ("Thu 03 February 2022", date(2022, 2, 3)),
        ("25/01/2022", date(2022, 1, 25)),  # Merthyr, UK day first
        ("Wednesday, January 8, 2020", date(2020, 1, 8)),  # Eilean Siar
        ("1st March 2020", date(2020, 3, 1)),
        ("2022-02-08", date(2022, 2, 8)),
        ("  15   October\u00a02024 ", date(2024, 10, 15)),
        ("31 February 2022", None),
        ("31 Febtember 2023", None),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_date(shown, expected):
    assert parse_date(shown) == expected
