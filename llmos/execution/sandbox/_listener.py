"""Inside the shell sandbox: open 127.0.0.1:PORT, hand the listening socket to the host, exec the command.

    python -I -S -B _listener.py FD PORT -- bash -c COMMAND

The sandbox has its own network namespace, so a socket listening on its loopback can only be made
from inside it. This opens one, sends it to the host over FD (one end of a socketpair the host
passed in; SCM_RIGHTS), closes both and execs the command, which keeps this process's pid and exit
status. The host (`relay.ProxyPort`) accepts on the socket and relays each connection to the
filtering proxy. The socket listens before the command starts, so the command's first connect is
queued, never refused, however late the host accepts it.

It runs under the sandbox's seccomp filter like everything else in it (it creates no unix socket),
and once it has exec'd nothing of it is left. Only the `_socket` extension is imported: the
`socket` module's own imports (enum, selectors) would triple the start-up this pays per command.
"""

import _socket
import os
import sys


def main(argv: list[str]) -> None:
    if len(argv) < 4 or argv[2] != "--":
        sys.exit("usage: _listener.py FD PORT -- COMMAND...")
    fd, port, command = int(argv[0]), int(argv[1]), argv[3:]
    try:
        listener = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
        listener.setsockopt(_socket.SOL_SOCKET, _socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(128)
        channel = _socket.socket(fileno=fd)
        rights = listener.fileno().to_bytes(4, sys.byteorder)
        channel.sendmsg([b"L"], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, rights)])
        channel.close()
        listener.close()
    except OSError as e:
        sys.exit(f"llmos sandbox: cannot open the proxy port 127.0.0.1:{port}: {e}")
    try:
        os.execvp(command[0], command)
    except OSError as e:
        sys.stderr.write(f"llmos sandbox: cannot run {command[0]}: {e}\n")
        os._exit(127)


if __name__ == "__main__":
    main(sys.argv[1:])
