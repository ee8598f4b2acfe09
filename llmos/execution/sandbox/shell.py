"""`ShellSandbox`: run_command's `CommandRunner`, `bash -c COMMAND` under bubblewrap.

    runner = shell_runner(config.sandbox)     # what the runtime assembly gives builtin_tools
    result = await runner.run("make test", workspace=ws, timeout_s=60, keep_bytes=80_000)

What the command sees (the argv is built in `shell_argv`, in this order, since later mounts win):
- the host's file system read-only (`--ro-bind / /`), so compilers, interpreters and virtualenvs
  work as they are; a fresh /dev and /proc (pid namespace: host processes are invisible);
- a private, size-capped /tmp and an empty /run (host sockets such as the docker or dbus socket
  live there); the user's credential directories (~/.ssh, ~/.aws, ~/.gnupg, ...) masked;
- the workspace read-write, its control plane (`llmos.tools.control_plane.control_paths`) read-only
  on top. `.git` and `tools` are bound onto themselves first: a mount point cannot be renamed or
  removed, so `mv .git x && mkdir .git` cannot swap a writable directory in under the read-only
  hooks/config. Control paths that do not exist yet are checked after the command: one the
  command created is renamed to `NAME.rejected-<id>` (nothing deleted) and the result says so;
- no network at all (`--unshare-net`: not even the host's loopback), unless [sandbox] network_allow
  lists hosts: then a filtering CONNECT proxy on the host (`netproxy`, one per ShellSandbox) listens on a unix socket
  on the host; 127.0.0.1:3128 is opened in the sandbox's network namespace before the command
  runs (by this process entering it, or where it may not, by `_listener` as the command's first
  process), this process relays each connection on it to the proxy (`relay`), and HTTP(S)_PROXY
  point there. The sandbox still has no route anywhere else;
- no new unix sockets (`seccomp`: socket(AF_UNIX) fails), so a socket file anywhere on the host
  (under $HOME, beside the workspace) cannot be connected to; the filter covers every process
  in the sandbox, with or without a network allow-list;
- no capabilities (`--cap-drop ALL`: as root, bwrap would otherwise keep them all, and
  CAP_SYS_ADMIN remounts a read-only bind read-write);
- a clean environment (no API keys): PATH, locale, TERM, HOME=/tmp;
- limits: wall time (the caller's timeout; killing bwrap ends the pid namespace and every process
  in it), output (the command is killed past [sandbox] shell_output_mb), address space per process
  (RLIMIT_AS), processes (RLIMIT_NPROC; as root, where RLIMIT_NPROC does not apply, a pids cgroup
  when one can be made, else the result notes that the process limit is not enforced).

Where bubblewrap is missing or cannot build the sandbox, `shell_runner` returns a runner that
refuses, or, with [sandbox] allow_weak_fallback = true, the weak runner whose every result says so.
"""

from __future__ import annotations

import asyncio
import os
import resource
import secrets
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from llmos.config import SandboxConfig
from llmos.execution.sandbox import cgroup, relay, seccomp
from llmos.execution.sandbox.bwrap import ISOLATION, find_bwrap
from llmos.execution.sandbox.netproxy import FilteringProxy, parse_allow_list
from llmos.execution.sandbox.relay import ProxyPort
from llmos.tools.command import CommandResult, CommandRunner, RefusingRunner, Spawn, WeakRunner, run_argv
from llmos.tools.control_plane import MODULES, control_paths, module_git_dirs

MB = 1 << 20
LISTENER = Path(__file__).with_name("_listener.py")
LISTENER_IN_SANDBOX = "/run/llmos-listener.py"
PROXY_PORT_IN_SANDBOX = relay.PORT
PINNED_PARENTS = (".git", "tools")  # parents of nested control paths, bound onto themselves
SECRET_DIRS = (".ssh", ".aws", ".gnupg", ".azure", ".kube", ".docker", ".config/gcloud", ".password-store")
SECRET_FILES = (".netrc", ".git-credentials", ".pgpass", ".pypirc", ".npmrc")
PASS_ENV = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TERM", "TZ", "VIRTUAL_ENV")
_probe_cache: dict[str, tuple[bool, str]] = {}


def _home_masks(workspace: Path) -> list[str]:
    home = Path(os.path.expanduser("~"))
    args: list[str] = []
    if not home.is_absolute() or str(home) == "/":
        return args
    for name in SECRET_DIRS:
        p = home / name
        if p.is_dir() and not p.is_symlink() and not workspace.is_relative_to(p):
            args += ["--tmpfs", str(p)]
    for name in SECRET_FILES:
        p = home / name
        if p.is_file() and not p.is_symlink():
            args += ["--ro-bind", "/dev/null", str(p)]
    return args


def _workspace_mounts(workspace: Path) -> list[str]:
    ws = str(workspace)
    args = ["--bind", ws, ws]
    modules = module_git_dirs(workspace)
    for name in (*PINNED_PARENTS, MODULES, *modules):  # submodule git dirs: pinned, their control files bound
        p = workspace / name
        if p.is_dir() and not p.is_symlink():
            args += ["--bind", str(p), str(p)]
    for entry in control_paths(workspace):
        p = workspace / entry
        if p.is_symlink():  # the link is watched (see _Watch); its target, if in the workspace, is bound
            real = Path(os.path.realpath(p))
            if real.exists() and real.is_relative_to(workspace) and real != workspace:
                args += ["--ro-bind", str(real), str(real)]
        elif os.path.lexists(p):
            args += ["--ro-bind", str(p), str(p)]
    return args


def shell_argv(
    bwrap: str,
    workspace: Path,
    command: list[str],
    *,
    tmp_bytes: int,
    proxy: ProxyPort | None = None,
    seccomp_fd: int | None = None,
) -> list[str]:
    """The full bwrap argv that runs `command` (e.g. ["bash", "-c", CMD]) in the workspace.

    `seccomp_fd` (readable, at offset 0, passed to bwrap) holds `seccomp.program()`; `proxy` (its
    `pass_fds` passed too) opens the network allow-list's port inside."""
    args = [bwrap, *ISOLATION]
    if os.getuid() != 0:
        args += ["--unshare-user"]
    # as root, bwrap keeps every capability for the command unless told: with CAP_SYS_ADMIN it could
    # remount the read-only binds read-write
    args += ["--cap-drop", "ALL"]
    args += ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    args += ["--perms", "1777", "--size", str(tmp_bytes), "--tmpfs", "/tmp"]
    args += ["--tmpfs", "/run"]
    if os.path.isdir("/var/run") and not os.path.islink("/var/run"):
        args += ["--tmpfs", "/var/run"]
    args += _workspace_mounts(workspace)
    args += _home_masks(workspace)  # after the workspace: a workspace at ~ must not re-expose ~/.ssh
    env = {k: os.environ[k] for k in PASS_ENV if k in os.environ}
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    env.update({"HOME": "/tmp", "TMPDIR": "/tmp", "LLMOS_SANDBOX": "bwrap"})
    if proxy is not None:
        url = f"http://127.0.0.1:{PROXY_PORT_IN_SANDBOX}"
        for key in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
            env[key] = url
        env["no_proxy"] = env["NO_PROXY"] = ""
        args += proxy.bwrap_options()
        if not proxy.host_side:  # bound under /run (the sandbox's own tmpfs): the checkout may sit under /tmp
            args += ["--ro-bind", str(LISTENER), LISTENER_IN_SANDBOX]
        command = proxy.command(LISTENER_IN_SANDBOX, command)
    if seccomp_fd is not None:
        args += ["--seccomp", str(seccomp_fd)]
    args += ["--chdir", str(workspace), "--clearenv"]
    for key, value in sorted(env.items()):
        args += ["--setenv", key, value]
    return [*args, "--", *command]


def _run_probe(path: str, argv: list[str], pass_fds: tuple[int, ...] = ()) -> tuple[bool, str]:
    try:
        done = subprocess.run(
            argv, capture_output=True, timeout=20, stdin=subprocess.DEVNULL, check=False, pass_fds=pass_fds
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        return False, f"bubblewrap failed to start: {e}"
    if done.returncode == 0 and done.stdout.strip() == b"ok":
        return True, f"bubblewrap at {path}"
    err = done.stderr.decode("utf-8", "replace").strip()[-400:]
    return False, f"bubblewrap cannot create the shell sandbox here (exit {done.returncode}): {err}"


def probe(bwrap: str | None = None) -> tuple[bool, str]:
    """Whether bwrap can build the shell sandbox here (cached per process)."""
    path = bwrap or find_bwrap()
    if path is None:
        return False, "bubblewrap (bwrap) is not installed: `apt-get install -y bubblewrap`"
    if path in _probe_cache:
        return _probe_cache[path]
    bpf = seccomp.program()
    fd = seccomp.memfd(bpf) if bpf is not None else None
    try:
        with tempfile.TemporaryDirectory(prefix="llmos-probe-") as ws:
            argv = shell_argv(path, Path(ws), ["/bin/sh", "-c", "echo ok"], tmp_bytes=MB, seccomp_fd=fd)
            found = _run_probe(path, argv, () if fd is None else (fd,))
    finally:
        if fd is not None:
            os.close(fd)
    _probe_cache[path] = found
    return found


class ShellSandbox:
    """Runs each command under bubblewrap (see the module docstring for what it may touch)."""

    def __init__(self, config: SandboxConfig, bwrap: str) -> None:
        self.config = config
        self.bwrap = bwrap
        self.allow = parse_allow_list(config.network_allow)
        self.proxy = FilteringProxy(self.allow) if self.allow else None  # started at the first command
        self.prlimit = shutil.which("prlimit")

    def _launcher(self, group: cgroup.PidsGroup | None) -> list[str]:
        """What starts bwrap with the limits: exec'd wrappers that set them before the exec.

        Exec'd wrappers instead of a Python preexec hook, which would force a full fork of the
        host process (about 25 ms here) instead of vfork. With a pids cgroup (root, where
        RLIMIT_NPROC does not apply) one `sh` joins it and sets the address-space and core limits
        with its `ulimit` builtin (soft and hard; a failing step stops before the exec); otherwise
        `prlimit` sets all three. Empty without a cgroup when prlimit is missing (then a preexec hook).
        """
        c = self.config
        if group is not None:
            script = 'echo $$ > "$0" && ulimit -v "$1" && ulimit -c 0 && shift && exec "$@"'
            return ["/bin/sh", "-c", script, str(group.path / "cgroup.procs"), str(c.shell_memory_mb * 1024)]
        if self.prlimit is None:
            return []
        return [self.prlimit, f"--as={c.shell_memory_mb * MB}", f"--nproc={c.shell_max_processes}", "--core=0", "--"]

    def _preexec(self, group: cgroup.PidsGroup | None) -> None:
        c = self.config
        resource.setrlimit(resource.RLIMIT_AS, (c.shell_memory_mb * MB, c.shell_memory_mb * MB))
        resource.setrlimit(resource.RLIMIT_NPROC, (c.shell_max_processes, c.shell_max_processes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if group is not None:
            group.enter()

    async def run(self, command: str, *, workspace: Path, timeout_s: float, keep_bytes: int) -> CommandResult:
        ws, watch = _before(workspace)
        token = secrets.token_hex(4)
        notes: list[str] = []
        group = cgroup.PidsGroup.create(f"llmos-shell-{os.getpid()}-{token}", self.config.shell_max_processes)
        if os.getuid() == 0 and group is None:
            notes.append("note: process limit not enforced (running as root without a writable pids cgroup)")
        bpf = seccomp.program()
        if bpf is None:
            notes.append(f"note: host unix sockets are NOT blocked ({seccomp.unavailable()})")
        proxy = self.proxy
        mark = proxy.mark() if proxy is not None else 0
        fd: int | None = None
        port: ProxyPort | None = None
        try:
            if proxy is not None:
                port = ProxyPort(await proxy.start() / FilteringProxy.SOCKET_NAME)
            fd = seccomp.memfd(bpf) if bpf is not None else None
            argv = shell_argv(
                self.bwrap,
                ws,
                ["bash", "-c", command],
                tmp_bytes=self.config.shell_tmp_mb * MB,
                proxy=port,
                seccomp_fd=fd,
            )
            launcher = self._launcher(group)
            spawn = Spawn(
                [*launcher, *argv],
                Path("/"),
                env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
                timeout_s=timeout_s,
                keep_bytes=keep_bytes,
                max_output_bytes=self.config.shell_output_mb * MB,
                preexec=None if launcher else lambda: self._preexec(group),
                pass_fds=(() if fd is None else (fd,)) + (() if port is None else port.pass_fds),
            )
            if port is not None:
                port.start()
            result = await run_argv(spawn)
        finally:
            if fd is not None:
                os.close(fd)
            if port is not None:
                await port.close()
                if port.error:
                    notes.append(f"network (allow-list proxy): {port.error}; the command had no network")
            if proxy is not None:
                await proxy.settle()
                notes += proxy.summary(mark)
            if group is not None and not group.try_remove():
                await asyncio.to_thread(group.remove)
            rejected = _reject_created(ws, watch, token)  # also when cancelled: bwrap is dead by now
        if rejected:
            notes.append(
                "control plane: the command created or replaced " + ", ".join(rejected) + "; renamed to *.rejected-"
                f"{token} (llmos.toml, .llmos/, git's hooks, config and submodule/worktree git dirs, agents/, "
                "tools/generated/ are not the shell's to change)"
            )
            result.exit_code = result.exit_code or 126
        if result.exit_code is not None and result.exit_code != 0 and result.stderr.startswith("bwrap:"):
            notes.append("the sandbox itself failed to start (see stderr)")
        result.backend, result.weak, result.notes = "bwrap", False, notes
        return result


@dataclass
class _Watch:
    """Control paths a read-only bind cannot hold: missing ones (must stay missing) and symlinks
    (the mount lands on the target; the link itself could be replaced)."""

    missing: list[str]
    links: dict[str, str]
    modules: list[str]  # submodule git dirs before the command: a new one is set aside


def _before(workspace: Path) -> tuple[Path, _Watch]:
    ws = Path(workspace).resolve()
    entries = control_paths(ws)
    missing = [e for e in entries if not os.path.lexists(ws / e) and _watched(ws, e)]
    prefixes = {"/".join(e.split("/")[: i + 1]) for e in entries for i in range(e.count("/") + 1)}
    links = {e: os.readlink(ws / e) for e in sorted(prefixes) if (ws / e).is_symlink()}
    return ws, _Watch(missing, links, module_git_dirs(ws))


def _watched(ws: Path, entry: str) -> bool:
    """A missing control path is watched unless it is under .git and .git did not exist (git init)."""
    top = entry.split("/")[0]
    return top != ".git" or os.path.isdir(ws / top)


def _set_aside(p: Path, token: str) -> None:
    target = p.with_name(f"{p.name}.rejected-{token}")
    try:
        os.rename(p, target)
    except OSError:
        shutil.move(str(p), str(target))


def _reject_created(ws: Path, watch: _Watch, token: str) -> list[str]:
    """Undo what the command did to watched control paths (every process in the sandbox is dead
    by now): a created one is renamed aside, a replaced symlink is renamed aside and restored."""
    rejected = []
    for entry in watch.missing:
        p = ws / entry
        if os.path.lexists(p):
            _set_aside(p, token)
            rejected.append(entry)
    for entry, link in watch.links.items():
        p = ws / entry
        if p.is_symlink() and os.readlink(p) == link:
            continue
        if os.path.lexists(p):
            _set_aside(p, token)
        os.symlink(link, p)
        rejected.append(entry)
    before = set(watch.modules)
    for entry in module_git_dirs(ws):  # a new submodule git dir: its config and hooks were writable
        if entry not in before and not any(entry.startswith(r + "/") for r in rejected):
            _set_aside(ws / entry, token)
            rejected.append(entry)
    return rejected


def shell_runner(config: SandboxConfig) -> CommandRunner:
    """run_command's runner for this configuration: bwrap, else weak (only if allowed), else refusing."""
    reason = "the configured backend is 'subprocess'"
    if config.backend in ("auto", "bwrap"):
        ok, reason = probe()
        if ok:
            bwrap = find_bwrap()
            assert bwrap is not None
            return ShellSandbox(config, bwrap)
    if config.allow_weak_fallback:
        return WeakRunner(reason, max_output_bytes=config.shell_output_mb * MB)
    return RefusingRunner(
        f"no OS sandbox for the shell ({reason}). Install bubblewrap (`apt-get install -y bubblewrap`), or set "
        "[sandbox] allow_weak_fallback = true to accept an unisolated shell (weak: no file system or network "
        "isolation)"
    )
