"""Deleting the data of a service: secrets managers, backups, queues, search indexes, CI (asks).

Found on the public corpora (destructive_command_guard's fixtures, issue 10): the command line of
a data, secrets, backup, messaging or CI service with a deleting verb, and an HTTP request that
deletes (method DELETE, or a delete/purge/destroy endpoint) sent by curl, wget or httpie. Both ask
at least, like `aws s3 rm --recursive` (`protections.py`); --help and dry runs are not asked.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from llmos.kernel.policy.decision import words
from llmos.kernel.policy.shell import Cmd, ShellAnalyzer

# Services whose command line deletes with a verb among its first positionals
SERVICE_CLIS = words(
    "vault op doppler infisical bw consul etcdctl nomad",  # secrets and configuration stores
    "restic borg kopia duplicity velero rustic",  # backups
    "rabbitmqctl rabbitmqadmin nats redis-cli valkey-cli keydb-cli",  # messaging and caches
    "circleci gitlab-runner glab wrangler netlify fly flyctl supabase railway",  # CI and hosting
    "influx meilisearch typesense algolia elasticsearch-cli",  # data and search services
)
# Services whose deletion is an option (kafka-topics --delete ...), or the whole tool
OPTION_DELETE = words("kafka-topics kafka-topics.sh kafka-consumer-groups kafka-consumer-groups.sh")
OPTION_DELETE |= words("kafka-configs kafka-configs.sh kafka-acls kafka-acls.sh")
ALWAYS_DELETE = words("kafka-delete-records kafka-delete-records.sh dropdb dropuser")

_VERB = re.compile(
    r"(?i)^(delete|del|destroy|purge|prune|forget|unregister|disable|revoke|remove-secret|rm|rb|rdelete|"
    r"repo-delete|compact|drop\w*|flush\w*|truncate|reset|force_reset|uninstall|unset|"
    r"delete[-_:]\w+|\w+[-_:]delete|clear_\w+|purge[-_]\w+)$"
)
_HARMLESS = re.compile(r"(?:^| )(--help|help|--dry-run|--dryrun|--version)(?: |$)")
_DELETE_OPTIONS = ("--delete", "--remove", "--delete-config")
HTTP_CLIENTS = words("curl wget http https xh httpie")
_ENDPOINT = re.compile(  # a path segment (or a part of one) naming a deletion: /purge, _delete_by_query, doDelete
    r"(?i)(?:^|[/_.-])(?:do)?(?:delete|destroy|purge|truncate|drop|flush\w*|wipe)(?=$|[/_.?&=-])|/_all(?:$|[/?])"
)


def _positionals(args: list[str]) -> list[str]:
    return [x for x in args if not x.startswith("-") and "=" not in x]


def _service(a: ShellAnalyzer, cmd: Cmd) -> None:
    name, args, line = cmd.name, cmd.args, " ".join(cmd.args)
    if _HARMLESS.search(line):
        return
    if name in ALWAYS_DELETE:
        hit = name
    elif name == "rsync":  # deleting on another machine (local targets are path-checked)
        remote = any(re.match(r"^[\w.-]*@?[\w.-]+:", x) for x in _positionals(args)[1:])
        hit = next((x for x in args if x.startswith(("--delete", "--remove-source-files")) and remote), "")
    elif name in OPTION_DELETE:
        hit = next((x for x in args if x.partition("=")[0] in _DELETE_OPTIONS), "")
    elif name == "java" and any(re.search(r"-cli[\w.-]*\.jar$", x) for x in args):  # jenkins-cli.jar ...
        hit = next((x for x in _positionals(args) if re.match(r"^delete-\w+$", x)), "")
    elif name in SERVICE_CLIS:
        hit = next((x for x in _positionals(args)[:3] if _VERB.match(x)), "")
    else:
        return
    if hit:
        a.add("ask", "shell.cloud_delete", f"{name} {hit} deletes the data of a service", cmd.subject)


def _method(cmd: Cmd) -> str:
    """The HTTP method of a curl, wget or httpie command line ('' when it only reads)."""
    args = cmd.args
    for i, x in enumerate(args):
        if x in ("-X", "--request", "--method") and i + 1 < len(args):
            return args[i + 1].upper()
        for prefix in ("-X", "--request=", "--method="):
            if x.startswith(prefix) and len(x) > len(prefix):
                return x[len(prefix) :].upper()
    if cmd.name in ("http", "https", "xh", "httpie"):
        first = next((x for x in args if not x.startswith("-")), "")
        if first.isalpha() and first.isupper():
            return first
    if any(x.startswith(("-d", "--data", "-F", "--form", "--post-data", "--post-file", "--json")) for x in args):
        return "POST"
    return ""


def _http(a: ShellAnalyzer, cmd: Cmd) -> None:
    method = _method(cmd)
    if not method or method in ("GET", "HEAD", "OPTIONS"):
        return
    for x in cmd.args:
        if x.startswith("-") or ("/" not in x and method != "DELETE"):
            continue
        try:
            path = urlsplit(x if "://" in x else "http://" + x).path
        except ValueError:
            continue
        if method == "DELETE" or _ENDPOINT.search(path):
            a.add("ask", "shell.cloud_delete", f"{cmd.name} sends an HTTP {method} that deletes ({x})", cmd.subject)
            return


def inspect(a: ShellAnalyzer, cmd: Cmd) -> None:
    """Asks when `cmd` deletes the data of a service (see the module doc)."""
    if cmd.name in HTTP_CLIENTS:
        _http(a, cmd)
    else:
        _service(a, cmd)
