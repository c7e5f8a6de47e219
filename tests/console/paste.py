#!/usr/bin/env python3
"""Paste a block of text into a guest's serial console and time its echo.

    paste.py [--bytes N] [--line-length L] [--prompt RE] [--reader CMD] [--limit S]
             [--log FILE] [--tcp PORT] [--junk-clients K] -- EMULATOR ARGS...

Starts the emulator with its console on a pseudo-terminal (as a user's terminal) or, with
--tcp PORT, connects to the console the emulator serves on 127.0.0.1:PORT (its command
line must say `-serial tcp:127.0.0.1:PORT,server`). It waits for the shell prompt, starts
READER (default `cat`: it copies its input back, so every line comes back twice: the
terminal's echo, then cat's copy), and writes N bytes of numbered lines of L bytes
(default 64; N is rounded up to whole lines) as fast as the emulator takes them, while
reading everything it prints. It prints

    paste: 65536 bytes in 0.412 s (until all of it came back)

and exits 0 when everything came back within --limit seconds, 1 otherwise. Everything:
every byte of the paste twice (counted, since the echo of a line may be cut in two by
the reader's copy of the line before it), and every line's number (a lost line fails).

--junk-clients K (tcp only): before that, K clients in turn connect, send 64 KiB of
junk and hang up at once; the real client that connects next must find the shell
answering within --limit seconds (a departed client's unread input is not its problem).
"""
import argparse
import os
import pty
import re
import select
import signal
import socket
import subprocess
import sys
import time


def numbered_lines(total, length):
    """Numbered lines of `length` bytes ('paste 00001 xxxx...\\n'), at least `total` bytes
    of them (whole lines: the reader sees a line only once it ends)."""
    out, size, n = [], 0, 0
    while size < total:
        n += 1
        head = "paste %05d " % n
        out.append((head + "x" * (length - 1 - len(head)) + "\n").encode())
        size += len(out[-1])
    return b"".join(out), n


class Console:
    """The emulator's console: bytes in, bytes out, everything read kept in `buf`."""

    def __init__(self, fd, proc_pid=None, proc=None):
        self.fd, self.pid, self.proc = fd, proc_pid, proc
        self.buf = bytearray()

    def read_some(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return
        try:
            chunk = os.read(self.fd, 65536)
        except (OSError, ConnectionError):
            chunk = b""
        if not chunk:
            raise EOFError
        self.buf.extend(chunk)

    def wait_for(self, pattern, timeout, start=0):
        rx = re.compile(pattern)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            m = rx.search(self.buf, start)
            if m:
                return m
            self.read_some(0.05)
        return None

    def settle(self, quiet=0.3):
        """Read until the emulator has said nothing for `quiet` seconds."""
        last = time.monotonic()
        while time.monotonic() - last < quiet:
            before = len(self.buf)
            self.read_some(0.05)
            if len(self.buf) != before:
                last = time.monotonic()

    def write_all(self, data, give_up):
        """Write as fast as the emulator takes it, reading all the while (it blocks on
        its own output otherwise). False if it was not all taken by `give_up`."""
        os.set_blocking(self.fd, False)
        sent = 0
        try:
            while sent < len(data) and time.monotonic() < give_up:
                _, w, _ = select.select([], [self.fd], [], 0.01)
                if w:
                    try:
                        sent += os.write(self.fd, data[sent:sent + 4096])
                    except BlockingIOError:
                        pass
                self.read_some(0)
        finally:
            os.set_blocking(self.fd, True)
        return sent == len(data)


def start_pty(cmd):
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    return Console(fd, proc_pid=pid)


def connect(port, timeout=30.0):
    end = time.monotonic() + timeout
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=5)
        except OSError:
            if time.monotonic() > end:
                raise
            time.sleep(0.05)


def start_tcp(cmd, port, log):
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    sock = connect(port)
    con = Console(sock.fileno(), proc=proc)
    con.sock = sock
    return con


def junk_clients(port, count):
    """Clients that send a burst of junk and hang up at once, without reading."""
    junk = (b"junk " * 12 + b"\r") * (65536 // 61)
    for _ in range(count):
        s = connect(port)
        try:
            s.setblocking(False)
            try:
                s.send(junk)
            except BlockingIOError:
                pass
        finally:
            s.close()


def stop(con):
    if con.pid:
        try:
            os.kill(con.pid, signal.SIGTERM)
            os.waitpid(con.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
    if con.proc:
        con.proc.terminate()
        try:
            con.proc.wait(10)
        except subprocess.TimeoutExpired:
            con.proc.kill()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bytes", type=int, default=65536)
    ap.add_argument("--line-length", type=int, default=64)
    ap.add_argument("--log", help="write all the emulator printed to this file")
    ap.add_argument("--prompt", default=r"kite\$ ")
    ap.add_argument("--reader", default="cat")
    ap.add_argument("--limit", type=float, default=1.0)
    ap.add_argument("--boot-timeout", type=float, default=120.0)
    ap.add_argument("--tcp", type=int, help="the console is served on 127.0.0.1:PORT")
    ap.add_argument("--junk-clients", type=int, default=0)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        ap.error("no emulator command")
    if a.junk_clients and not a.tcp:
        ap.error("--junk-clients needs --tcp")
    if a.line_length < 14:
        ap.error("--line-length: at least 14")

    log = open(os.environ.get("PASTE_LOG", os.devnull), "wb")
    status = 1
    con = None
    try:
        if a.tcp and a.junk_clients:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
            first = connect(a.tcp)          # the emulator starts once someone connects
            con = Console(first.fileno(), proc=proc)
            if not con.wait_for(a.prompt.encode(), a.boot_timeout):
                print("paste: no prompt /%s/" % a.prompt, file=sys.stderr)
                return 1
            first.close()
            start = time.monotonic()
            junk_clients(a.tcp, a.junk_clients)
            junk_done = time.monotonic() - start
            sock = connect(a.tcp)
            con = Console(sock.fileno(), proc=proc)
            con.sock = sock
            os.write(con.fd, b"\x15echo alive\r")  # Ctrl-U: drop a half line of junk
            m = con.wait_for(rb"(?<!echo )alive\r", a.limit + 30)  # the output, not the echo
            took = time.monotonic() - start
            print("paste: after %d junk clients (gone in %.3f s) the shell answered in %.3f s"
                  % (a.junk_clients, junk_done, took))
            if not m:
                print("paste: no answer; the end of the output:", file=sys.stderr)
                print(bytes(con.buf[-400:]).decode(errors="replace"), file=sys.stderr)
            elif took > a.limit:
                print("paste: slower than %.1f s" % a.limit, file=sys.stderr)
            else:
                status = 0
            return status

        con = start_tcp(cmd, a.tcp, log) if a.tcp else start_pty(cmd)
        if not con.wait_for(a.prompt.encode(), a.boot_timeout):
            print("paste: no prompt /%s/" % a.prompt, file=sys.stderr)
            return 1
        os.write(con.fd, (a.reader + "\r").encode())
        time.sleep(0.5)                 # the reader starts
        con.settle()
        mark = len(con.buf)
        data, nlines = numbered_lines(a.bytes, a.line_length)
        want = 2 * data.count(b"x")     # the echo and the reader's copy
        start = time.monotonic()
        give_up = start + a.limit + 30
        con.write_all(data, give_up)
        while time.monotonic() < give_up and con.buf.count(b"x", mark) < want:
            con.read_some(0.01)
        took = time.monotonic() - start
        con.read_some(0.2)              # anything more would be too much
        seen = con.buf.count(b"x", mark)
        text = bytes(con.buf[mark:]).replace(b"\r", b"")
        numbers = set(int(x) for x in re.findall(rb"paste (\d{5}) x", text))
        print("paste: %d bytes in %.3f s (until all of it came back)" % (len(data), took))
        missing = sorted(set(range(1, nlines + 1)) - numbers)
        if seen != want:
            print("paste: %d of the %d x's came back (each line's echo and the reader's "
                  "copy); the end of the output:" % (seen, want), file=sys.stderr)
            print(bytes(con.buf[-400:]).decode(errors="replace"), file=sys.stderr)
        elif missing:
            print("paste: %d lines lost, the first: %s" % (len(missing), missing[:10]),
                  file=sys.stderr)
        elif took > a.limit:
            print("paste: slower than %.1f s" % a.limit, file=sys.stderr)
        else:
            status = 0
        os.write(con.fd, b"\x04")       # end the reader
        time.sleep(0.2)
    except EOFError:
        print("paste: the emulator ended", file=sys.stderr)
    finally:
        if con and a.log:
            with open(a.log, "wb") as f:
                f.write(con.buf)
        if con:
            stop(con)
    return status


if __name__ == "__main__":
    sys.exit(main())
