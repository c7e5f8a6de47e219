"""What the pty tests share (tests/board/serial_pty.py, tests/monitor/monitor_pty.py):
start rvbox with a pty it announces on stderr, check that it does not spin while nobody
has the pty open, and read a client's side until a string shows up."""
import os
import select
import subprocess
import sys
import time


def fail(why, proc=None):
    print(f"FAIL: {why}")
    if proc and proc.poll() is None:
        proc.kill()
    sys.exit(1)


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start(argv, prefix):
    """Start rvbox; its first line on stderr is `prefix` and the pty's path."""
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    line = proc.stderr.readline().decode()
    if not line.startswith(prefix):
        fail(f"no pty path on stderr: {line!r}", proc)
    return proc, line[len(prefix):].strip()


def check_idle(proc, settle, what):
    """After `settle` seconds, rvbox must use at most 0.6 s of CPU in 3 s: nobody has
    the pty open, and a hung-up master must not make it spin."""
    time.sleep(settle)
    before = cpu_seconds(proc.pid)
    time.sleep(3)
    used = cpu_seconds(proc.pid) - before
    print(f"  CPU with nobody on {what}: {used:.2f} s in 3 s")
    if used > 0.6:
        fail(f"rvbox used {used:.2f} s of CPU in 3 s with nobody on {what}", proc)


def read_until(fd, want, proc, got=b"", seconds=20):
    """Read the pty until `want` (bytes) is in what was read; returns all of it."""
    end = time.monotonic() + seconds
    while want not in got:
        left = end - time.monotonic()
        if left <= 0:
            fail(f"no {want!r} from the pty; got {got[-300:]!r}", proc)
        if select.select([fd], [], [], left)[0]:
            try:
                got += os.read(fd, 4096)
            except OSError as e:
                fail(f"reading the pty: {e}", proc)
    return got


def wait_exit(proc, what):
    """rvbox must end with status 0 within 20 s of `what`."""
    try:
        status = proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        fail(f"rvbox did not exit after {what}", proc)
    if status != 0:
        fail(f"rvbox exited with status {status}: {proc.stderr.read().decode()}")
