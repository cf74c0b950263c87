"""``python -m bench.serve_asyncio serve ...``: ``parcours serve`` on the stdlib asyncio loop.

uvicorn picks uvloop whenever it is installed; hiding it measures what a plain install gets.
"""

import sys

sys.modules["uvloop"] = None  # type: ignore[assignment]

from server.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
