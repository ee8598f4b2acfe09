"""Download-and-run through package tools, switching off protections, deleting cloud data.

- package runners (`npx`, `pnpm dlx`, `uvx`...) running a URL or a deletion package, and package
  installs from an unencrypted URL (denied) or a VCS/raw URL outside any registry (asks);
- switching off firewalls, security modules and audit (`iptables -F`, `setenforce 0`, `ufw disable`,
  `systemctl stop apparmor`);
- deleting cloud data (`aws s3 rm --recursive`, `rclone purge`, `gsutil rm -r`...): asks.
"""

from __future__ import annotations

import re

from llmos.kernel.policy.commands import check, run, run_code
from llmos.kernel.policy.options import parse_opts
from llmos.kernel.policy.shell import UNKNOWN_FLOW, Cmd, Flow, ShellAnalyzer

PROTECTED_UNITS = re.compile(
    r"(?i)^(firewalld|ufw|apparmor|auditd|selinux\w*|fail2ban|nftables|iptables|ip6tables|netfilter-persistent"
    r"|clamav\S*|crowdsec|falco|osqueryd|wazuh\S*|ossec|aide|tripwire|sshguard|snapd\.apparmor)(\.service)?$"
)


# -- package runners and download-and-run ----------------------------------------------------------

DELETION_PACKAGES = {"rimraf", "del-cli", "trash-cli", "rm-cli", "del", "rimraf@latest", "shx"}


def remote_package(a: ShellAnalyzer, cmd: Cmd, spec: str) -> bool:
    """A package given as a URL: plain http or a raw URL is denied, https/git VCS sources ask."""
    low = spec.lower().partition(" @ ")[2] or spec.lower()
    if re.match(r"^(git\+)?(http|ftp)://", low) or low.startswith(("git+git://", "git://")):
        a.add(
            "deny",
            "shell.download_exec",
            f"{cmd.name} installs and runs code from an unencrypted URL ({spec})",
            cmd.subject,
        )
        return True
    if re.match(r"^(git\+|hg\+|svn\+|bzr\+)?(https|ssh)://|^(github|gitlab|bitbucket|gist):|^git@", low):
        a.add(
            "ask",
            "shell.remote_package",
            f"{cmd.name} installs and runs code from {spec}, outside any registry",
            cmd.subject,
        )
        return True
    return False


@check("go")
def check_go(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    if cmd.args[:1] in (["run"], ["install"], ["get"]):
        for spec in cmd.args[1:]:
            if re.match(r"(?i)^(https?|ftp|git)://", spec):
                remote_package(a, cmd, spec)
    return UNKNOWN_FLOW


@check("npx", "pnpx", "bunx", "uvx")
@check("pipx", replaces=True)  # over programs.check_packages: pipx run fetches and runs a package
def check_npx(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    args = cmd.args[1:] if cmd.name == "pipx" and cmd.args[:1] in (["run"], ["install"]) else cmd.args
    if cmd.name == "pipx" and cmd.args[:1] not in (["run"], ["install"]):
        return UNKNOWN_FLOW
    p = parse_opts(
        args, "pc", ("--package", "--call", "--from", "--spec", "--with", "--python", "--index-url"), stop=True
    )
    rest = args[p.rest_index :]
    for spec in p.values("-p", "--package", "--from", "--spec", "--with") + rest[:1]:
        remote_package(a, cmd, spec)
    for code in p.values("-c", "--call"):
        run_code(a, cmd, code, f"{cmd.name} -c runs")
    if rest and rest[0].split("@")[0] in DELETION_PACKAGES:
        inner = [x for x in rest[1:] if not x.startswith("-")]
        run(a, cmd.with_argv(["rm", "-rf", *inner] if rest[0] != "shx" else rest[1:]))
    return UNKNOWN_FLOW


# -- switching off protections ---------------------------------------------------------------------


def _protection(a: ShellAnalyzer, cmd: Cmd, what: str) -> None:
    a.add("deny", "shell.disable_protection", f"{cmd.name} {what}", cmd.subject)


@check(
    "iptables",
    "ip6tables",
    "iptables-legacy",
    "iptables-nft",
    "ip6tables-legacy",
    "ip6tables-nft",
    "ebtables",
    "arptables",
)
def check_iptables(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    args = cmd.args
    if any(
        x in ("-F", "--flush", "-X", "--delete-chain", "-Z") or re.fullmatch(r"-[A-Za-z]*F[A-Za-z]*", x) for x in args
    ) or (("-P" in args or "--policy" in args) and "ACCEPT" in args):
        _protection(a, cmd, "removes firewall rules")
    elif any(x in ("-D", "--delete", "-I", "-A", "--append", "--insert", "-R", "--replace") for x in args):
        a.add("ask", "shell.firewall", f"{cmd.name} changes firewall rules", cmd.subject)
    return UNKNOWN_FLOW


@check("nft")
def check_nft(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    words = [w for x in cmd.args if not x.startswith("-") for w in x.split()]
    if words[:1] in (["flush"], ["delete"], ["destroy"]):
        _protection(a, cmd, f"{words[0]}es firewall rules")
    return UNKNOWN_FLOW


@check(
    "ufw",
    "firewall-cmd",
    "setenforce",
    "aa-teardown",
    "aa-disable",
    "aa-complain",
    "apparmor_parser",
    "auditctl",
    "sysctl",
    "csrutil",
    "spctl",
)
def check_security_modules(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    args, name = cmd.args, cmd.name
    low = [x.lower() for x in args if not x.startswith("--force")]
    if (
        ((name == "ufw" and low[:1] in (["disable"], ["reset"])) or ("allow" in low[1:2] and low[:1] == ["default"]))
        or (name == "setenforce" and low[:1] in (["0"], ["permissive"]))
        or name in ("aa-teardown", "aa-disable", "aa-complain")
        or (name == "apparmor_parser" and any(x in ("-R", "--remove") for x in args))
        or (name == "auditctl" and (("-e" in args and "0" in args) or "-D" in args))
        or (
            name == "firewall-cmd"
            and any(
                x.startswith(("--panic-off", "--set-default-zone=trusted")) or x in ("--zone=trusted",) for x in low
            )
        )
        or (name in ("csrutil", "spctl") and any(x in ("disable", "--master-disable", "--global-disable") for x in low))
    ):
        _protection(a, cmd, "switches off a firewall, security module or audit")
    elif name == "sysctl" and any(
        re.match(
            r"(kernel\.(randomize_va_space|yama\.ptrace_scope|kptr_restrict|dmesg_restrict|modules_disabled|"
            r"unprivileged_bpf_disabled)|fs\.protected_\w+|net\.ipv4\.ip_forward)=",
            x,
        )
        for x in low
    ):
        _protection(a, cmd, "weakens a kernel protection")
    return UNKNOWN_FLOW


_SECURITY_MODULES = re.compile(
    r"^(apparmor|selinux|security|yama|lockdown|landlock|ip_tables|x_tables|nf_\w+|iptable_\w+)$"
)


@check("modprobe", "rmmod", "insmod")
def check_modules(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    names = [x for x in cmd.args if not x.startswith("-")]
    removing = cmd.name == "rmmod" or any(x in ("-r", "--remove") for x in cmd.args)
    if removing and any(_SECURITY_MODULES.match(n) for n in names):
        _protection(a, cmd, "unloads a security or firewall kernel module")
    elif names and not any(x in ("-n", "--dry-run", "--show-depends", "-c") for x in cmd.args):
        a.add("ask", "shell.kernel_module", f"{cmd.name} changes the running kernel's modules", cmd.subject)
    return UNKNOWN_FLOW


def stop_protection(a: ShellAnalyzer, cmd: Cmd, verb: str, units: list[str]) -> bool:
    """`systemctl stop ufw`, `service apparmor stop`: deny; True when it applied."""
    if verb in ("stop", "disable", "mask", "kill") and any(PROTECTED_UNITS.match(u) for u in units):
        _protection(a, cmd, f"{verb} stops a firewall, security module or audit service")
        return True
    return False


@check("service")
def check_service(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    if (
        len(cmd.args) >= 2
        and not stop_protection(a, cmd, cmd.args[1], cmd.args[:1])
        and cmd.args[1] in ("stop", "start", "restart", "reload")
    ):
        a.add("ask", "shell.system_service", f"service {cmd.args[1]} changes system services", cmd.subject)
    return UNKNOWN_FLOW


# -- cloud data --------------------------------------------------------------------------------------

_CLOUD_DELETE = {
    "aws": re.compile(
        r"^(s3 (rm|rb)\b.*|s3 sync .*--delete\b.*|s3api delete-\S+.*"
        r"|\S+ (delete|terminate|remove|deregister|purge)-\S+.*|secretsmanager (put-secret-value|update-secret)\b.*)$"
    ),
    "gsutil": re.compile(r"^(-\S+ )*(rm|rb)\b.*$"),
    "gcloud": re.compile(r"^.*\b(delete|remove|rm)\b.*$"),
    "az": re.compile(r"^.*\b(delete|purge|remove)\b.*$"),
    "rclone": re.compile(r"^(\S+ )?(purge|delete|deletefile|rmdir|rmdirs|cleanup|sync|move|moveto)\b.*$"),
    "s3cmd": re.compile(r"^(\S+ )?(del|rm|rb|sync)\b.*$"),
    "mc": re.compile(r"^(\S+ )?(rm|rb|mirror --remove)\b.*$"),
    "azcopy": re.compile(r"^(remove|rm|sync)\b.*$"),
    "doctl": re.compile(r"^.*\b(delete|rm)\b.*$"),
    "gh": re.compile(r"^(repo|release|secret|variable|gist|run|cache) delete\b.*$"),
    "heroku": re.compile(r"^(apps:destroy|pg:reset|addons:destroy)\b.*$"),
    "firebase": re.compile(r"^\S+:delete\b.*|^(database:remove|firestore:delete)\b.*$"),
    "pulumi": re.compile(r"^(destroy|stack rm)\b.*$"),
    "vercel": re.compile(r"^(rm|remove)\b.*$"),
}


@check(*_CLOUD_DELETE)
def check_cloud(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    line = " ".join(cmd.args)
    if _CLOUD_DELETE[cmd.name].match(line) and not re.search(r"(?:^| )(--dryrun|--dry-run|--help|help)(?: |$)", line):
        a.add("ask", "shell.cloud_delete", f"{cmd.name} deletes cloud data or resources", cmd.subject)
    return UNKNOWN_FLOW
