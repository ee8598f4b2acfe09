"""The security policy: one decision (allow, deny, ask) for every tool call.

    policy = SecurityPolicy(workspace, config.security)
    policy.check("bash", {"command": "rm -rf /"}).decision   # "deny"

Order of precedence:
1. `extra_deny` (regexes over the command, each normalised simple command, or "tool json_args")
   always denies.
2. Built-in denies of the non-overridable classes (root deletion, disk wipe, fork bomb, reverse shell,
   download-to-interpreter, privilege escalation, credential access, read-only mode, unparseable
   commands) deny; nothing in the configuration overrides them.
3. `ask_patterns` ask.
4. Other built-in findings (writes outside the workspace, unknown targets, force pushes, global
   installs, ...) deny or ask, unless an `extra_allow` regex matches the command they came from.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from llmos.config import SecurityConfig
from llmos.exceptions import ConfigError
from llmos.kernel.policy.decision import Finding, PolicyDecision, patterns, rank, words
from llmos.kernel.policy.paths import PathContext

SHELL_TOOLS = words(
    "run_command bash shell Bash run_shell execute_command sh terminal run_bash exec_command",
)
WRITE_TOOLS = words(
    "write_file edit_file Write Edit MultiEdit NotebookEdit create_file delete_file append_file",
    "move_file replace_in_file apply_patch",
)
READ_TOOLS = words(
    "read_file list_dir glob grep Read Glob Grep LS list_files search_files view_file read_many_files",
    "NotebookRead",
)
PATH_KEYS = patterns(
    "path file_path filepath filename notebook_path dir directory source destination target src dst",
    "file repo_path repo uri root folder cwd working_dir workdir output_path input_path dest new_path old_path",
    "source_path destination_path target_path",
)
LIST_KEYS = ("paths", "files", "file_paths", "uris", "sources")
# remote tool names (MCP servers' own names, after SERVER__) that only read
READ_VERBS = re.compile(
    r"^(read|get|list|search|find|view|show|cat|head|tail|stat|describe|query|fetch|lookup|inspect|directory_tree"
    r"|git_(status|log|diff\w*|show|blame))(_|$)",
    re.IGNORECASE,
)
# writers whose target is given by a path argument; other file_write tools manage their own paths
PATH_WRITERS = frozenset({"write_file", "edit_file", "Write", "Edit", "MultiEdit", "NotebookEdit"})
DEFAULT_ALLOW = "default.allow"


def infer_kind(tool: str) -> str:
    """The kind of a tool from its name, when the tool does not say.

    An MCP tool (`SERVER__name`) is judged by its remote name: a known file tool, a name that
    starts with a reading verb (file_read), else a tool that may write (file_write), as the MCP
    default `readOnlyHint: false` says.
    """
    if tool in SHELL_TOOLS:
        return "shell"
    if tool in WRITE_TOOLS:
        return "file_write"
    if tool in READ_TOOLS:
        return "file_read"
    server, sep, remote = tool.partition("__")
    if sep and server and remote:
        known = infer_kind(remote)
        if known != "function":
            return known
        return "file_read" if READ_VERBS.match(remote) else "file_write"
    return "function"


def _compile(patterns: Iterable[str], field: str) -> list[re.Pattern[str]]:
    out = []
    for p in patterns:
        try:
            out.append(re.compile(p))
        except re.error as e:
            raise ConfigError(f"security.{field}: {p!r} is not a valid regular expression: {e}") from None
    return out


class SecurityPolicy:
    """Decides whether a tool call may run, for one workspace and its [security] configuration."""

    def __init__(self, workspace: Path | str, config: SecurityConfig | None = None) -> None:
        self.config = config if config is not None else SecurityConfig()
        self.workspace = Path(workspace)
        self.paths = PathContext.create(self.workspace, self.config.allowed_paths)
        self._deny = _compile(self.config.extra_deny, "extra_deny")
        self._allow = _compile(self.config.extra_allow, "extra_allow")
        self._ask = _compile(getattr(self.config, "ask_patterns", []), "ask_patterns")

    def check(self, tool: str, arguments: dict[str, Any], kind: str | None = None) -> PolicyDecision:
        if not self.config.enabled:
            return PolicyDecision("allow", "the security policy is disabled", "policy.disabled")
        if not isinstance(arguments, dict):
            return PolicyDecision(
                "deny", f"arguments must be a JSON object, got {type(arguments).__name__}", "policy.invalid"
            )
        inferred = infer_kind(tool)
        if not kind or (kind in ("function", "pure") and inferred != "function"):  # "pure" is no exemption
            kind = inferred
        if kind == "shell":
            return self.check_command(arguments)
        if kind in ("file_read", "file_write"):
            findings = self._file_findings(tool, arguments, write=kind == "file_write")
        else:  # any tool: a path-like argument naming credentials is denied
            findings = [f for v in self._path_values(tool, arguments) for f in self._path_findings(tool, v, False)]
            findings = [f for f in findings if f.rule == "file.credential"]
        text = f"{tool} {json.dumps(arguments, sort_keys=True, default=str)}"
        return self._decide(findings, text, [text])

    def check_command(self, arguments: dict[str, Any]) -> PolicyDecision:
        command = arguments.get("command", arguments.get("cmd", arguments.get("script")))
        if isinstance(command, list) and all(isinstance(x, str) for x in command):
            import shlex

            command = shlex.join(command)
        if not isinstance(command, str):
            return PolicyDecision(
                "deny",
                "could not parse the command: no `command` string in the arguments",
                "shell.parse_error",
            )
        from llmos.kernel.policy.shell import ShellAnalyzer

        analyzer = ShellAnalyzer(self.paths, read_only=self.config.read_only)
        findings = analyzer.analyze(command)
        return self._decide(findings, command, analyzer.segments)

    # -- file tools -----------------------------------------------------------------------------

    @staticmethod
    def _path_values(tool: str, arguments: dict[str, Any]) -> list[Any]:
        """The path-like arguments of a tool call (`file://` URIs as paths; other URLs are not paths)."""
        values: list[Any] = [arguments[k] for k in PATH_KEYS if k in arguments]
        for k in LIST_KEYS:
            v = arguments.get(k)
            values.extend(v if isinstance(v, list) else [v] if v is not None else [])
        out: list[Any] = []
        for v in values:
            if isinstance(v, str) and re.match(r"^[A-Za-z][\w+.-]*://", v):
                if not v.lower().startswith("file://"):
                    continue
                from urllib.parse import unquote, urlsplit

                v = unquote(urlsplit(v).path) or "/"
            out.append(v)
        pattern = arguments.get("pattern")
        if tool.lower() == "glob" and isinstance(pattern, str) and (pattern.startswith(("/", "~")) or ".." in pattern):
            out.append(re.split(r"[*?\[{]", pattern, maxsplit=1)[0] or "/")
        return out

    def _file_findings(self, tool: str, arguments: dict[str, Any], *, write: bool) -> list[Finding]:
        values = self._path_values(tool, arguments)
        if not values and write:
            if tool in PATH_WRITERS:  # a file tool that must say where it writes
                return [Finding("deny", "file.invalid", f"{tool}: no path in the arguments", tool)]
            # a writer that chooses its own location inside the workspace (create_agent, create_tool)
            if self.config.read_only:
                return [Finding("deny", "file.read_only", f"{tool}: read-only mode forbids changes", tool)]
            return []
        return [f for v in values for f in self._path_findings(tool, v, write)]

    def _path_findings(self, tool: str, value: Any, write: bool) -> list[Finding]:
        if not isinstance(value, str) or not value or "\x00" in value:
            return [Finding("deny", "file.invalid", f"{tool}: invalid path {value!r}", tool)]
        p = self.paths
        lexical = os.path.normpath(os.path.join(p.workspace, os.path.expanduser(value)))
        resolved = os.path.realpath(lexical)
        where = value if resolved == lexical else f"{value} (resolves to {resolved})"
        if p.secret(resolved) or p.secret(lexical):
            return [Finding("deny", "file.credential", f"{tool}: {where} holds credentials", tool)]
        if write and (p.startup(resolved) or p.startup(lexical)):
            return [Finding("deny", "file.credential", f"{tool}: {where} is a credential or shell start-up file", tool)]
        if not p.granted(resolved):
            return [Finding("deny", "file.outside_workspace", f"{tool}: {where} is outside the workspace", tool)]
        what = p.control(resolved) or p.control(lexical) if write and p.workspace not in (resolved, lexical) else None
        if what is not None:
            return [Finding("deny", "file.control_plane", f"{tool}: {where} is {what}, out of the agent's reach", tool)]
        if write and self.config.read_only:
            return [Finding("deny", "file.read_only", f"{tool}: read-only mode forbids writing {value}", tool)]
        return []

    # -- combining findings with the configuration --------------------------------------------------

    def _decide(self, findings: list[Finding], text: str, subjects: list[str]) -> PolicyDecision:
        candidates = [text, " ; ".join(subjects), *subjects]
        for pat in self._deny:
            if any(pat.search(c) for c in candidates):
                return PolicyDecision(
                    "deny", f"matches the configured extra_deny pattern {pat.pattern!r}", "config.extra_deny"
                )
        findings = sorted(findings, key=rank)
        hard = [f for f in findings if f.decision == "deny" and not f.overridable]
        if hard:
            return self._verdict(hard, len(findings))
        for pat in self._ask:
            if any(pat.search(c) for c in candidates):
                return PolicyDecision(
                    "ask", f"matches the configured ask pattern {pat.pattern!r}", "config.ask_patterns"
                )
        kept: list[Finding] = []
        used: set[str] = set()
        for f in findings:
            allowed_by = self._allowing(f, text, len(subjects))
            if allowed_by is None:
                kept.append(f)
            else:
                used.add(allowed_by)
        if kept:
            return self._verdict(kept, len(findings))
        if used:
            return PolicyDecision(
                "allow",
                f"allowed by the configured extra_allow pattern {sorted(used)[0]!r}",
                "config.extra_allow",
            )
        return PolicyDecision("allow", "no security rule applies", DEFAULT_ALLOW)

    def _allowing(self, f: Finding, text: str, n_subjects: int) -> str | None:
        for pat in self._allow:
            if (f.subject and pat.search(f.subject)) or (n_subjects <= 1 and pat.search(text)):
                return pat.pattern
        return None

    @staticmethod
    def _verdict(findings: list[Finding], total: int) -> PolicyDecision:
        top = findings[0]
        reason = top.reason
        if top.subject and top.subject not in reason and top.rule.startswith("shell."):
            reason = f"{reason} (in: {top.subject})"
        others = total - 1
        if others > 0:
            reason += f"; and {others} more problem{'s' if others > 1 else ''}"
        return PolicyDecision(top.decision, reason, top.rule)
