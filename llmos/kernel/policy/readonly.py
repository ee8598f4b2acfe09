"""Read-only mode: which commands only read.

Known readers are allowed; known writers are denied; anything else (a script, a build tool)
asks, since the policy cannot tell whether it writes. Writes through redirections and the file
operands of rm/cp/mv/sed -i/... are denied where they are checked (`ShellAnalyzer.write_target`).
"""

from __future__ import annotations

from llmos.kernel.policy.commands import SHELLS
from llmos.kernel.policy.decision import words
from llmos.kernel.policy.shell import Cmd, ShellAnalyzer

READERS = words(
    "ls ll la dir cat head tail less more grep egrep fgrep rg ag ack wc echo printf pwd stat file du",
    "df tree sort uniq diff cmp cut tr jq yq which whereis type env printenv date whoami id uname",
    "hostname basename dirname realpath readlink true false test [ sleep md5sum sha1sum sha256sum",
    "sha512sum cksum b2sum nl column comm join paste fold fmt od hexdump strings ps free uptime",
    "locale seq expr tac rev zcat bzcat xzcat look cd pushd popd export declare typeset local read",
    "set shopt alias unset getopts shift exit return : help history hash man info apropos lsof",
    "netstat ss ip ifconfig top htop nproc lscpu lsblk findmnt mount groups last w who tty getconf",
    "vmstat iostat time command builtin nohup nice timeout xargs env find awk sed base64 xxd curl",
    "wget ping dig host nslookup",
)
GIT_READERS = words(
    "status log diff show blame rev-parse ls-files ls-tree describe grep shortlog reflog cat-file",
    "rev-list whatchanged show-ref for-each-ref help version count-objects fsck name-rev merge-base",
    "verify-commit",
)
WRITERS = words(
    "rm rmdir mv cp touch mkdir ln chmod chown chgrp truncate dd install rsync tee shred unlink patch",
    "pip pip3 npm pnpm yarn cargo gem go make cmake ninja apt apt-get dnf yum brew conda uv poetry",
)
# Commands that only run another command, which is checked on its own.
PASS_THROUGH = words(
    "xargs env nohup nice timeout time command builtin exec sudo watch flock stdbuf setsid eval",
    "source .",
)


def check_read_only(a: ShellAnalyzer, cmd: Cmd) -> None:
    name, args = cmd.name, cmd.args
    reason = f"read-only mode: {cmd.subject!r}"
    if name in PASS_THROUGH or (name in SHELLS and any(x.startswith("-") and "c" in x for x in args[:3])):
        return
    if name == "git":
        sub = next((x for x in args if not x.startswith("-")), "")
        listing = sub in ("branch", "tag", "remote", "stash", "config") and (
            len(args) == 1 or any(x in ("-l", "--list", "-v", "-a", "-r", "list", "--get", "show") for x in args)
        )
        if sub in GIT_READERS or listing:
            return
        a.add("deny", "shell.read_only", f"{reason} changes the repository (git {sub})", cmd.subject)
    elif name in ("sed", "perl") and any(x.startswith(("-i", "--in-place")) or x == "-pi" for x in args):
        a.add("deny", "shell.read_only", f"{reason} edits files in place", cmd.subject)
    elif name == "find" and any(x in ("-delete", "-exec", "-execdir", "-ok", "-fprint", "-fls") for x in args):
        if "-delete" in args:
            a.add("deny", "shell.read_only", f"{reason} deletes files", cmd.subject)
    elif name in ("curl", "wget"):
        to_stdout = any(x in ("-O-", "-qO-", "--output-document=-") for x in args) or "-" in args
        if (name == "wget" and not to_stdout) or any(x in ("-o", "-O", "--output", "--remote-name") for x in args):
            a.add("deny", "shell.read_only", f"{reason} downloads to a file", cmd.subject)
    elif name in WRITERS:
        a.add("deny", "shell.read_only", f"{reason} writes files", cmd.subject)
    elif name not in READERS:
        a.add(
            "ask",
            "shell.read_only_unknown",
            f"{reason}: cannot tell whether {name} writes files",
            cmd.subject,
        )
