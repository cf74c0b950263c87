"""``python -m bench.flame STACKS.txt``: the hottest functions of a py-spy ``raw`` profile.

Prints, for the top functions, the share of samples in which each is on the stack (inclusive)
and at the top of it (self), so a profile can be read and quoted in plain text.
"""

from __future__ import annotations

import sys
from collections import Counter


def top(path: str, n: int = 30, idle: bool = False) -> list[str]:
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in open(path, encoding="utf-8", errors="replace"):  # noqa: SIM115
        stack, _, count = line.rstrip().rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        if not idle and any("select" in f or f.split(" ")[0] == "_run_once" for f in frames[-1:]):
            continue
        k = int(count)
        total += k
        for frame in set(frames):
            inclusive[frame] += k
        own[frames[-1]] += k
    out = [f"{total} samples (idle loop excluded)" if not idle else f"{total} samples"]
    out.append(f"{'incl%':>6} {'self%':>6}  function")
    for frame, k in inclusive.most_common(n):
        out.append(f"{100 * k / total:6.1f} {100 * own[frame] / total:6.1f}  {frame}")
    out.append("-- top self --")
    for frame, k in own.most_common(n // 2):
        out.append(f"{100 * inclusive[frame] / total:6.1f} {100 * k / total:6.1f}  {frame}")
    return out


if __name__ == "__main__":
    sys.stdout.write(
        "\n".join(top(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 30)) + "\n"
    )
