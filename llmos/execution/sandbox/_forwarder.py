"""Inside the shell sandbox: expose the host's filtering proxy (a unix socket) as 127.0.0.1:PORT.

    python -I -S -B _forwarder.py SOCKET PORT -- bash -c COMMAND

Binds the port on the sandbox's own loopback, forks a child that relays every TCP connection to
SOCKET (two threads per connection), and execs the command in the parent, so the command keeps
its pid and its exit status. The child dies with the sandbox's pid namespace. Standard library
only: it runs with -I -S under the sandbox's read-only view of the host's Python.
"""

import contextlib
import os
import socket
import sys
import threading


def _pump(src: socket.socket, dst: socket.socket) -> None:
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            dst.shutdown(socket.SHUT_WR)


def _serve(listener: socket.socket, path: str) -> None:
    while True:
        client, _ = listener.accept()
        upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            upstream.connect(path)
        except OSError:
            client.close()
            upstream.close()
            continue
        threading.Thread(target=_pump, args=(client, upstream), daemon=True).start()
        threading.Thread(target=_pump, args=(upstream, client), daemon=True).start()


def main(argv: list[str]) -> None:
    path, port, sep, command = argv[0], int(argv[1]), argv[2], argv[3:]
    if sep != "--" or not command:
        sys.exit("usage: _forwarder.py SOCKET PORT -- COMMAND...")
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(64)
    if os.fork() == 0:
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        try:
            _serve(listener, path)
        finally:
            os._exit(0)
    listener.close()
    os.execvp(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
