"""Path resolution and classification: workspace, protected system directories, credentials.

Paths are resolved the way the operating system would see them: `~` and `~user` expanded,
relative paths joined to the current directory, `..` and symlinks resolved (for a deletion the
last component is not followed: `rm link` removes the link, `rm -r link/` what it points to).
"""

from __future__ import annotations

import fnmatch
import glob as globmod
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from llmos.kernel.policy.decision import Finding, patterns, words

UNKNOWN = "\x00"  # marks the part of an expanded shell word whose value cannot be known
GLOB_CHARS = frozenset("*?[")

Op = Literal["delete", "delete_recursive", "write", "chmod_recursive"]

PROTECTED_DIRS = words(
    "/ /bin /boot /dev /etc /home /lib /lib32 /lib64 /libx32 /media /mnt /opt /proc /root /run /sbin",
    "/srv /sys /tmp /usr /var /snap /usr/bin /usr/sbin /usr/lib /usr/lib64 /usr/local /usr/local/bin",
    "/usr/share /var/lib /var/log /var/tmp /var/spool /System /Library /Applications /Users /private",
    "/nix /efi",
)

# Relative to a home directory (the user's, /root, /home/NAME).
HOME_SECRETS = patterns(
    ".ssh .aws .gnupg .password-store",
    ".ssh/id_* .ssh/*_rsa .ssh/*_ed25519 .ssh/*_ecdsa .ssh/*_dsa .ssh/*.pem .ssh/*key*",
    ".aws/credentials .aws/config .gnupg .gnupg/* .netrc .pgpass .git-credentials .docker/config.json",
    ".kube/config .config/gcloud/* .azure/* .pypirc .npmrc .vault-token .config/gh/hosts.yml",
    ".password-store/*",
)
SYSTEM_SECRETS = (
    "/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/sudoers.d/*", "/etc/ssh/ssh_host_*key",
    "/proc/[0-9]*/environ",  # other processes' environments (this shell's own is `env`)
)  # fmt: skip
# Writes here give persistence or take over an account (start-up files, keys, cron, accounts).
HOME_STARTUP = patterns(
    ".ssh .ssh/* .aws .aws/* .bashrc .bash_profile .bash_login .bash_logout .profile .zshrc .zprofile",
    ".zshenv .zlogin .zlogout .config/fish/* .tcshrc .cshrc .kshrc .inputrc .xinitrc .xprofile",
    ".xsession .config/autostart/* .config/systemd/user/* .gnupg .gnupg/* .local/share/systemd/*",
)
SYSTEM_STARTUP = patterns(
    "/etc/passwd /etc/shadow /etc/group /etc/gshadow /etc/sudoers /etc/sudoers.d /etc/sudoers.d/*",
    "/etc/crontab /etc/cron.* /etc/cron.*/* /var/spool/cron /var/spool/cron/* /etc/profile",
    "/etc/profile.d/* /etc/bash.bashrc /etc/bashrc /etc/zsh/* /etc/environment /etc/ld.so.preload",
    "/etc/pam.d/* /etc/ssh/* /etc/security/* /etc/systemd/* /etc/rc.local /etc/init.d/* /etc/hosts",
)
SAFE_DEVICES = words(
    "/dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/stdout /dev/stderr /dev/stdin",
    "/dev/tty",
)
SECRET_NAMES = patterns(
    ".env .env.* *.env id_rsa id_rsa.* id_ed25519 id_ecdsa id_dsa *.pem *.key",
)
# The control plane of a workspace, relative to its root: the configuration, the database (traces,
# ledger, state), git internals (hooks and config run code), agents and generated tools. Only the
# versioned self-modification tools change them; file tools and the shell never write them.
CONTROL_PLANE = {
    "llmos.toml": "the workspace configuration",
    ".llmos": "the workspace database (traces, ledger, internal state)",
    ".git": "git internals (hooks and config run code)",
    "agents": "the agent files (changed only by create_agent/modify_agent)",
    "tools/generated": "the generated tools (changed only by create_tool and crystallization)",
}


_PROC_ALIAS = re.compile(r"^/+proc/+(self|thread-self|\d+)/+(root|cwd)(/.*)?$")
SCRATCH = "/tmp"  # the command's own scratch space (private inside the sandbox): writes here are ordinary


def landing(dest: str, sources: list[str], into: bool) -> list[str]:
    """Where cp/mv/install write: DEST/NAME for each source when DEST is a directory (`-t`, a
    trailing slash, `.`, `..`, `~` or the scratch directory itself), else DEST itself."""
    bare = dest.rstrip("/")
    if not (into or dest.endswith("/") or bare in (".", "..", "~", SCRATCH) or bare.endswith("/.")):
        return [dest]
    names = [os.path.basename(s.rstrip("/")) for s in sources]
    return [f"{bare}/{n}" for n in names if n and n not in (".", "..")] or [dest]


def _glob_match(name: str, pattern: str) -> bool:
    """fnmatch as the shell globs: a leading dot must be matched explicitly."""
    return fnmatch.fnmatchcase(name, pattern) and (pattern.startswith(".") or not name.startswith("."))


def is_inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def _match(rel: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatchcase(rel, p) for p in patterns)


@dataclass
class PathContext:
    """The places a policy knows: the workspace, extra allowed roots, and the user's home."""

    workspace: str
    allowed: tuple[str, ...] = ()
    home: str = ""

    @classmethod
    def create(cls, workspace: os.PathLike[str] | str, allowed: Iterable[str] = ()) -> PathContext:
        home = os.path.realpath(os.path.expanduser("~"))
        ws = os.path.realpath(os.path.expanduser(os.fspath(workspace)))
        roots = tuple(os.path.realpath(os.path.expanduser(a)) for a in allowed if a)
        return cls(ws, roots, home)

    # -- resolution ---------------------------------------------------------------------------

    def expand_user(self, value: str) -> str:
        if not value.startswith("~"):
            return value
        head, sep, rest = value[1:].partition("/")
        if head == "":
            base = self.home
        elif head == "root":
            base = "/root"
        elif head.replace("-", "").replace("_", "").replace(".", "").isalnum():
            base = "/home/" + head
        else:
            return value
        return base + (sep + rest if sep else "")

    def absolute(self, value: str, cwd: str | None) -> str | None:
        """`value` made absolute (not resolved); None when it is relative and the cwd is unknown.

        /proc/self/root (or any /proc/PID/root) is `/`; /proc/self/cwd is the command's directory.
        """
        value = self.expand_user(value)
        m = _PROC_ALIAS.match(value)
        if m:
            if m.group(2) == "root":
                value = "/" + (m.group(3) or "").lstrip("/")
            elif m.group(1) in ("self", "thread-self") and cwd is not None:
                value = cwd.rstrip("/") + "/" + (m.group(3) or "").lstrip("/")
            else:
                return None
        if value.startswith("/"):
            return value
        if cwd is None:
            return None
        return os.path.join(cwd, value)

    def resolve(self, value: str, cwd: str | None, *, follow_last: bool = True) -> str | None:
        path = self.absolute(value, cwd)
        if path is None or UNKNOWN in path:  # a path with an unknown part is no one path (realpath raises)
            return None
        if follow_last or (path.endswith("/") and path != "/"):
            return os.path.realpath(path)
        parent, name = os.path.split(path)
        if name in ("", ".", ".."):
            return os.path.realpath(path)
        return os.path.join(os.path.realpath(parent), name)

    # -- classification -----------------------------------------------------------------------

    def homes(self, path: str) -> list[str]:
        """Path relative to each home directory that contains it."""
        out = []
        for root in {self.home, "/root"}:
            if root and root != "/" and is_inside(path, root) and path != root:
                out.append(path[len(root.rstrip("/")) + 1 :])
        if path.startswith("/home/"):
            parts = path.split("/", 3)
            if len(parts) == 4:
                out.append(parts[3])
        return out

    def secret(self, path: str) -> bool:
        """A file holding credentials: never read, even from an allowed path."""
        if path.endswith(".pub") or path.endswith("/known_hosts"):
            return False
        if _match(path, SYSTEM_SECRETS) or any(_match(rel, HOME_SECRETS) for rel in self.homes(path)):
            return True
        return not self.in_workspace(path) and _match(os.path.basename(path), SECRET_NAMES)

    def startup(self, path: str) -> bool:
        """A credential, start-up or account file: never written."""
        if _match(path, SYSTEM_STARTUP) or _match(path, SYSTEM_SECRETS):
            return True
        return any(_match(rel, HOME_STARTUP) or _match(rel, HOME_SECRETS) for rel in self.homes(path))

    def protected(self, path: str) -> bool:
        """/, system directories, home directories, and the directories that contain the workspace."""
        if path in PROTECTED_DIRS or path == self.home:
            return True
        if path.startswith("/home/") and path.count("/") == 2:
            return True
        return path != self.workspace and is_inside(self.workspace, path)

    def in_workspace(self, path: str) -> bool:
        return is_inside(path, self.workspace)

    def control(self, path: str) -> str | None:
        """What part of the control plane `path` (resolved) is, or None.

        The workspace root itself counts: deleting or replacing it takes the control plane along.
        Any `.git` directory inside the workspace counts, not only the top one.
        """
        if not self.in_workspace(path):
            return None
        if path == self.workspace:
            return "the workspace itself (with its configuration and database)"
        rel = path[len(self.workspace.rstrip("/")) + 1 :]
        for root, what in CONTROL_PLANE.items():
            if rel == root or rel.startswith(root + "/"):
                return what
        if ".git" in rel.split("/"):
            return CONTROL_PLANE[".git"]
        return None

    def control_inside(self, path: str) -> str | None:
        """The control-plane entry inside directory `path` (deleting `path` deletes it too)."""
        for root, what in CONTROL_PLANE.items():
            if is_inside(os.path.join(self.workspace, root), path):
                return what
        return None

    def control_glob(self, base: str, pattern: str) -> str | None:
        """The control-plane entry that glob `pattern` (relative to directory `base`) names or reaches into."""
        if not self.in_workspace(base):
            return None
        comps = [c for c in pattern.split("/") if c not in ("", ".")] or ["*"]
        for root, what in CONTROL_PLANE.items():
            full = os.path.join(self.workspace, root)
            if is_inside(base, full):  # the glob is inside the control plane itself
                return what
            if not is_inside(full, base):
                continue
            names = os.path.relpath(full, base).split("/")
            if not all(_glob_match(n, c) for n, c in zip(names, comps, strict=False)):
                continue
            if len(comps) <= len(names):  # it names the entry or a directory holding it
                return what
            if any(is_inside(os.path.realpath(m), full) for m in globmod.glob(os.path.join(base, pattern))):
                return what
        return None

    def find_reaches(self, start: str, names: list[str]) -> str | None:
        """The control-plane entry a recursive `find START -name PATTERN` would reach, if any."""
        if not self.in_workspace(start) and not is_inside(self.workspace, start):
            return None
        for root, what in CONTROL_PLANE.items():
            full = os.path.join(self.workspace, root)
            if not (is_inside(full, start) or is_inside(start, full)):
                continue
            if is_inside(start, full) or any(_glob_match(os.path.basename(full), n) for n in names):
                return what
            seen = 0
            for _top, dirs, files in os.walk(full):
                dirs[:] = [d for d in dirs if d != "__pycache__"]
                seen += len(files) + len(dirs)
                if any(fnmatch.fnmatchcase(f, n) for f in files + dirs for n in names):
                    return what
                if seen > 5000:
                    return what
        return None

    def _may_name_protected(self, base: str, literal: str, component: str = "*") -> bool:
        """Whether a name in `base` matching `component` (which starts with `literal`) may be a protected directory."""
        if (not literal and component.strip("*") == "") or base in ("/home", "/Users"):
            return True
        ancestors = {os.path.dirname(self.workspace)}
        while len(ancestors) < 64 and (top := min(ancestors, key=len)) != "/":
            ancestors.add(os.path.dirname(top))
        candidates = PROTECTED_DIRS | {self.home} | ancestors
        return any(
            os.path.dirname(d) == base and fnmatch.fnmatchcase(os.path.basename(d), component or "*")
            for d in candidates
        )

    def granted(self, path: str) -> bool:
        return self.in_workspace(path) or any(is_inside(path, a) for a in self.allowed)

    def scratch(self, path: str) -> bool:
        """A file of the command's own under /tmp (not /tmp itself, nor the tree holding a workspace there)."""
        if path == SCRATCH or not is_inside(path, SCRATCH):
            return False
        if is_inside(self.workspace, SCRATCH) and self.workspace != SCRATCH:
            top = "/".join(self.workspace.split("/")[:3])
            return not is_inside(path, top)
        return True

    def target(self, value: str, cwd: str | None, op: Op, subject: str) -> Finding | None:
        """The problem with a shell command writing or deleting `value`, if any."""
        recursive = op in ("delete_recursive", "chmod_recursive")
        verb = {
            "delete": "deletes",
            "delete_recursive": "recursively deletes",
            "write": "writes to",
            "chmod_recursive": "recursively changes permissions of",
        }[op]
        shown = value.replace(UNKNOWN, "$?")
        cut = min((i for i, ch in enumerate(value) if ch in GLOB_CHARS or ch == UNKNOWN), default=-1)
        if cut >= 0:
            return self._partial(value, cut, cwd, op, subject, verb, shown)
        path = self.resolve(value, cwd, follow_last=op == "write")
        if path is None:
            return self._unknown_cwd(recursive, subject, verb, shown)
        return self._classify(path, op, subject, verb, shown)

    def _unknown_cwd(self, recursive: bool, subject: str, verb: str, shown: str) -> Finding:
        reason = f"{verb} {shown!r} relative to a directory that cannot be known (after a cd)"
        if recursive:
            return Finding("deny", "shell.unknown_target", reason, subject)
        return Finding("ask", "shell.unknown_target", reason, subject)

    def _partial(
        self, value: str, cut: int, cwd: str | None, op: Op, subject: str, verb: str, shown: str
    ) -> Finding | None:
        """A target with a glob or an unknown expansion: judge the directory before it."""
        recursive = op in ("delete_recursive", "chmod_recursive")
        prefix = value[:cut]
        unknown = value[cut] == UNKNOWN
        if prefix == "" and unknown:
            reason = f"{verb} {shown!r}, whose value cannot be known here (it could be empty or /)"
            return Finding("deny" if recursive else "ask", "shell.unknown_target", reason, subject)
        base_text = prefix[: prefix.rfind("/") + 1] if "/" in prefix else "."
        base = self.resolve(base_text or ".", cwd)
        if base is None:
            return self._unknown_cwd(recursive, subject, verb, shown)
        rel = value[len(base_text) :] if "/" in prefix else value
        literal = prefix[len(base_text) :] if "/" in prefix else prefix  # the known start of the component
        component = rel.split("/", 1)[0].replace(UNKNOWN, "*")
        if op != "write" and self.protected(base) and self._may_name_protected(base, literal, component):
            what = "may expand to" if unknown else "matches everything in"
            return Finding("deny", "shell.root_deletion", f"{verb} {shown!r}, which {what} {base}", subject)
        matched = None if unknown else self.control_glob(base, rel)
        if matched is not None:
            return Finding("deny", "shell.control_plane", f"{verb} {shown!r}, which matches {matched}", subject)
        child = os.path.join(base, "x")
        return self._classify(child, "write" if op == "write" else "delete", subject, verb, shown)

    def _classify(self, path: str, op: Op, subject: str, verb: str, shown: str) -> Finding | None:
        recursive = op in ("delete_recursive", "chmod_recursive")
        if path.startswith("/dev/"):
            return self._device(path, op, subject, verb, shown)
        if recursive and self.protected(path):
            return Finding("deny", "shell.root_deletion", f"{verb} {shown!r} ({path})", subject)
        if self.startup(path):
            return Finding(
                "deny",
                "shell.credential_write",
                f"{verb} {shown!r}: a credential or shell start-up file ({path})",
                subject,
            )
        if self.in_workspace(path):
            what = self.control(path) or (self.control_inside(path) if op == "delete_recursive" else None)
            if what is not None and not (op == "chmod_recursive" and path == self.workspace):
                return Finding(
                    "deny", "shell.control_plane", f"{verb} {shown!r}: {what} is out of the agent's reach", subject
                )
            return None
        if self.granted(path) or self.scratch(path):
            return None
        return Finding("deny", "shell.outside_workspace", f"{verb} {shown!r}, outside the workspace ({path})", subject)

    def _device(self, path: str, op: Op, subject: str, verb: str, shown: str) -> Finding | None:
        if (path in SAFE_DEVICES and op == "write") or path.startswith(("/dev/fd/", "/dev/shm/", "/dev/pts/")):
            return None  # writing to /dev/null is ordinary; deleting it is not
        if path.startswith(("/dev/tcp/", "/dev/udp/")):
            return Finding("deny", "shell.reverse_shell", f"opens a network connection through {path}", subject)
        if op == "write":
            return Finding("deny", "shell.disk_wipe", f"{verb} the device {path}", subject)
        return Finding("deny", "shell.root_deletion", f"{verb} {shown!r} under /dev", subject)
