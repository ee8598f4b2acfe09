"""The six missions: what the blocks must produce, the blocks a mission forbids or needs, hints."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from qkids.errors import UnknownMission
from qkids.quantum import compile_blocks, simulate


@dataclass(frozen=True)
class Mission:
    name: str
    title: str
    story: str
    qubits: int
    want: dict[str, float]
    best: int  # blocks in the shortest solution (3 stars)
    start: str = ""  # blocks already placed (the noise monster, the message)
    forbid: tuple[str, ...] = ()
    need: tuple[str, ...] = ()
    only_qubit: int | None = None  # judge only this qubit (teleport: the message arrives on qubit 2)
    mistakes: dict[str, str] = field(default_factory=dict)  # result (as text) -> mistake code
    hints: dict[str, str] = field(default_factory=dict)  # mistake code -> hint

    def public(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "story": self.story, "qubits": self.qubits,
                "start": self.start, "forbid": list(self.forbid), "need": list(self.need)}  # fmt: skip


def _key(dist: dict[str, float]) -> str:
    return " ".join(f"{k}:{v:g}" for k, v in sorted(dist.items()))


MISSIONS = {m.name: m for m in [
    Mission("coin-flip", "Coin flip", "Make a quantum coin that lands heads or tails half the time each.",
            1, {"0": 0.5, "1": 0.5}, 1,
            mistakes={"0:1": "coin-not-spinning", "1:1": "flipped-not-spun"},
            hints={"coin-not-spinning": "Your coin never spins! Put a coin block on qubit 0.",
                   "flipped-not-spun": "A flip just turns the coin over. To make it spin, use a coin block."}),
    Mission("twin-magic", "Twin magic", "Make two qubits twins: whatever one shows, the other shows too.",
            2, {"00": 0.5, "11": 0.5}, 2, need=("twin",),
            mistakes={"00:0.5 10:0.5": "twin-before-coin", "00:0.25 01:0.25 10:0.25 11:0.25": "two-coins"},
            hints={"twin-before-coin": "The twin copies the first qubit. Spin the first qubit with a coin "
                                       "BEFORE the twin block!",
                   "missing-twin": "Qubit 0 spins, but qubit 1 does not copy it yet. Add a twin block from 0 to 1.",
                   "two-coins": "Two coins spin on their own, like strangers. Use one coin and a twin block instead."}),
    Mission("colour-change", "Colour change", "Turn qubit 0 into a 1 without any flip block: only coins and colours.",
            1, {"1": 1.0}, 3, forbid=("flip",), need=("colour",),
            mistakes={"0:1": "colour-hidden"},
            hints={"colour-hidden": "A colour change hides inside a spinning coin. Try coin, colour, coin.",
                   "missing-colour": "You need a colour block somewhere in the middle."}),
    Mission("teleport", "Teleport", "Send the message on qubit 0 to qubit 2 without touching qubit 2 with a flip.",
            3, {"1": 1.0}, 6, start="flip-0", forbid=("flip",), only_qubit=2,
            hints={"wrong-result": "First make qubits 1 and 2 twins (coin-1 twin-1-2), then twin 0 with 1 and spin 0. "
                                   "Finish with twin-1-2 and mark-0-2."}),
    Mission("noise-monsters", "Noise monsters", "A noise monster flipped qubit 1 of your twins! Fix them.",
            2, {"00": 0.5, "11": 0.5}, 1, start="coin-0 twin-0-1 monster-1",
            mistakes={"01:0.5 10:0.5": "monster-still-there"},
            hints={"monster-still-there": "The monster turned qubit 1 over. "
                                          "Turn it back with one flip block on qubit 1."}),
    Mission("valley-hunter", "Valley hunter", "Find the hidden valley 11 using the mark block (no peeking!).",
            2, {"11": 1.0}, 12, need=("mark",),
            hints={"missing-mark": "Hunters must mark the valley: use the mark-0-1 block.",
                   "wrong-result": "Spin both qubits, mark, spin both, flip both, mark, flip both, spin both."}),
]}  # fmt: skip


def get(name: str) -> Mission:
    try:
        return MISSIONS[name]
    except KeyError:
        raise UnknownMission(f"there is no mission '{name}'; the missions are: {', '.join(MISSIONS)}") from None


def check(name: str, blocks: str) -> dict[str, Any]:
    """Run the kid's blocks (after the mission's start blocks) and judge them."""
    m = get(name)
    gates = compile_blocks(blocks, m.qubits)
    used = {g.name for g in gates}
    got = simulate(compile_blocks(m.start, m.qubits) + gates, m.qubits)
    judged = got
    if m.only_qubit is not None:
        judged = {}
        for bits, p in got.items():
            judged[bits[m.only_qubit]] = round(judged.get(bits[m.only_qubit], 0.0) + p, 3)
    mistake = ""
    for block in m.forbid:
        if block in used:
            mistake = f"used-{block}"
    for block in m.need:
        if not mistake and block not in used:
            mistake = f"missing-{block}"
    passed = not mistake and judged == m.want
    if not passed and not mistake:
        mistake = m.mistakes.get(_key(judged), "wrong-result")
    stars = 0 if not passed else 3 if len(gates) <= m.best else 2 if len(gates) <= m.best + 2 else 1
    return {"mission": name, "passed": passed, "got": judged, "want": m.want, "mistake": mistake, "stars": stars}


def hint(name: str, mistake: str) -> str:
    m = get(name)
    if mistake.startswith("used-"):
        return f"This mission does not allow the {mistake[5:]} block. Can you do it another way?"
    return m.hints.get(mistake) or m.hints.get("wrong-result") or "Look at what your blocks make, and try one change."
