"""A scripted class of 100 kids plays Q-Kids Studio; prints /stats (offline, one command).

    .venv/bin/python examples/q-kids-studio/class_of_100.py [WORKSPACE]

Every kid tries "twin magic". Most make one of three common mistakes and ask Professor Q for a
hint, then fix their blocks and ask the Game Master to check the mission. The same mistake by a
different kid is answered by replay (FOLLOWER, then a CRYSTALLIZED tool): no model call, $0.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

MISTAKES = ["twin-0-1 coin-0", "coin-0", "coin-0 coin-1"]  # the three mistakes children make most
SOLUTION = "coin-0 twin-0-1"


def play_class(client: Any, kids: int = 100) -> dict[str, Any]:
    """Each kid: a wrong try, a hint, the right blocks checked. Returns GET /stats."""
    for i in range(kids):
        kid = f"kid{i:03d}"
        mistake = MISTAKES[i % len(MISTAKES)]
        client.post("/play", json={"player": kid, "mission": "twin-magic", "blocks": mistake}).raise_for_status()
        client.post("/hint", json={"player": kid, "mission": "twin-magic", "blocks": mistake}).raise_for_status()
        body = {"player": kid, "mission": "twin-magic", "blocks": SOLUTION}
        client.post("/check-mission", json=body).raise_for_status()
    stats: dict[str, Any] = client.get("/stats").json()
    return stats


def main() -> None:
    from fastapi.testclient import TestClient
    from qkids.app import create_app

    workspace = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="qkids-"))
    with TestClient(create_app(workspace)) as client:
        stats = play_class(client)
        print(json.dumps(stats["hints"], indent=2))
        print("leaderboard top 3:", [(p["name"], p["total_stars"]) for p in client.get("/leaderboard").json()[:3]])


if __name__ == "__main__":
    main()
