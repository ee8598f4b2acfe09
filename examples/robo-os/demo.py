"""robo-os offline demo: pick-and-place learned, replayed and crystallized; a dangerous move blocked.

.venv/bin/python examples/robo-os/demo.py [WORKSPACE]            # the tour (offline, scripted model)
.venv/bin/python examples/robo-os/demo.py WORKSPACE --serve      # the app on http://127.0.0.1:8770
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from robo_os import Arm, open_robo, pick_place_goal

# the first two goals span the cell: a later goal replays only inside the places the supporting runs showed
SEQUENCE = [
    ((75, 20, 12), (22, 74, 35)),
    ((22, 74, 35), (73, 23, 14)),
    ((73, 23, 14), (45, 41, 26)),
    ((45, 41, 26), (31, 62, 17)),
    ((31, 62, 17), (58, 33, 29)),
    ((58, 33, 29), (27, 52, 21)),
    ((27, 52, 21), (66, 47, 32)),
    ((66, 47, 32), (39, 28, 15)),
]


async def tour(workspace: Path) -> None:
    arm = Arm(parts={"bolt": (75.0, 20.0, 12.0)})
    runtime, hook = open_robo(workspace, arm)
    async with runtime as os:
        print(arm.camera(), "\n")
        print(f"{'goal':<70} {'mode':<13} {'model calls':>11} {'cost $':>9}")
        for pick, place in SEQUENCE:
            r = await os.execute(pick_place_goal(pick, place))
            print(f"{pick_place_goal(pick, place):<70} {r.mode:<13} {r.llm_calls:>11} {r.cost_usd:>9.5f}")
        print("\n" + arm.camera(), "\n")
        here = tuple(int(v) for v in arm.position)
        for mode in ("crystallized", "learner"):
            goal = pick_place_goal(here, (72, 72, 20))  # type: ignore[arg-type]
            r = await os.execute(goal, mode=mode)
            print(f"[{mode}] {goal}\n  -> {r.output}")
            arm.set_gripper(False)
        print(f"\n{len(hook.denials)} unsafe command(s) denied; the arm never entered the prohibited zone.")
        stats = os.stats()
        print("runs by mode:", {m: v.get("runs") for m, v in (stats.get("by_mode") or {}).items()})


def serve(workspace: Path, port: int) -> None:
    import uvicorn
    from robo_os.app import create_app

    uvicorn.run(create_app(workspace), host="127.0.0.1", port=port)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workspace", nargs="?", type=Path)
    parser.add_argument("--serve", action="store_true", help="run the HTTP/WebSocket app instead of the tour")
    parser.add_argument("--port", type=int, default=8770)
    args = parser.parse_args()
    workspace = args.workspace or Path(tempfile.mkdtemp(prefix="robo-os-"))
    if args.serve:
        serve(workspace, args.port)
    else:
        asyncio.run(tour(workspace))


if __name__ == "__main__":
    main()
