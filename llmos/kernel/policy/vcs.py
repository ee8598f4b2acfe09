"""git: what discards work (uncommitted changes, untracked files, remote history) and what makes git
run code later (hooks, fsmonitor, aliases, filters).

Destructive forms are recognised by what they do, in every spelling git accepts: options in any
order, abbreviated long options (`--har` is `--hard`), global options before the subcommand
(`-C DIR`, `-c k=v`, `--git-dir`), bundled short options (`-fdx`).
"""

from __future__ import annotations

import os
import re
from dataclasses import replace

from llmos.kernel.policy.commands import check
from llmos.kernel.policy.decision import words
from llmos.kernel.policy.options import Parsed, parse_opts
from llmos.kernel.policy.shell import UNKNOWN_FLOW, Cmd, Flow, ShellAnalyzer

GLOBAL_WITH_VALUE = ("--git-dir", "--work-tree", "--namespace", "--exec-path", "--super-prefix", "--config-env")
# configuration keys whose value git runs as a command (now or at a later git command)
CODE_KEYS = re.compile(
    r"(?i)^(core\.(sshcommand|pager|editor|fsmonitor|hookspath|askpass|gitproxy)|alias\..*|"
    r"(filter|diff|merge)\..*\.(clean|smudge|process|textconv|command|driver)|credential\.helper|"
    r"sequence\.editor|gpg\.program|gpg\..*\.program|pager\..*|uploadpack\.packobjectshook|"
    r"receive\.procreceiverefs|include\.path|includeif\..*|init\.templatedir|protocol\..*\.allow|"
    r"url\..*\.insteadof|http\..*sslverify|http\.sslverify|hook\..*\.command)$"
)
ALL_PATHS = (".", ":/", "*", ":(top)", "./", "/")
_BOOLEAN = frozenset({"true", "false", "yes", "no", "on", "off", "1", "0"})  # a built-in, no program


def _long(opt: str, *names: str) -> bool:
    """`opt` is one of `names` or an unambiguous abbreviation git accepts (at least 4 characters)."""
    return any(opt == n or (len(opt) >= 4 and n.startswith(opt)) for n in names)


def _has(opts: list[tuple[str, str | None]], short: str, *longs: str) -> bool:
    return any((short and o == short) or (o.startswith("--") and _long(o, *longs)) for o, _ in opts)


def _restore_discards(args: list[str]) -> bool:
    """`git restore PATH` (the working tree is the default) discards changes; `--staged` alone does not."""
    p = parse_opts(args, "s", ("--source",))
    worktree = p.has("-W", "--worktree") or any(o.startswith("--work") for o, _ in p.opts)
    return bool(p.positionals) and (worktree or not p.has("-S", "--staged"))


def _destroy(a: ShellAnalyzer, cmd: Cmd, what: str) -> None:
    a.add("deny", "shell.git_destructive", f"git {what}: uncommitted work is lost for good", cmd.subject)


def _config(a: ShellAnalyzer, cmd: Cmd, args: list[str]) -> None:
    p = parse_opts(args, "f", ("--file", "--blob", "--type", "--default", "--comment"))
    reading = _has(p.opts, "-l", "--list", "--get", "--get-all", "--get-regexp", "--get-urlmatch", "--show-origin")
    pos = p.positionals
    if pos[:1] in (["get"], ["list"]) or reading:
        return
    if pos[:1] in (["set"], ["unset"]):
        pos = pos[1:]
    if p.has("--global", "--system") and len(pos) >= 2:
        a.add("ask", "shell.git_config", "changes git's global configuration", cmd.subject)
    plain_alias = len(pos) >= 2 and pos[0].lower().startswith("alias.") and not pos[1].lstrip().startswith("!")
    # an ordinary editor or pager (a system program with options, nothing the agent wrote) runs no new code
    plain_program = len(pos) >= 2 and _plain_program(pos[0], pos[1])
    if (
        pos
        and CODE_KEYS.match(pos[0])
        and not (plain_alias or plain_program)
        and (len(pos) >= 2 or p.has("--add", "--replace-all"))
    ):
        a.add(
            "deny",
            "shell.deferred_exec",
            f"git config {pos[0]} makes git run a command later (a hook in disguise)",
            cmd.subject,
        )
    for f in p.values("-f", "--file"):
        a.write_target(f, cmd.st, "write", cmd.subject)


def _push(a: ShellAnalyzer, cmd: Cmd, args: list[str]) -> None:
    p = parse_opts(args, "o", ("--repo", "--receive-pack", "--exec", "--push-option"))
    if _has(p.opts, "-n", "--dry-run"):
        return
    if _has(p.opts, "-f", "--force", "--mirror", "--force-with-lease", "--force-if-includes", "--prune") or any(
        x.startswith("+") or ":+" in x for x in p.positionals
    ):
        a.add("deny", "shell.git_force_push", "git push --force/--mirror rewrites remote history", cmd.subject)
    elif _has(p.opts, "-d", "--delete") or any(x.startswith(":") and len(x) > 1 for x in p.positionals[1:]):
        a.add("ask", "shell.git_force_push", "git push --delete removes a remote branch", cmd.subject)
    for v in p.values("--receive-pack", "--exec"):
        a.script(v, cmd.st.copy(), cmd.depth + 1)


def _subcommand(a: ShellAnalyzer, cmd: Cmd, sub: str, args: list[str]) -> None:
    p = parse_opts(args, "bBmoSCcUnpe", ("--branch", "--origin", "--depth", "--repo", "--template", "--message"))
    opts, pos = p.opts, p.positionals
    if sub == "reset" and _has(opts, "", "--hard"):
        _destroy(a, cmd, "reset --hard")
    elif sub == "reset" and _has(opts, "", "--merge"):
        a.add("ask", "shell.git_destructive", "git reset --merge drops staged changes", cmd.subject)
    elif sub == "clean" and _has(opts, "-f", "--force") and not _has(opts, "-n", "--dry-run"):
        _destroy(a, cmd, "clean --force deletes untracked files")
    elif sub == "checkout" and (
        _has(opts, "-f", "--force", "--overwrite-ignore")
        or ("--" in args and args.index("--") < len(args) - 1)
        or (not _has(opts, "-b", "-B", "--orphan") and (any(x in ALL_PATHS for x in pos) or _restores(args)))
    ):
        _destroy(a, cmd, "checkout --force / checkout -- PATH discards local changes")
    elif sub == "switch" and _has(opts, "-f", "--force", "--discard-changes"):
        _destroy(a, cmd, "switch --discard-changes")
    elif sub == "restore" and _restore_discards(args):
        _destroy(a, cmd, "restore discards local changes")
    elif sub == "read-tree" and _has(opts, "-u", "") and _has(opts, "-m", "--reset"):
        _destroy(a, cmd, "read-tree --reset -u overwrites the working tree")
    else:
        _history(a, cmd, sub, args, p)


def _restores(args: list[str]) -> bool:
    """`git checkout REF PATH...` or `--pathspec-from-file`: files overwritten from REF."""
    p = parse_opts(args, "bBmoSCcUnpe", ("--conflict", "--pathspec-from-file", "--unified", "--inter-hunk-context"))
    return p.has("--pathspec-from-file") or len(p.positionals) >= 2


def _history(a: ShellAnalyzer, cmd: Cmd, sub: str, args: list[str], p: Parsed) -> None:
    """Rewriting or dropping history (asks), and commands git runs for each submodule."""
    opts, pos = p.opts, p.positionals
    if sub == "stash" and pos[:1] in (["clear"], ["drop"]):
        a.add("ask", "shell.git_history", f"git stash {pos[0]} deletes stashed work", cmd.subject)
    elif sub in ("filter-branch", "filter-repo") or (sub == "reflog" and pos[:1] in (["expire"], ["delete"])):
        a.add("ask", "shell.git_history", f"git {sub} rewrites or drops history", cmd.subject)
    elif sub == "update-ref" and _has(opts, "-d", ""):
        a.add("ask", "shell.git_history", "git update-ref -d deletes a ref", cmd.subject)
    elif sub == "branch" and _has(opts, "-D", ""):
        a.add("ask", "shell.git_history", "git branch -D deletes an unmerged branch", cmd.subject)
    elif sub == "branch" and (_has(opts, "-M", "") or _has(opts, "-C", "") or (_has(opts, "-f", "--force") and pos)):
        a.add("ask", "shell.git_history", "git branch -M/-C/--force overwrites an existing branch", cmd.subject)
    elif sub == "gc" and any(x.startswith("--prune") and x != "--prune" for x in args):
        a.add("ask", "shell.git_history", "git gc --prune=now drops unreachable commits", cmd.subject)
    elif sub == "submodule" and "foreach" in args:
        code = [x for x in args[args.index("foreach") + 1 :] if x not in ("--recursive", "-q", "--quiet")]
        a.script(" ".join(code), replace(cmd.st.copy(), cwd=None), cmd.depth + 1)
    elif sub == "rm" and _has(opts, "-f", "--force") and not _has(opts, "", "--cached", "--dry-run"):
        _destroy(a, cmd, "rm --force deletes files with their uncommitted changes")
    elif sub == "worktree" and pos[:1] == ["remove"] and _has(opts, "-f", "--force"):
        _destroy(a, cmd, "worktree remove --force deletes a working tree with its changes")
    elif (sub == "switch" and _has(opts, "-C", "--force-create")) or (sub == "checkout" and _has(opts, "-B", "")):
        a.add("ask", "shell.git_history", f"git {sub} resets an existing branch to a new start", cmd.subject)


CODE_ENV = (
    "GIT_SSH_COMMAND", "GIT_SSH", "GIT_EXTERNAL_DIFF", "GIT_PAGER", "GIT_EDITOR", "GIT_ASKPASS",
    "GIT_PROXY_COMMAND", "GIT_SEQUENCE_EDITOR",
)  # fmt: skip


_PAGERS_EDITORS = words(
    "cat less more most bat delta diff-so-fancy head tail true", "vi vim nvim nano emacs code subl micro"
)


def _plain_program(key: str, value: str, *, known: bool = False) -> bool:
    """An ordinary editor or pager (a program name with options, nothing the agent wrote): `less -R`.
    With `known`, only one of the usual ones: a shell (`core.pager=sh` runs git's output) or a program
    the policy cannot know (`sequence.editor=evil`) is not plain."""
    plain = (
        re.match(r"(?i)^(core\.(editor|pager)|sequence\.editor|pager\.\w+)$", key.strip()) is not None
        and re.fullmatch(r"[A-Za-z][\w.+-]*( +--?[\w=-]+)*", value.strip()) is not None
    )
    return plain and (not known or value.split()[0] in _PAGERS_EDITORS)


def _code_settings(a: ShellAnalyzer, cmd: Cmd, p: Parsed) -> None:
    """`git -c core.sshCommand=...` and `GIT_SSH_COMMAND=... git ...`: code git runs now."""
    for o, v in p.opts:
        if o == "-c" and v:
            key, _, value = v.partition("=")
            if key.strip().lower().startswith("alias.") and not value.startswith("!"):
                a.script("git " + value, cmd.st.copy(), cmd.depth + 1)  # an alias of git subcommands
            elif CODE_KEYS.match(key.strip()) and value.strip().lower() not in _BOOLEAN:
                if not _plain_program(key, value, known=True):  # `git -c core.pager=cat log`: checked below
                    a.add("ask", "shell.git_config", f"git -c {key} can run arbitrary commands", cmd.subject)
                a.script(value[1:] if value.startswith("!") else value, cmd.st.copy(), cmd.depth + 1)
        if o in ("--git-dir", "--work-tree") and v:
            a.read_target(v, cmd.st, cmd.subject)
    for var in CODE_ENV:
        for value in cmd.env.get(var, []):
            a.add("ask", "shell.git_config", f"{var} makes git run a command", cmd.subject)
            a.script(value, cmd.st.copy(), cmd.depth + 1)


@check("git")
def check_git(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    p = parse_opts(cmd.args, "Cc", GLOBAL_WITH_VALUE, stop=True)
    rest = cmd.args[p.rest_index :]
    sub, sub_args = (rest[0], rest[1:]) if rest else ("", [])
    _code_settings(a, cmd, p)
    if sub in ("clone", "fetch", "pull", "push", "remote", "submodule", "ls-remote", "archive"):
        from llmos.kernel.policy.exfil import check_hosts

        check_hosts(a, cmd)
    alias = cmd.st.vars.get(f"__git_alias_{sub}")
    if alias:
        sub, sub_args = alias[0].split()[0], alias[0].split()[1:] + sub_args
    if sub == "config":
        _config(a, cmd, sub_args)
        pos = parse_opts(sub_args).positionals
        if len(pos) >= 2 and pos[0].startswith("alias."):
            cmd.st.vars[f"__git_alias_{pos[0][6:]}"] = [pos[1].lstrip("!")]
    elif sub == "push":
        _push(a, cmd, sub_args)
    else:
        _subcommand(a, cmd, sub, sub_args)
    if sub == "clone":
        sp = parse_opts(sub_args, "omb", ("--origin", "--branch", "--depth", "--repo", "--template", "--config"))
        if sp.positionals:
            src = sp.positionals[0]
            dest = sp.positionals[1] if len(sp.positionals) > 1 else os.path.basename(src.rstrip("/"))
            a.write_target(dest.removesuffix(".git") or ".", cmd.st, "write", cmd.subject)
        for v in sp.values("-c", "--config"):
            if CODE_KEYS.match(v.partition("=")[0]):
                a.add("deny", "shell.deferred_exec", f"git clone --config {v} runs a command later", cmd.subject)
    return UNKNOWN_FLOW
