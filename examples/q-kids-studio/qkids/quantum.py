"""Kid-friendly blocks compiled to a circuit, and a tiny exact state-vector simulator (up to 3 qubits).

Blocks (a program is a space-separated list, e.g. "coin-0 twin-0-1"):

    coin-Q        Hadamard on qubit Q (a fair coin: heads and tails at once)
    flip-Q        X on Q (turn the coin over)
    colour-Q      Z on Q (change the hidden colour: a phase flip)
    twin-A-B      CNOT from A to B (B copies A: the twins)
    mark-A-B      CZ between A and B (paint the valley)
    monster-Q     the noise monster: an X the kid must undo

Probabilities are exact (no sampling), so the same blocks always give the same answer.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from qkids.errors import BlockError

GATES = {"coin": 1, "flip": 1, "colour": 1, "monster": 1, "twin": 2, "mark": 2}
BLOCK = re.compile(r"^([a-z]+)((?:-\d)+)$")
MAX_BLOCKS = 40
R = 1 / math.sqrt(2)


@dataclass(frozen=True)
class Gate:
    name: str
    qubits: tuple[int, ...]

    def text(self) -> str:
        return "-".join([self.name, *map(str, self.qubits)])


def compile_blocks(program: str, n_qubits: int) -> list[Gate]:
    """Parse blocks into gates, with an error a child can read when a block is wrong."""
    words = program.lower().replace(",", " ").split()
    if len(words) > MAX_BLOCKS:
        raise BlockError(f"too many blocks ({len(words)}); the most is {MAX_BLOCKS}")
    gates = []
    for w in words:
        m = BLOCK.match(w)
        if not m or m.group(1) not in GATES:
            raise BlockError(f"'{w}' is not a block I know; try one of: {', '.join(GATES)}")
        qubits = tuple(int(q) for q in m.group(2).strip("-").split("-"))
        if len(qubits) != GATES[m.group(1)] or any(q >= n_qubits for q in qubits) or len(set(qubits)) != len(qubits):
            raise BlockError(f"'{w}' needs {GATES[m.group(1)]} different qubit number(s) below {n_qubits}")
        gates.append(Gate(m.group(1), qubits))
    return gates


def simulate(gates: list[Gate], n_qubits: int) -> dict[str, float]:
    """Measurement probabilities by bit string (qubit 0 is the leftmost bit), rounded to 3 places."""
    state = [0j] * (1 << n_qubits)
    state[0] = 1 + 0j
    for g in gates:
        state = _apply(state, g, n_qubits)
    out = {}
    for i, a in enumerate(state):
        p = round(abs(a) ** 2, 3)
        if p > 0:
            out[format(i, f"0{n_qubits}b")[::-1]] = p
    return dict(sorted(out.items()))


def _bit(i: int, q: int) -> int:
    return (i >> q) & 1


def _apply(state: list[complex], g: Gate, n: int) -> list[complex]:
    new = list(state)
    if g.name == "coin":
        (q,) = g.qubits
        for i in range(1 << n):
            if not _bit(i, q):
                a, b = state[i], state[i | (1 << q)]
                new[i], new[i | (1 << q)] = R * (a + b), R * (a - b)
    elif g.name in ("flip", "monster"):
        (q,) = g.qubits
        new = [state[i ^ (1 << q)] for i in range(1 << n)]
    elif g.name == "colour":
        (q,) = g.qubits
        new = [-a if _bit(i, q) else a for i, a in enumerate(state)]
    elif g.name == "twin":
        c, t = g.qubits
        new = [state[i ^ (1 << t)] if _bit(i, c) else state[i] for i in range(1 << n)]
    elif g.name == "mark":
        a_, b_ = g.qubits
        new = [-a if _bit(i, a_) and _bit(i, b_) else a for i, a in enumerate(state)]
    return new
