"""The shell policy on its corpora, through the real `llmos policy check` command.

    PYTHONPATH=. .venv/bin/python bench/policy_corpus.py [--json] [--corpus all|public] [--policy-root DIR]

Prints the blocked rate (deny or ask) of the dangerous corpora (tests/policy_corpus.py DANGEROUS and
ASK, tests/policy_corpus_families.py FAMILIES and the held-out rounds, tests/policy_corpus_runners.py)
and the allowed rate of the ordinary
developer commands (BENIGN, tests/policy_corpus_dev.py BENIGN_DEV and tests/policy_corpus_arrays.py
BENIGN_ARRAYS), with every miss and false positive listed, and the time per check. Targets: every
dangerous command blocked, >= 99% of the ordinary ones allowed.

`--corpus public` runs only tests/policy_corpus_public.py: test strings of other agent tools'
detectors (openai/codex, destructive_command_guard, claude-code-safety-net, goose), each source's
dangerous cases (expected deny or ask) and safe cases (expected allow), and PUBLIC_PROBES, with a
line per source. `--policy-root DIR` checks with another checkout's `llmos policy check` (e.g. the
main branch, for a before/after figure) on this checkout's corpora.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.policy_corpus import ASK, BENIGN, DANGEROUS  # noqa: E402
from tests.policy_corpus_arrays import ARRAY_FAMILY, BENIGN_ARRAYS, HELD_OUT_ARRAYS  # noqa: E402
from tests.policy_corpus_dev import BENIGN_DEV  # noqa: E402
from tests.policy_corpus_families import FAMILIES, HELD_OUT, HELD_OUT_2, HELD_OUT_3, HELD_OUT_4, HELD_OUT_5  # noqa: E402
from tests.policy_corpus_public import PUBLIC, PUBLIC_PROBES  # noqa: E402
from tests.policy_corpus_runners import (  # noqa: E402
    BENIGN_FED,
    BENIGN_HELD_OUT_FED_2,
    BENIGN_HELD_OUT_RUNNERS,
    BENIGN_HELD_OUT_RUNNERS_2,
    BENIGN_HELD_OUT_RUNNERS_3,
    BENIGN_RUNNERS,
    BENIGN_RUNNERS_DEV,
    FED,
    HELD_OUT_FED_2,
    HELD_OUT_RUNNERS,
    HELD_OUT_RUNNERS_2,
    HELD_OUT_RUNNERS_3,
    RUNNERS,
)


def _check(workspace: Path, commands: list[str], root: Path = ROOT) -> list[dict[str, str]]:
    lines = "".join(json.dumps({"tool": "run_command", "input": {"command": c}}) + "\n" for c in commands)
    proc = subprocess.run(
        [sys.executable, "-m", "llmos", "policy", "check", "--workspace", str(workspace), "--rules"],
        input=lines,
        capture_output=True,
        text=True,
        cwd=root,
        check=True,
    )
    return [json.loads(line) for line in proc.stdout.splitlines()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--corpus", choices=("all", "public"), default="all", help="which corpora")
    parser.add_argument("--policy-root", type=Path, default=ROOT, help="the checkout whose policy is measured")
    args = parser.parse_args()
    public = {
        "public: deny expected (PUBLIC)": [c for c, e, _ in PUBLIC if e == "deny"],
        "public: ask at least (PUBLIC)": [c for c, e, _ in PUBLIC if e == "ask"],
        "public probes (PUBLIC_PROBES)": [c for c, e in PUBLIC_PROBES if e != "allow"],
    }
    public_benign = [c for c, e, _ in PUBLIC if e == "allow"] + [c for c, e in PUBLIC_PROBES if e == "allow"]
    groups = {
        "dangerous (DANGEROUS)": [c for c, _ in DANGEROUS],
        "ask-worthy (ASK)": [c for c, _ in ASK],
        "issue families (FAMILIES)": [c for c, _, _ in FAMILIES],
        "held-out probes (HELD_OUT)": list(HELD_OUT),
        "held-out round 2 (HELD_OUT_2)": list(HELD_OUT_2),
        "held-out round 3 (HELD_OUT_3)": list(HELD_OUT_3),
        "held-out round 4 (HELD_OUT_4)": list(HELD_OUT_4),
        "held-out round 5 (HELD_OUT_5)": list(HELD_OUT_5),
        "array family (ARRAY_FAMILY)": [c for c, _, _ in ARRAY_FAMILY],
        "held-out arrays (HELD_OUT_ARRAYS)": [c for c, _ in HELD_OUT_ARRAYS],
        "fed to an interpreter (FED)": [c for c, _, _ in FED],
        "runs its arguments (RUNNERS)": list(RUNNERS),
        "held-out runners (HELD_OUT_RUNNERS)": list(HELD_OUT_RUNNERS),
        "held-out runners 2 (HELD_OUT_RUNNERS_2)": list(HELD_OUT_RUNNERS_2),
        "held-out runners 3 (HELD_OUT_RUNNERS_3)": list(HELD_OUT_RUNNERS_3),
        "held-out fed 2 (HELD_OUT_FED_2)": list(HELD_OUT_FED_2),
    }
    benign = list(
        dict.fromkeys(
            BENIGN
            + BENIGN_DEV
            + BENIGN_ARRAYS
            + BENIGN_FED
            + BENIGN_RUNNERS
            + BENIGN_HELD_OUT_RUNNERS
            + BENIGN_HELD_OUT_RUNNERS_2
            + BENIGN_RUNNERS_DEV
            + BENIGN_HELD_OUT_RUNNERS_3
            + BENIGN_HELD_OUT_FED_2
            + public_benign
        )
    )
    groups.update(public)
    if args.corpus == "public":
        groups, benign = public, list(dict.fromkeys(public_benign))
    groups = {name: commands for name, commands in groups.items() if commands}
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        (ws / ".llmos").mkdir(parents=True)
        (ws / "llmos.toml").write_text("")
        (ws / ".llmos" / "llmos.db").write_text("")
        everything = [c for cs in groups.values() for c in cs] + benign
        started = time.perf_counter()
        answers = _check(ws, everything, args.policy_root.resolve())
        elapsed = time.perf_counter() - started
    out: dict[str, object] = {}
    i = 0
    report: list[str] = []
    for name, commands in groups.items():
        got = answers[i : i + len(commands)]
        i += len(commands)
        missed = [c for c, a in zip(commands, got, strict=True) if a["decision"] == "allow"]
        asked = sum(a["decision"] == "ask" for a in got)
        rate = 1 - len(missed) / len(commands)
        denied = len(commands) - len(missed) - asked
        out[name] = {
            "total": len(commands),
            "blocked_rate": round(rate, 4),
            "denied": denied,
            "asked": asked,
            "missed": missed,
        }
        report.append(
            f"{name:30} {len(commands):4d}  blocked {rate:7.2%}  missed {len(missed)}  (denied {denied}, asked {asked})"
        )
        report += [f"    MISSED: {c!r}" for c in missed]
        if "deny expected" in name:
            report += [f"    ONLY ASKED: {c!r}" for c, a in zip(commands, got, strict=True) if a["decision"] == "ask"]
    got = answers[i:]
    false_pos = [(c, a["rule"]) for c, a in zip(benign, got, strict=True) if a["decision"] != "allow"]
    allowed = 1 - len(false_pos) / len(benign)
    out["ordinary (BENIGN + BENIGN_DEV)"] = {
        "total": len(benign),
        "allowed_rate": round(allowed, 4),
        "blocked": [f"{c} ({r})" for c, r in false_pos],
    }
    report.append(
        f"{'ordinary (BENIGN + BENIGN_DEV)':30} {len(benign):4d}  allowed {allowed:7.2%}  blocked {len(false_pos)}"
    )
    report += [f"    BLOCKED: {c!r} ({r})" for c, r in false_pos]
    out["checks"] = len(everything)
    out["seconds"] = round(elapsed, 2)
    out["ms_per_check"] = round(elapsed / len(everything) * 1000, 2)
    report.append(
        f"{len(everything)} checks in {elapsed:.2f}s through `llmos policy check` ({out['ms_per_check']} ms each)"
    )
    if args.corpus == "public":
        verdicts = dict(zip(everything, answers, strict=True))
        out["by_source"] = _by_source(verdicts, report)
    print(json.dumps(out, indent=2) if args.json else "\n".join(report))


def _by_source(verdicts: dict[str, dict[str, str]], report: list[str]) -> dict[str, dict[str, int]]:
    """Per source repository of PUBLIC: dangerous cases blocked, safe cases allowed."""
    table: dict[str, dict[str, int]] = {}
    for command, expected, source in PUBLIC:
        row = table.setdefault(source.split(" ")[0], {"dangerous": 0, "blocked": 0, "safe": 0, "allowed": 0})
        got = verdicts[command]["decision"]
        if expected == "allow":
            row["safe"] += 1
            row["allowed"] += got == "allow"
        else:
            row["dangerous"] += 1
            row["blocked"] += got != "allow"
    for name, row in table.items():
        report.append(
            f"  {name:45} dangerous {row['blocked']:3d}/{row['dangerous']:<3d} blocked,"
            f" safe {row['allowed']:3d}/{row['safe']:<3d} allowed"
        )
    return table


if __name__ == "__main__":
    main()
