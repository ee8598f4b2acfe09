"""Inside the shell sandbox: expose the host's filtering proxy (a unix socket) as 127.0.0.1:PORT.

    python -I -S -B _forwarder.py SOCKET PORT BPF -- bash -c COMMAND

Binds the port on the sandbox's own loopback, forks a child that relays every TCP connection to
SOCKET (two threads per connection), and execs the command in the parent, so the command keeps
its pid and its exit status. The child dies with the sandbox's pid namespace. Standard library
only: it runs with -I -S under the sandbox's read-only view of the host's Python.

BPF (a file, or "-" for none) is the seccomp filter that refuses new unix sockets (`seccomp.py`).
The relay needs one unix socket per connection, so the filter cannot be bwrap's, which would also
cover the relay: the parent installs it on itself just before the exec, and the command and all
it starts run under it; only the relay runs without. The relay is made non-dumpable before the
fork, so the command (which has no capabilities) cannot ptrace it or read its memory.
"""

import contextlib
import ctypes
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


PR_SET_DUMPABLE = 4
PR_SET_SECCOMP = 22
PR_SET_NO_NEW_PRIVS = 38
SECCOMP_MODE_FILTER = 2


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _prctl(option: int, arg2: int, arg3: int = 0) -> int:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    return int(libc.prctl(option, arg2, arg3, 0, 0))


def _install_filter(bpf: str) -> None:
    with open(bpf, "rb") as fh:
        data = fh.read()
    buf = ctypes.create_string_buffer(data, len(data))
    prog = _SockFprog(len(data) // 8, ctypes.cast(buf, ctypes.c_void_p))
    if _prctl(PR_SET_NO_NEW_PRIVS, 1) != 0 or _prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(prog)) != 0:
        sys.exit(f"llmos sandbox: cannot install the seccomp filter: {os.strerror(ctypes.get_errno())}")


def main(argv: list[str]) -> None:
    if len(argv) < 5 or argv[3] != "--":
        sys.exit("usage: _forwarder.py SOCKET PORT BPF|- -- COMMAND...")
    path, port, bpf, command = argv[0], int(argv[1]), argv[2], argv[4:]
    if _prctl(PR_SET_DUMPABLE, 0) != 0:
        sys.exit("llmos sandbox: cannot make the network relay non-dumpable")
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
    if bpf != "-":
        _install_filter(bpf)
    os.execvp(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
