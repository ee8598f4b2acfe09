"""Every llmos module imports cleanly when it is the first llmos module imported (no circular import
depends on which module a caller happens to import first), and the shell policy registers the same
checks whichever of its modules comes first.

One subprocess does the work: before each module it drops every `llmos` module from `sys.modules`,
so each import starts from nothing of llmos (third-party packages stay loaded, which changes no
import order inside llmos and keeps the run to seconds).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_SCRIPT = r"""
import importlib, json, pkgutil, sys, traceback

def fresh():
    for key in [k for k in sys.modules if k == "llmos" or k.startswith("llmos.")]:
        del sys.modules[key]

import llmos
names = sorted(m.name for m in pkgutil.walk_packages(llmos.__path__, "llmos.") if not m.name.endswith("__main__"))
failed = {}
for name in names:
    fresh()
    try:
        importlib.import_module(name)
    except BaseException as e:  # SystemExit too: importing must not run anything
        failed[name] = "".join(traceback.format_exception_only(type(e), e)).strip()

import llmos.kernel.policy as policy
policy_modules = sorted(m.name for m in pkgutil.iter_modules(policy.__path__, "llmos.kernel.policy."))
checks = {}
for name in policy_modules:
    fresh()
    try:
        importlib.import_module(name)
        registry = importlib.import_module("llmos.kernel.policy.commands").CHECKS
        checks[name] = {k: f"{f.__module__}.{f.__qualname__}" for k, f in registry.items()}
    except BaseException as e:
        failed[name] = "".join(traceback.format_exception_only(type(e), e)).strip()
print(json.dumps({"modules": len(names), "failed": failed, "checks": checks}))
"""


def _report() -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, cwd=ROOT, timeout=600, check=False
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    report: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return report


def test_every_module_imports_first_and_policy_checks_do_not_depend_on_order() -> None:
    report = _report()
    assert isinstance(report["modules"], int) and report["modules"] > 100
    assert report["failed"] == {}
    checks = report["checks"]
    assert isinstance(checks, dict) and len(checks) > 20
    first = next(iter(checks.values()))
    assert len(first) > 100
    for name, registered in checks.items():
        assert registered == first, f"importing {name} first registers other checks"
    # the names two modules check: the one that says `replaces=True` wins in every order
    assert first["sg"].startswith("llmos.kernel.policy.families.")
    assert first["rsync"] == "llmos.kernel.policy.families.check_rsync"
    assert first["pipx"] == "llmos.kernel.policy.protections.check_npx"


def test_a_second_check_for_a_name_must_say_it_replaces() -> None:
    from llmos.kernel.policy import commands

    def other(a: object, cmd: object) -> object:
        raise AssertionError("never called")

    try:
        commands.check("rm")(other)  # type: ignore[arg-type]
    except RuntimeError as e:
        assert "two policy checks for 'rm'" in str(e)
    else:
        raise AssertionError("a duplicate check was accepted")
    assert commands.CHECKS["rm"] is commands.check_rm
