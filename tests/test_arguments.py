import numpy as np
import pytest

from utils._arguments import check_int


def test_returns_a_plain_int():
    value = check_int(np.int64(3), "n", minimum=1)
    assert value == 3 and type(value) is int


@pytest.mark.parametrize(
    "value, error, message",
    [
        (True, TypeError, "n must be an int, got bool"),
        (2.0, TypeError, "n must be an int, got float"),
        ("3", TypeError, "n must be an int, got str"),
        (None, TypeError, "n must be an int, got NoneType"),
        (0, ValueError, "n must be at least 1, got 0"),
        (10, ValueError, "n must be below 10, got 10"),
    ],
)
def test_bad_values_name_the_argument(value, error, message):
    with pytest.raises(error, match=message):
        check_int(value, "n", minimum=1, maximum=10)


def test_none_only_when_allowed():
    assert check_int(None, "n", allow_none=True) is None
