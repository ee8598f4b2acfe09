"""Shell command analysis: bashlex parses the command, this module walks the tree.

Every simple command is expanded (quotes, variables assigned earlier in the script, `~`, braces,
`$'...'`), unwrapped (sudo, env, nohup, timeout, xargs, find -exec, `bash -c`, eval, ...) and
handed to the per-command checks in `commands.py`. Data flowing through pipes is tracked
coarsely (`Flow`): a download piped into an interpreter, `echo 'rm -rf /' | sh`, `nc` feeding a
shell. Anything the parser cannot read is denied: an unparsed command is never allowed.
The parsing is in `shellparse.py`, the walk's data (`Flow`, `State`, `Cmd`) in `shellstate.py`.
"""

from __future__ import annotations

from typing import Any

from llmos.kernel.policy import arrays, heredocs
from llmos.kernel.policy.decision import Finding
from llmos.kernel.policy.paths import UNKNOWN, Op, PathContext
from llmos.kernel.policy.shellparse import MAX_LENGTH as MAX_LENGTH
from llmos.kernel.policy.shellparse import ParseFailure as ParseFailure
from llmos.kernel.policy.shellparse import parse as parse
from llmos.kernel.policy.shellstate import NONE as NONE
from llmos.kernel.policy.shellstate import ORIGIN as ORIGIN
from llmos.kernel.policy.shellstate import STRONG as STRONG
from llmos.kernel.policy.shellstate import UNKNOWN_FLOW as UNKNOWN_FLOW
from llmos.kernel.policy.shellstate import UNKNOWN_VAR as UNKNOWN_VAR
from llmos.kernel.policy.shellstate import Cmd as Cmd
from llmos.kernel.policy.shellstate import Flow as Flow
from llmos.kernel.policy.shellstate import State as State
from llmos.kernel.policy.shellstate import merge as merge
from llmos.kernel.policy.shellstate import remember_origin as remember_origin
from llmos.kernel.policy.shellstate import strongest as strongest
from llmos.kernel.policy.words import SPLIT, expand, shown, split_words

MAX_DEPTH = 12


class ShellAnalyzer:
    """Collects `findings` (and normalised `segments`) for one shell command."""

    def __init__(self, paths: PathContext, *, read_only: bool = False) -> None:
        self.paths = paths
        self.read_only = read_only
        self.findings: list[Finding] = []
        self.segments: list[str] = []
        self.executed: list[str] = []  # names of the commands run, in order
        self.calling: set[str] = set()  # functions whose body is being analysed for a call
        self.literal_docs: set[str] = set()  # here-document delimiters that are quoted (<<'EOF')

    # -- entry points ---------------------------------------------------------------------------

    def analyze(self, command: str) -> list[Finding]:
        if not command.strip():
            self.add("deny", "shell.parse_error", "could not parse the command: it is empty", "")
            return self.findings
        if all(not line.strip() or line.lstrip().startswith("#") for line in command.splitlines()):
            return self.findings  # only comments: nothing runs
        if "\x00" in command:
            self.add("deny", "shell.parse_error", "could not parse the command: it contains a NUL byte", "")
            return self.findings
        if arrays.RESERVED in command:
            reason = f"the command uses a name reserved by the policy ({arrays.RESERVED})"
            self.add("deny", "shell.parse_error", reason, "")
            return self.findings
        self.script(command, State(self.paths.workspace), 0)
        return self.findings

    def add(self, decision: str, rule: str, reason: str, subject: str) -> None:
        finding = Finding("deny" if decision == "deny" else "ask", rule, reason, subject)
        if finding not in self.findings:
            self.findings.append(finding)

    def script(self, source: str, st: State, depth: int, stdin: Flow = NONE) -> Flow:
        if depth > MAX_DEPTH:
            self.add("deny", "shell.parse_error", "could not parse the command: nested too deeply", source[:80])
            return UNKNOWN_FLOW
        source = source.replace(UNKNOWN, UNKNOWN_VAR).replace(SPLIT, " ")
        self.literal_docs |= heredocs.quoted_delimiters(source)
        if not source.strip():  # `eval ""`, `eval "$@"` with no arguments: nothing runs
            return NONE
        try:
            trees, source = parse(source)
        except ParseFailure as e:
            self.add("deny", "shell.parse_error", f"could not parse the command: {e}", source[:80])
            return UNKNOWN_FLOW
        flow = NONE
        for tree in trees:
            flow = merge(flow, self.node(tree, source, st, stdin, depth))
        return flow

    # -- the tree walk ----------------------------------------------------------------------------

    def node(self, n: Any, src: str, st: State, stdin: Flow, depth: int) -> Flow:
        kind = n.kind
        if kind == "command":
            return self.command(n, src, st, stdin, depth)
        if kind == "pipeline":
            return self.pipeline(n, src, st, depth)
        if kind == "list":  # `x | { a; b; }`: the commands of the group share its stdin
            flow = NONE
            for p in n.parts:
                if p.kind != "operator":
                    flow = merge(flow, self.node(p, src, st, stdin, depth))
            return flow
        if kind == "compound":
            inner = st.copy() if n.list and getattr(n.list[0], "word", "") == "(" else st
            for r in getattr(n, "redirects", None) or []:  # `{ sh; } < <(curl ...)`: the group's stdin
                fed = self.redirect(r, src, st, "compound command", depth)
                stdin = fed if fed is not None else stdin
            flow = NONE
            for p in n.list:
                flow = merge(flow, self.node(p, src, inner, stdin, depth))
            return flow
        if kind == "function":
            name = next(p.word for p in n.parts if p.kind == "word")  # `f() {...}` or `function f {...}`
            body = n.parts[-1]
            self.fork_bomb(name, body)
            st.functions.add(name)
            st.vars[arrays.FUNCTION + name] = [src[body.pos[0] : body.pos[1]]]
            # here as a call without arguments (`trap f EXIT`); each call seen later is analysed with its own
            defined = st.copy()
            arrays.set_positional(defined, ["--"])
            self.node(body, src, defined, NONE, depth)
            return NONE
        if kind == "for":
            return self.for_loop(n, src, st, depth)
        if kind in ("reservedword", "operator", "pipe"):
            return NONE
        flow = NONE  # if, while, until, case...: their commands share the stdin they are given
        for child in getattr(n, "parts", None) or getattr(n, "list", None) or []:
            flow = merge(flow, self.node(child, src, st, stdin, depth))
        return flow

    def for_loop(self, n: Any, src: str, st: State, depth: int) -> Flow:
        parts = n.parts
        var = parts[1].word
        values: list[str] = []
        body: list[Any] = []
        in_words = False
        for p in parts[2:]:
            if p.kind == "reservedword" and p.word == "in":
                in_words = True
            elif p.kind == "reservedword" and p.word in (";", "do", "\n"):
                in_words = False
            elif p.kind == "word" and in_words:
                values.extend(split_words(self.expand(p, src, st, [], depth)))
            elif p.kind not in ("reservedword", "word"):
                body.append(p)
        arrays.assign(st, var, values or [UNKNOWN])
        flow = NONE
        for b in body:
            flow = merge(flow, self.node(b, src, st, NONE, depth))
        return flow

    def pipeline(self, n: Any, src: str, st: State, depth: int) -> Flow:
        start = len(self.executed)
        flow = NONE
        for p in n.parts:
            if p.kind not in ("pipe", "reservedword"):
                flow = self.node(p, src, st, flow, depth)
        from llmos.kernel.policy.commands import NETWORK_TOOLS, SHELLS

        names = set(self.executed[start:])
        if names & NETWORK_TOOLS and names & SHELLS:
            tool = sorted(names & NETWORK_TOOLS)[0]
            self.add(
                "deny",
                "shell.reverse_shell",
                f"connects a shell to the network through {tool}",
                shown(src[n.pos[0] : n.pos[1]]),
            )
        return flow

    def fork_bomb(self, name: str, body: Any) -> None:
        calls = 0
        piped_or_background = False

        def visit(x: Any, in_pipe: bool) -> None:
            nonlocal calls, piped_or_background
            if x.kind == "command" and x.parts and getattr(x.parts[0], "word", None) == name:
                calls += 1
                piped_or_background |= in_pipe
            if x.kind == "operator" and getattr(x, "op", "") == "&":
                piped_or_background = True
            for child in getattr(x, "parts", None) or getattr(x, "list", None) or []:
                visit(child, in_pipe or x.kind == "pipeline")

        visit(body, False)
        if calls and (piped_or_background or calls > 1):
            self.add(
                "deny",
                "shell.fork_bomb",
                f"function {name!r} calls itself recursively in the background or through a pipe (a fork bomb)",
                name,
            )

    # -- simple commands ----------------------------------------------------------------------------

    def expand(self, word: Any, src: str, st: State, flows: list[Flow], depth: int) -> list[str]:
        def subst(part: Any) -> str | None:
            flow = self.node(part.command, src, st.copy(), NONE, depth + 1)
            flows.append(flow)
            if part.kind == "processsubstitution":
                return "/dev/fd/63"
            if flow.kind == "find" and len(flow.paths) == 1:
                return flow.paths[0]
            return flow.text if flow.kind == "literal" else None

        ifs = st.vars.get("IFS", [" \t\n"])
        known = ifs[0] if len(ifs) == 1 and UNKNOWN not in ifs[0] else None
        heredocs.evaluated_values(self, src[word.pos[0] : word.pos[1]], st, depth)
        def lookup(name: str) -> list[str]:
            origin = st.vars.get(ORIGIN + name)
            if origin:  # x=$(curl ...); ... "$x": the value still comes from the network
                flows.append(Flow(origin[0]))
            return st.lookup(name, self.paths.home)

        return expand(src, word, lookup, subst, ifs=known)

    def command(self, n: Any, src: str, st: State, stdin: Flow, depth: int) -> Flow:
        flows: list[Flow] = []
        argv: list[str] = []
        env: dict[str, list[str]] = {}
        redirects: list[Any] = []
        for p in n.parts:
            if p.kind == "assignment":
                name, _, _ = p.word.partition("=")
                values = [v.partition("=")[2].replace(SPLIT, " ") for v in self.expand(p, src, st, flows, depth)]
                env[name] = values
            elif p.kind == "word":
                values = split_words(self.expand(p, src, st, flows, depth))
                if argv[:1] == ["unset"] and arrays.glob_bracket(src[p.pos[0] : p.pos[1]]):
                    values = [v.partition("[")[0] + "[?]" for v in values]  # may match a file: index unknown
                argv.extend(values)
            elif p.kind == "redirect":
                redirects.append(p)
        if getattr(n.parts[0], "word", "") in arrays.PSEUDO:  # NAME=(...), rewritten by `parse`
            arrays.assign_array(st, argv)
            return NONE
        argv, env = arrays.state_changes(self, argv, env, st, stdin, depth)
        if not argv:
            remember_origin(st, list(env), flows)
        cmd = Cmd(argv, st, stdin, flows, env, depth)
        subject = cmd.subject if argv else "redirection"
        outputs: list[str] = []
        for r in redirects:
            heredoc = self.redirect(r, src, st, subject, depth, outputs)
            if heredoc is not None:
                cmd.stdin = heredoc
        if not argv:  # `$(< FILE)` is the file's content: a download stays one
            return cmd.stdin if cmd.stdin.kind in STRONG else NONE
        from llmos.kernel.policy.commands import run

        flow = run(self, cmd)
        for out in outputs:
            path = self.paths.resolve(out, st.cwd)
            if path and flow.kind in ("literal", "download", "decoded", "sensitive"):
                st.written[path] = flow
        return NONE if outputs else flow

    def redirect(
        self, r: Any, src: str, st: State, subject: str, depth: int, outputs: list[str] | None = None
    ) -> Flow | None:
        """Check one redirection; returns the stdin it provides (a heredoc, a here-string, `< <(...)`).
        Another descriptor keeps the origin of what it reads: `exec 3< <(curl ...); sh <&3`."""
        if r.type == "<&" and isinstance(r.output, int):
            origin = st.vars.get(ORIGIN + f"fd{r.output}")
            return Flow(origin[0]) if origin else None
        fed = self._redirect(r, src, st, subject, depth, outputs)
        fd = getattr(r, "input", None)
        if r.type in ("<", "<<<", "<<", "<<-") and isinstance(fd, int) and fd != 0:
            remember_origin(st, [f"fd{fd}"], [fed] if fed is not None else [])
            return None
        return fed

    def _redirect(
        self, r: Any, src: str, st: State, subject: str, depth: int, outputs: list[str] | None
    ) -> Flow | None:
        rtype = r.type
        if rtype in ("<<", "<<-"):
            text = r.heredoc.value if getattr(r, "heredoc", None) is not None else ""
            if getattr(r.output, "word", None) not in self.literal_docs:  # <<EOF: $(...) in it runs
                for code in heredocs.substitutions(text):
                    self.script(code, st.copy(), depth + 1)
            return Flow("literal", text.rsplit("\n", 1)[0] if "\n" in text else "")
        target = r.output
        if isinstance(target, int) or target is None or getattr(target, "kind", "") != "word":
            return None
        made: list[Flow] = []
        values = split_words(self.expand(target, src, st, made, depth)) or [""]
        carried = strongest(made)  # `<<< "$(curl ...)"`, `< <(curl ...)`: the substitution's output is the input
        if rtype == "<<<":
            return carried if carried.kind in STRONG else Flow("literal", " ".join(values))
        if rtype == "<" and arrays.exact_output(target) and made and made[0].kind == "literal" and made[0].exact:
            return made[0]  # `< <(printf ...)`: what echo or printf with known words prints
        if rtype == "<" and any(p.kind == "processsubstitution" for p in getattr(target, "parts", None) or []):
            return carried if carried.kind in STRONG else UNKNOWN_FLOW  # `< <(CMD)`: what CMD prints
        if rtype == "<" and carried.kind in STRONG:
            return carried
        for value in values:
            if rtype == "<":
                return self.input_file(value, st, subject)
            else:
                self.write_target(value, st, "write", subject)
                if outputs is not None and rtype in (">", ">>", ">|", "&>") and UNKNOWN not in value:
                    outputs.append(value)
        return None

    def input_file(self, value: str, st: State, subject: str) -> Flow | None:
        """`< FILE`: checked as a read; what it feeds when its content's origin is known."""
        self.read_target(value, st, subject)
        from llmos.kernel.policy.exfil import SENSITIVE, sensitive_path

        if sensitive_path(self, value, st.cwd):
            return SENSITIVE
        path = self.paths.resolve(value, st.cwd) if UNKNOWN not in value else None
        if path and path in st.downloaded:  # `curl -o f URL; sh < f`
            return Flow("download")
        return st.written.get(path) if path else None

    # -- helpers for the checks -----------------------------------------------------------------------

    def write_target(self, value: str, st: State, op: Op, subject: str) -> None:
        value = self.through_links(value, st, follow_last=op in ("write", "chmod_recursive"))
        finding = self.paths.target(value, st.cwd, op, subject)
        if finding is not None and finding not in self.findings:
            self.findings.append(finding)
        if self.read_only and not (finding and finding.decision == "deny"):
            path = self.paths.resolve(value.replace(UNKNOWN, "x"), st.cwd)
            if path is None or not (path in ("/dev/null", "/dev/stdout", "/dev/stderr") or path.startswith("/dev/fd/")):
                self.add(
                    "deny",
                    "shell.read_only",
                    f"read-only mode: {subject!r} writes to {shown(value)!r}",
                    subject,
                )

    def through_links(self, value: str, st: State, follow_last: bool = False) -> str:
        """`value` with a symlink made earlier in this script replaced by its target (the link itself
        too when `follow_last`: a write goes to the target, a deletion removes the link)."""
        if not st.links or UNKNOWN in value:
            return value
        path = self.paths.absolute(value, st.cwd)
        for link, target in st.links.items():
            if path is not None and follow_last and path == link:
                return target
            if path is not None and (path == link + "/" or path.startswith(link + "/")):
                return target.rstrip("/") + path[len(link) :]
        return value

    def read_target(self, value: str, st: State, subject: str) -> None:
        if UNKNOWN in value:
            return
        value = self.through_links(value, st)
        path = self.paths.resolve(value, st.cwd)
        if path is None:
            return
        if path.startswith(("/dev/tcp/", "/dev/udp/")):
            self.add("deny", "shell.reverse_shell", f"opens a network connection through {path}", subject)
        elif self.paths.secret(path):
            self.add("deny", "shell.credential_read", f"reads credentials from {path}", subject)
