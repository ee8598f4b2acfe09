"""The host end of a sandboxed command's proxy port: 127.0.0.1:3128 inside, the filtering proxy outside.

    port = ProxyPort(proxy.socket_path)          # one per command, before it starts
    argv = shell_argv(..., proxy=port)           # and pass_fds=port.pass_fds
    port.start()                                 # on the event loop
    result = await run_argv(spawn)
    await port.close()                           # every relayed connection ends with it

The sandbox keeps its own network namespace (nothing leaves it directly), so a socket listening on
its loopback must be made in that namespace. Two ways, chosen once per process:
- host side (root, or wherever this process may enter a network namespace, CAP_SYS_ADMIN): bwrap
  reports the sandbox's pid (`--info-fd`) and waits (`--block-fd`) before it runs the command; a
  throwaway thread of this process enters the sandbox's network namespace, opens 127.0.0.1:3128
  there, and the command is released. Nothing extra runs inside the sandbox: about 0.5 ms.
- inside (elsewhere): the command's first process, `_listener.py`, opens the port and sends the
  listening socket here over an inherited socketpair (SCM_RIGHTS), then execs the command (a bare
  Python start, ~11 ms on a quiet machine). What arrives is checked: exactly one descriptor, a
  listening TCP/IPv4 socket; anything else is closed and nothing is relayed.
Either way the port listens before the command starts (its first connect is queued, never
refused), this side accepts on it and relays each connection to the proxy's unix socket on the
event loop (`loop.sock_*`, no thread per connection), no process inside the sandbox is outside its
seccomp filter or holds a unix socket, and the proxy's socket is not bound into the sandbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import os
import socket
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
CHUNK = 1 << 16
PORT = 3128  # inside the sandbox
CLONE_NEWNET = 0x40000000
IP_FREEBIND = getattr(socket, "IP_FREEBIND", 15)  # bind before bwrap has brought the loopback up


class ProxyPort:
    """One command's relay: from the port listening inside its sandbox to the proxy's unix socket."""

    def __init__(self, proxy_socket: Path, *, host_side: bool | None = None) -> None:
        self.proxy_socket = str(proxy_socket)
        self.host_side = can_enter_netns() if host_side is None else host_side
        self.error: str | None = None  # why the port could not be opened (the command ran without it)
        self.relayed = 0  # connections accepted
        self._main: asyncio.Task[None] | None = None
        self._conns: set[asyncio.Task[None]] = set()
        self._fds: dict[str, int] = {}
        self._host: socket.socket | None = None
        self._child: socket.socket | None = None
        if self.host_side:
            self._fds["info_r"], self._fds["info_w"] = os.pipe()
            self._fds["block_r"], self._fds["block_w"] = os.pipe()
        else:
            self._host, self._child = socket.socketpair()
            self._host.setblocking(False)

    @property
    def pass_fds(self) -> tuple[int, ...]:
        """What the sandbox must inherit."""
        if self._child is not None:
            return (self._child.fileno(),)
        return (self._fds["info_w"], self._fds["block_r"])

    def bwrap_options(self) -> list[str]:
        """bwrap's options for the host-side way (report the pid, wait to be released)."""
        if not self.host_side:
            return []
        return ["--info-fd", str(self._fds["info_w"]), "--block-fd", str(self._fds["block_r"])]

    def command(self, listener: str, command: list[str]) -> list[str]:
        """The command to run in the sandbox: as it is, or behind `_listener.py` (at `listener` inside)."""
        if self._child is None:
            return command
        exe = os.path.realpath(sys.executable)
        return [exe, "-I", "-S", "-B", listener, str(self._child.fileno()), str(PORT), "--", *command]

    def start(self) -> None:
        self._main = asyncio.get_running_loop().create_task(self._serve())

    async def close(self) -> None:
        """Stop accepting, end every relayed connection, close the sockets (the command has ended)."""
        tasks = [t for t in (self._main, *self._conns) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for sock in (self._host, self._child):
            if sock is not None:
                sock.close()
        for name in list(self._fds):
            _close_fd(self._fds.pop(name))

    async def _serve(self) -> None:
        listener = await (self._open_in_netns() if self.host_side else self._receive())
        if listener is None:
            return
        loop = asyncio.get_running_loop()
        with listener:
            listener.setblocking(False)
            while True:
                try:
                    conn, _ = await loop.sock_accept(listener)
                except ConnectionAbortedError:
                    continue
                except OSError:
                    return
                self.relayed += 1
                task = loop.create_task(self._relay(conn))
                self._conns.add(task)
                task.add_done_callback(self._conns.discard)

    async def _open_in_netns(self) -> socket.socket | None:
        """The host-side way: wait for bwrap's report, open the port in the sandbox, release the command."""
        try:
            info = await self._read_info()
            for name in ("info_w", "block_r"):  # the sandbox has its copies now
                _close_fd(self._fds.pop(name))
            return await _listen_in(int(info["child-pid"]), int(info["net-namespace"]))
        except (OSError, KeyError, TypeError, ValueError) as e:
            self.error = f"the proxy port could not be opened in the sandbox: {e}"
            return None
        finally:  # always: a command waiting to be released must not hang
            block_w = self._fds.pop("block_w", None)
            if block_w is not None:
                with contextlib.suppress(OSError):
                    os.write(block_w, b"x")
                _close_fd(block_w)

    async def _read_info(self) -> dict[str, Any]:
        """bwrap's --info-fd report: one JSON object (child-pid, net-namespace, ...)."""
        loop = asyncio.get_running_loop()
        fd = self._fds["info_r"]
        os.set_blocking(fd, False)
        data = b""
        while True:
            try:
                chunk = os.read(fd, 4096)
            except BlockingIOError:
                await _readable(loop, fd)
                continue
            if not chunk:
                raise ValueError("bubblewrap ended before it reported the sandbox")
            data += chunk
            with contextlib.suppress(ValueError):
                info = json.loads(data)
                if isinstance(info, dict):
                    return info

    async def _receive(self) -> socket.socket | None:
        """The inside way: the listening socket `_listener.py` sends, checked; None at EOF or on anything else."""
        assert self._host is not None
        loop = asyncio.get_running_loop()
        while True:
            try:
                _msg, fds, flags, _addr = socket.recv_fds(self._host, 1, 1, socket.MSG_CMSG_CLOEXEC)
                break
            except BlockingIOError:
                await _readable(loop, self._host.fileno())
            except OSError:
                return None
        if len(fds) != 1 or flags & socket.MSG_CTRUNC:  # more than one sent: the rest were dropped
            for fd in fds:
                _close_fd(fd)
            return None
        try:
            listener = socket.socket(fileno=fds[0])
        except OSError:
            _close_fd(fds[0])
            return None
        ok = listener.family == socket.AF_INET and listener.type == socket.SOCK_STREAM
        if not ok or not listener.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN):
            listener.close()
            return None
        return listener

    async def _relay(self, client: socket.socket) -> None:
        loop = asyncio.get_running_loop()
        upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        upstream.setblocking(False)
        with client, upstream:
            try:
                await loop.sock_connect(upstream, self.proxy_socket)
            except OSError:
                return
            await asyncio.gather(_pump(loop, client, upstream), _pump(loop, upstream, client))


async def _readable(loop: asyncio.AbstractEventLoop, fd: int) -> None:
    ready: asyncio.Future[None] = loop.create_future()

    def wake() -> None:
        if not ready.done():
            ready.set_result(None)

    loop.add_reader(fd, wake)
    try:
        await ready
    finally:
        loop.remove_reader(fd)


async def _pump(loop: asyncio.AbstractEventLoop, src: socket.socket, dst: socket.socket) -> None:
    try:
        while data := await loop.sock_recv(src, CHUNK):
            await loop.sock_sendall(dst, data)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            dst.shutdown(socket.SHUT_WR)


def _close_fd(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)


def _setns(fd: int) -> None:
    """setns(fd, CLONE_NEWNET) for the calling thread (os.setns is Python 3.12+)."""
    setns = getattr(os, "setns", None)
    if setns is not None:
        setns(fd, CLONE_NEWNET)
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def _in_thread(work: Callable[[], T]) -> asyncio.Future[T]:
    """Run `work` in a new thread that ends with it: a thread that entered another network namespace
    is never reused (a pool thread would be)."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[T] = loop.create_future()

    def run() -> None:
        try:
            value = work()
        except BaseException as e:  # handed to the awaiting coroutine
            loop.call_soon_threadsafe(_settle, done, None, e)
        else:
            loop.call_soon_threadsafe(_settle, done, value, None)

    threading.Thread(target=run, name="llmos-netns", daemon=True).start()
    return done


def _settle(done: asyncio.Future[T], value: T | None, error: BaseException | None) -> None:
    if done.done():  # the awaiting coroutine was cancelled (the command ended): nobody takes the value
        if isinstance(value, socket.socket):
            value.close()
        return
    if error is not None:
        done.set_exception(error)
    else:
        done.set_result(value)  # type: ignore[arg-type]


async def _listen_in(pid: int, netns_inode: int) -> socket.socket:
    """A socket listening on 127.0.0.1:PORT in the network namespace of `pid` (bwrap's, blocked)."""

    def work() -> socket.socket:
        fd = os.open(f"/proc/{pid}/ns/net", os.O_RDONLY | os.O_CLOEXEC)
        try:
            if os.fstat(fd).st_ino != netns_inode:
                raise OSError(f"process {pid} is not in the sandbox's network namespace")
            _setns(fd)
        finally:
            os.close(fd)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_IP, IP_FREEBIND, 1)
            sock.bind(("127.0.0.1", PORT))
            sock.listen(128)
        except OSError:
            sock.close()
            raise
        return sock

    return await _in_thread(work)


@functools.cache
def can_enter_netns() -> bool:
    """Whether this process may enter a network namespace (CAP_SYS_ADMIN): tried once, on its own."""
    if not os.path.exists("/proc/thread-self/ns/net"):
        return False
    result: list[bool] = []

    def probe() -> None:
        try:
            fd = os.open("/proc/thread-self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
            try:
                _setns(fd)  # its own namespace: the same permission check, no change
            finally:
                os.close(fd)
            result.append(True)
        except OSError:
            result.append(False)

    thread = threading.Thread(target=probe, name="llmos-netns-probe", daemon=True)
    thread.start()
    thread.join()
    return bool(result and result[0])
