"""Sandbox(import_paths=...): host directories importable read-only by sandboxed code (e.g. qiskit)."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from llmos.exceptions import SandboxError
from llmos.execution.sandbox import Sandbox


def test_import_paths_must_be_real_non_system_directories(tmp_path: Path) -> None:
    with pytest.raises(SandboxError, match="import paths"):
        Sandbox(import_paths=(str(tmp_path / "missing"),))
    with pytest.raises(SandboxError, match="import paths"):
        Sandbox(import_paths=("/etc",))


@pytest.fixture(params=["/var/tmp", "/tmp"])
def lib(request: pytest.FixtureRequest) -> Iterator[Path]:
    """A host directory, outside the scratch and under it (a checkout or virtualenv in /tmp, bound
    after the sandbox's private /tmp so that it is not hidden)."""
    path = Path(tempfile.mkdtemp(dir=request.param, prefix="llmos-import-"))
    (path / "hello_mod.py").write_text("GREETING = 'hi from the host'\n", encoding="utf-8")
    path.chmod(0o755)  # readable by the sandbox's own uid, like a virtualenv's site-packages
    (path / "hello_mod.py").chmod(0o644)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


async def test_an_import_path_is_importable_and_read_only(lib: Path) -> None:
    sandbox = Sandbox(import_paths=(str(lib),))
    assert sandbox.available()[0], "bubblewrap is required (CI installs it)"
    code = (
        "import hello_mod\n"
        "def f(target):\n"
        "    try:\n"
        "        open(target, 'w').write('x')\n"
        "        wrote = True\n"
        "    except OSError:\n"
        "        wrote = False\n"
        "    return {'greeting': hello_mod.GREETING, 'wrote': wrote}\n"
    )
    result = await sandbox.run(code, function="f", args={"target": str(lib / "marker.txt")})
    assert result.ok, result.error
    assert result.value == {"greeting": "hi from the host", "wrote": False}
    assert "marker.txt" not in {p.name for p in await asyncio.to_thread(lambda: list(lib.iterdir()))}
    plain = await Sandbox().run("import hello_mod\ndef f():\n    return 1\n", function="f", args={})
    assert not plain.ok and "hello_mod" in (plain.error or "")
