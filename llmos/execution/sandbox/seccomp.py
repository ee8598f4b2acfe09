"""The shell sandbox's seccomp filter: no new unix sockets, so no host socket is reachable.

    program()      # the compiled BPF (bytes), built once per process; None when it cannot be built
    unavailable()  # why not, for the result's note
    memfd(data)    # an fd holding it, for `bwrap --seccomp FD` / `--ro-bind-data FD PATH`

The mount namespace shows the host's file system read-only, but a read-only mount does not stop
connect() on a unix socket file in it (a socket inode is not written to). The filter makes
`socket(AF_UNIX, ...)` fail with EACCES for the sandboxed command and everything it starts, so a
socket file under $HOME, the workspace's parent or anywhere else cannot be connected to or bound.
`socketpair()` (a different system call, no path) still works: asyncio's self-pipe, subprocess
plumbing and multiprocessing pools keep working. io_uring is refused too, since its SOCKET
operation would create a socket without the socket() system call. System calls of a foreign
architecture (32-bit x86 `socketcall`) are refused by libseccomp's architecture check.

Built with libseccomp through `pyseccomp` (its ctypes bindings); the domain is compared on its low
32 bits (`MASKED_EQ`), as the kernel reads it as an int, so high garbage bits cannot slip past.
"""

from __future__ import annotations

import errno
import functools
import os
import socket
import tempfile

IO_URING = ("io_uring_setup", "io_uring_enter", "io_uring_register")
_why: list[str] = []


@functools.cache
def program() -> bytes | None:
    try:
        import pyseccomp as sc  # type: ignore[import-untyped]
    except ImportError:
        _why.append("the 'pyseccomp' package is not installed: `pip install pyseccomp`")
        return None
    try:
        f = sc.SyscallFilter(defaction=sc.ALLOW)
        f.add_rule(sc.ERRNO(errno.EACCES), "socket", sc.Arg(0, sc.MASKED_EQ, 0xFFFFFFFF, socket.AF_UNIX))
        for name in IO_URING:
            f.add_rule(sc.ERRNO(errno.ENOSYS), name)
        with tempfile.TemporaryFile() as fh:
            f.export_bpf(fh)
            fh.seek(0)
            data = fh.read()
    except (OSError, RuntimeError, ValueError) as e:  # libseccomp.so missing, or an unknown system call
        _why.append(f"libseccomp could not build the filter: {e}")
        return None
    return data


def unavailable() -> str:
    program()
    return _why[0] if _why else ""


def memfd(data: bytes) -> int:
    """An in-memory file holding `data`, at offset 0 (bwrap reads it to the end); the caller closes it."""
    fd = os.memfd_create("llmos-seccomp", 0)
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.lseek(fd, 0, os.SEEK_SET)
    return fd
