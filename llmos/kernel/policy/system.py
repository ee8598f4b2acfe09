"""Checks of the commands that act on the machine: disks and partitions, privileges and accounts,
power and run levels, system services, killing processes, crontabs.

Registered in `commands.CHECKS` when `commands.py` imports this module (at its end).
"""

from __future__ import annotations

from llmos.kernel.policy.commands import DISK_TOOLS, PARTITIONERS, POWER, PRIVILEGED, check
from llmos.kernel.policy.options import parse_opts
from llmos.kernel.policy.shell import NONE, UNKNOWN_FLOW, Cmd, Flow, ShellAnalyzer


@check(*DISK_TOOLS)
def check_disk(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    from llmos.kernel.policy.extras import image_files

    images = image_files(cmd) if cmd.name.startswith(("mkfs", "mke2fs", "mkswap", "mkdosfs", "mkntfs")) else None
    if images is None:
        a.add("deny", "shell.disk_wipe", f"{cmd.name} formats or wipes a disk", cmd.subject)
    for image in images or []:  # formatting an image file writes that file
        a.write_target(image, cmd.st, "write", cmd.subject)
    return NONE


@check(*PARTITIONERS)
def check_partition(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    p = parse_opts(cmd.args)
    listing = ("-l", "--list", "--help", "-h", "-v", "--version") + (("-s",) if cmd.name != "parted" else ())
    if p.has(*listing) or "print" in p.positionals:  # parted -s is script mode, not a listing
        return UNKNOWN_FLOW
    if any(x.startswith("/dev/") for x in p.positionals):
        a.add("deny", "shell.disk_wipe", f"{cmd.name} edits the partition table of a disk", cmd.subject)
    else:
        a.add("ask", "shell.disk", f"{cmd.name} edits partition tables", cmd.subject)
    return NONE


@check(*PRIVILEGED)
def check_privileged(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    a.add("deny", "shell.privilege_escalation", f"{cmd.name} changes privileges or accounts", cmd.subject)
    return NONE


@check(*POWER)
def check_power(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    if not parse_opts(cmd.args).has("--help"):
        a.add("deny", "shell.system_control", f"{cmd.name} stops the machine", cmd.subject)
    return NONE


@check("init", "telinit")
def check_init(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    if any(x in ("0", "6", "1", "s", "S", "single") for x in cmd.args):
        a.add(
            "deny",
            "shell.system_control",
            f"{cmd.name} {' '.join(cmd.args)} changes the run level",
            cmd.subject,
        )
    return NONE


@check("systemctl", "loginctl")
def check_systemctl(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    from llmos.kernel.policy.protections import stop_protection

    verbs = parse_opts(cmd.args, "tpHMsn", ("--type", "--property", "--host", "--machine", "--signal")).positionals
    verb = verbs[0] if verbs else ""
    if verb in (
        "poweroff",
        "reboot",
        "halt",
        "kexec",
        "suspend",
        "hibernate",
        "hybrid-sleep",
        "emergency",
        "rescue",
        "isolate",
        "default",
        "soft-reboot",
        "terminate-session",
        "kill-session",
    ):
        a.add(
            "deny",
            "shell.system_control",
            f"{cmd.name} {verb} stops or reconfigures the machine",
            cmd.subject,
        )
    elif stop_protection(a, cmd, verb, verbs[1:]):
        pass
    elif verb in (
        "start",
        "stop",
        "restart",
        "enable",
        "disable",
        "mask",
        "unmask",
        "kill",
        "reload",
        "daemon-reload",
        "edit",
        "link",
        "set-default",
    ):
        a.add("ask", "shell.system_service", f"{cmd.name} {verb} changes system services", cmd.subject)
    return UNKNOWN_FLOW


@check("kill")
def check_kill(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    args = list(cmd.args)
    if args and args[0] in ("-s", "-n") and len(args) > 1:
        args = args[2:]
    elif args and args[0].startswith("-") and args[0] not in ("-1", "--", "-l", "-L"):
        args = args[1:]  # the signal: -9, -KILL, -SIGKILL
    if args and args[0] == "--":
        args = args[1:]
    if "-1" in args or "1" in args:
        a.add("deny", "shell.system_control", "kills every process (or init)", cmd.subject)
    return NONE


@check("killall", "killall5")
def check_killall(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    a.add("deny", "shell.system_control", f"{cmd.name} kills processes by name across the system", cmd.subject)
    return NONE


@check("pkill")
def check_pkill(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    a.add("ask", "shell.pkill", "pkill kills processes by pattern", cmd.subject)
    return NONE


@check("crontab")
def check_crontab(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    p = parse_opts(cmd.args, "u")
    if p.has("-l") and not p.positionals and not p.has("-e", "-r", "-i"):
        return UNKNOWN_FLOW
    a.add("deny", "shell.credential_write", "edits a crontab (runs commands later, persistently)", cmd.subject)
    return NONE
