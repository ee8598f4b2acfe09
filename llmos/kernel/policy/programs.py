"""Checks of programs that move data: network tools, downloads, pipes, version control, packages."""

from __future__ import annotations

import os
import re

from llmos.kernel.policy.commands import DOWNLOADERS, FILTERS, NETWORK_TOOLS, check
from llmos.kernel.policy.options import parse_opts
from llmos.kernel.policy.paths import UNKNOWN
from llmos.kernel.policy.shell import NONE, UNKNOWN_FLOW, Cmd, Flow, ShellAnalyzer, remember_origin, strongest
from llmos.kernel.policy.words import ansi_c

# -- network, downloads, pipes ----------------------------------------------------------------------


@check(*NETWORK_TOOLS)
def check_net(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    p = parse_opts(cmd.args, "pswiqWIOPTVXxg" if cmd.name != "socat" else "", ())
    if cmd.name == "socat":
        if any(re.match(r"(?i)(exec|system):", x) for x in p.positionals):
            a.add("deny", "shell.reverse_shell", "socat connects a program to the network", cmd.subject)
    elif p.has("-e", "-c", "--exec", "--sh-exec", "--lua-exec"):
        a.add("deny", "shell.reverse_shell", f"{cmd.name} -e runs a program for the network", cmd.subject)
    return Flow("network")


@check("openssl")
def check_openssl(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    sub = cmd.args[0] if cmd.args else ""
    if sub in ("s_client", "s_server"):
        a.executed.append("nc")  # a network tool for the pipeline check
        return Flow("network")
    if sub in ("enc", "base64") and "-d" in cmd.args:
        return Flow("decoded")
    return UNKNOWN_FLOW


@check(*DOWNLOADERS)
def check_download(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    if cmd.name == "curl":
        p = parse_opts(
            cmd.args,
            "odHXeEruUxAbcCKmTwFyYzQ",  # -s (silent) takes no value: `curl -so FILE URL`
            ("--output", "--output-dir", "--data", "--header", "--request", "--user", "--url", "--form"),
        )
        urls = [x for x in p.positionals if "://" in x or "." in x]
        outs = p.values("-o", "--output")
        if p.has("-O", "--remote-name", "--remote-name-all"):
            outs += [os.path.basename(u.split("?")[0].rstrip("/")) or "index.html" for u in urls]
        outdir = (p.values("--output-dir") or [""])[0]
        outs = [os.path.join(outdir, o) if outdir and not o.startswith("/") else o for o in outs]
    else:
        p = parse_opts(cmd.args, "OoaPeiBTtUDlQwAR", ("--output-document", "--directory-prefix", "--output-file"))
        outs = p.values("-O", "--output-document")
        prefix = (p.values("-P", "--directory-prefix") or [""])[0]
        if not outs:
            names = [os.path.basename(u.split("?")[0].rstrip("/")) or "index.html" for u in p.positionals]
            outs = [os.path.join(prefix, n) if prefix else n for n in names]
    for o in outs:
        if o == "-":
            continue
        a.write_target(o, cmd.st, "write", cmd.subject)
        path = a.paths.resolve(o, cmd.st.cwd)
        if path:
            cmd.st.downloaded.add(path)
    return Flow("download")


@check("mktemp")
def check_mktemp(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    p = parse_opts(cmd.args, "p", ("--tmpdir", "--suffix"))
    base = (p.values("-p", "--tmpdir") or [""])[0]
    if base or p.has("-t") or not p.positionals:
        return Flow("literal", os.path.join(base or "/tmp", "tmp.llmos"))
    return Flow("literal", p.positionals[0].replace("X", "x"))


@check("which", "readlink", "realpath")
def check_which(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    names = [x for x in cmd.args if not x.startswith("-")]
    if cmd.name == "which" and len(names) == 1 and "/" not in names[0]:
        return Flow("literal", "/usr/bin/" + names[0])
    return UNKNOWN_FLOW


@check("pwd")
def check_pwd(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    return Flow("literal", cmd.st.cwd) if cmd.st.cwd else UNKNOWN_FLOW


@check("docker", "podman", "nerdctl")
def check_docker(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    args = cmd.args
    if any(x in ("run", "create", "exec") for x in args[:3]):
        mounts = [args[i + 1] for i, x in enumerate(args[:-1]) if x in ("-v", "--volume", "--mount")]
        mounts += [x.partition("=")[2] for x in args if x.startswith(("--volume=", "--mount="))]
        if any(
            m.split(":")[0] in ("/", "/etc", "/root", "/var/run/docker.sock") or "source=/," in m + "," for m in mounts
        ) or {"--privileged", "--pid=host", "--net=host,--privileged"} & set(args):
            a.add(
                "deny",
                "shell.privilege_escalation",
                f"{cmd.name} gives a container the host's root",
                cmd.subject,
            )
    return UNKNOWN_FLOW


@check("mount", "umount", "swapoff", "swapon", "losetup")
def check_mount(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    if cmd.args and not (cmd.name == "mount" and cmd.args[0] in ("-l", "--list", "-h", "--help")):
        a.add("ask", "shell.mount", f"{cmd.name} changes mounted file systems", cmd.subject)
    return UNKNOWN_FLOW


@check("echo", "printf")
def check_echo(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    args = list(cmd.args)
    if cmd.name == "echo":
        flags = ""
        while args and re.fullmatch(r"-[neE]+", args[0]):
            flags, args = flags + args[0], args[1:]
        text = " ".join(args)
        return Flow("literal", text, exact="e" not in flags or "\\" not in text)  # (without its newline)
    target = None
    if args[:1] == ["-v"] and len(args) > 1:
        target, args = args[1], args[2:]
    if args and args[0] == "--":
        args = args[1:]
    if not args:
        return Flow("literal", "")
    text, exact = _printf(ansi_c("$'" + args[0].replace("'", "\\'") + "'", 0)[0], args[1:])
    if target is not None:
        cmd.st.vars[target] = [text]
        remember_origin(cmd.st, [target], cmd.flows)  # printf -v x '%s' "$(curl ...)"
        return NONE
    return Flow("literal", text, exact=exact)


_CONVERSION = re.compile(r"%[-+ #0-9.*]*[A-Za-z%]")


def _printf(fmt: str, args: list[str]) -> tuple[str, bool]:
    """What printf prints: the format is used again while arguments remain. Exact when every
    conversion is a plain `%s` (or `%%`) and no argument has a backslash."""
    specs = _CONVERSION.findall(fmt)
    exact = all(spec in ("%s", "%%") for spec in specs) and not any("\\" in x for x in args)
    per_pass = sum(spec != "%%" for spec in specs)
    out: list[str] = []
    i = 0
    while True:
        pieces = _CONVERSION.split(fmt)
        text = pieces[0]
        for spec, after in zip(specs, pieces[1:], strict=True):
            if spec == "%%":
                text += "%" + after
                continue
            value = args[i] if i < len(args) else ""
            i += 1
            text += ansi_c("$'" + value.replace("'", "\\'") + "'", 0)[0] + after
        out.append(text)
        if i >= len(args) or not per_pass or len(out) > 1000:
            return "".join(out), exact


@check("base64", "xxd", "uudecode", "basenc", "base32")
def check_decode(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    if cmd.name == "uudecode" or any(x in ("-d", "--decode", "-D", "-r", "-rp", "-pr") for x in cmd.args):
        return cmd.stdin if cmd.stdin.kind in ("download", "network") else Flow("decoded")
    return UNKNOWN_FLOW


@check(*(FILTERS - {"tee", "sed"}))
def check_filter(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    if cmd.name in ("grep", "egrep", "fgrep") and cmd.stdin.kind == "none":
        p = parse_opts(cmd.args, "efABCmd", ("--regexp", "--file", "--include", "--exclude", "--exclude-dir"))
        if p.has("-l", "-L", "--files-with-matches", "--files-without-match") and len(p.positionals) > 1:
            return Flow("find", paths=tuple(x.rstrip("/") + "/*" for x in p.positionals[1:] if x))
    if cmd.stdin.kind in ("download", "decoded", "network"):
        return cmd.stdin
    read = read_files(a, cmd)  # `cat <(curl ...)`, `head f` after `curl -o f`: the file's origin goes on
    if read.kind in ("download", "decoded", "network"):
        return read
    if cmd.name == "cat" and not cmd.args:
        return cmd.stdin
    if cmd.name in ("gunzip", "zcat", "bzcat", "xzcat", "unxz", "bunzip2") or "-d" in cmd.args:
        return Flow("decoded") if cmd.stdin.kind != "none" or cmd.name == "zcat" else UNKNOWN_FLOW
    return UNKNOWN_FLOW


def read_files(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    """What a filter reads from its file arguments, as far as their origin is known: a process
    substitution (`/dev/fd/N`, the command's substitutions), a file downloaded or written earlier."""
    out: list[Flow] = []
    for x in cmd.args:
        if x.startswith("/dev/fd/"):
            out.extend(cmd.flows)
            continue
        path = a.paths.resolve(x, cmd.st.cwd) if UNKNOWN not in x and not x.startswith("-") else None
        if path and path in cmd.st.downloaded:
            out.append(Flow("download"))
        elif path and path in cmd.st.written:
            out.append(cmd.st.written[path])
    return strongest(out)


# -- version control and packages -------------------------------------------------------------------


INDEX_OPTIONS = (
    "--index-url", "--extra-index-url", "--find-links", "--registry", "--trusted-host", "--requirement",
    "--constraint", "--editable", "--target", "--prefix", "--root", "--src", "--cache-dir", "--python",
)  # fmt: skip


@check("npm", "pnpm", "yarn", "pip", "pip3", "gem", "cargo", "pipx", "uv")
def check_packages(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    args = cmd.args
    if cmd.name == "uv" and args[:1] == ["pip"]:
        args = args[1:]
    if args[:1] in (["install"], ["i"], ["add"], ["exec"], ["dlx"], ["x"], ["download"]):
        from llmos.kernel.policy.protections import remote_package

        p = parse_opts(args[1:], "irfcet", INDEX_OPTIONS)
        for spec in p.positionals:
            remote_package(a, cmd, spec)
        for index in p.values("-i", "-f", *INDEX_OPTIONS):
            if index.lower().startswith("http://"):  # an index or registry over plain http
                remote_package(a, cmd, index)
    from llmos.kernel.policy.extras import local_build_code

    local_build_code(a, cmd, args)
    globally = {"-g", "--global", "--user", "--break-system-packages", "--system"} & set(args)
    if (cmd.name == "yarn" and args[:1] == ["global"]) or globally:
        a.add(
            "ask",
            "shell.global_install",
            f"installs packages outside the project ({cmd.subject})",
            cmd.subject,
        )
    return UNKNOWN_FLOW


@check("terraform", "tofu", "kubectl", "helm")
def check_infra(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    verbs = [x for x in cmd.args if not x.startswith("-")][:2]
    if (cmd.name in ("terraform", "tofu") and verbs[:1] == ["destroy"]) or (
        cmd.name in ("kubectl", "helm") and verbs[:1] in (["delete"], ["uninstall"])
    ):
        a.add("ask", "shell.infra_destroy", f"{cmd.name} {verbs[0]} destroys infrastructure", cmd.subject)
    return UNKNOWN_FLOW
