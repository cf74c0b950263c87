"""Command-line options of the fault suite (tests/faults).

pytest reads options only from the conftest files it loads before parsing the command line (the
rootdir's and those of the paths given), so ``--soak`` lives here, where ``pytest --soak`` from
the project's root finds it as well as ``pytest tests/faults --soak``.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("faults", "fault and soak tests (tests/faults)")
    group.addoption(
        "--soak",
        action="store_true",
        default=False,
        help="run the long variants: 200 clients through a bad network for --soak-minutes",
    )
    group.addoption(
        "--soak-minutes",
        type=float,
        default=30.0,
        help="how long the soak runs (default 30)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With --soak, the soak test may run past the suite's 120 s timeout: give it its length."""
    if not config.getoption("--soak"):
        return
    limit = config.getoption("--soak-minutes") * 60 + 600
    for item in items:
        if "soak" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.timeout(limit))
