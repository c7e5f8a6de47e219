# Reverse debugging over a Linux boot (run.sh, with RVBOX_OUT naming rvbox's stdout and
# RVBOX_SYSTEM_MAP the kernel's System.map): Linux boots to its prompt under
# --deterministic; GDB interrupts it there, sets a watchpoint on `jiffies` and
# reverse-continues to the last timer tick that wrote it, then steps forward over that
# write and sees it happen.
import os
import threading
import time

import gdb

failures = []


def check(ok, what):
    print(('PASS ' if ok else 'FAIL ') + what)
    if not ok:
        failures.append(what)


def symbol(name):
    with open(os.environ['RVBOX_SYSTEM_MAP']) as f:
        for line in f:
            addr, _, sym = line.split()
            if sym == name:
                return int(addr, 16)
    raise SystemExit('no %s in System.map' % name)


def interrupt_at_prompt():
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        with open(os.environ['RVBOX_OUT'], errors='replace') as f:
            if 'rvbox initramfs: welcome' in f.read():
                break
        time.sleep(0.1)
    time.sleep(0.5)
    gdb.post_event(lambda: gdb.execute('interrupt'))


def jiffies():
    return int(gdb.parse_and_eval('*(unsigned *)%#x' % addr)) & 0xffffffff


gdb.execute('set pagination off')
addr = symbol('jiffies')
threading.Thread(target=interrupt_at_prompt, daemon=True).start()
gdb.execute('continue')
gdb.execute('watch *(unsigned *)%#x' % addr)
t0 = time.monotonic()
gdb.execute('reverse-continue')
print('reverse-continue to the last write of jiffies: %.2f s' % (time.monotonic() - t0))
pc = int(gdb.parse_and_eval('$pc')) & 0xffffffff
check(pc >= 0xc0000000, 'stopped in the kernel, at %#x' % pc)
before = jiffies()
gdb.execute('stepi')
after = jiffies()
check(after != before, 'one step forward writes jiffies (%d -> %d)' % (before, after))
gdb.execute('delete')
gdb.execute('reverse-stepi')
check(jiffies() == before, 'one step back: jiffies as it was (%d)' % jiffies())
if failures:
    print('FAILED: %d checks' % len(failures))
    gdb.execute('kill')
    gdb.execute('quit 1')
print('ALL PASSED')
gdb.execute('kill')
