"""One timing unit for every wait, scaled by PARCOURS_TEST_TIMEOUT_FACTOR on slow machines."""

import os

FACTOR = float(os.environ.get("PARCOURS_TEST_TIMEOUT_FACTOR", "1"))


def seconds(value: float) -> float:
    return value * FACTOR
