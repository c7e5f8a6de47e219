# Reverse debugging, driven from GDB's Python (gdb-multiarch -batch -x reverse.py) against
# guest/revkernel.elf under rvbox --deterministic (run.sh starts both). Every place
# reached going back is compared with the same place reached going forward: pc, every
# integer register, the privilege mode, and the kernel's variables.
#
#   1. forward: to checkpoint(), its registers; 40 stepi, the registers after each.
#   2. on to finish(); then reverse-continue with a breakpoint on checkpoint() lands
#      where forward did; stepi forward 40 times and reverse-stepi 40 times retrace the
#      recorded registers exactly, both ways.
#   3. a watchpoint on `value`, from finish(): reverse-continue stops at the last write
#      (in mix(), before the store: value as it was), reverse-continue again at the one
#      before, and forward `continue` comes back to the first stop.
#   4. reverse-continue to kernel_main(), then to the start of history (the reset vector,
#      where rvbox was started), where reverse-stepi goes no further; then the guest
#      runs to its end.
import re
import time

import gdb

failures = []


def check(ok, what):
    print(('PASS ' if ok else 'FAIL ') + what)
    if not ok:
        failures.append(what)


def run(cmd):
    return gdb.execute(cmd, to_string=True)


def state():
    """The hart as GDB sees it: pc, x1..x31, the privilege mode."""
    regs = {}
    frame = gdb.selected_frame()
    for name in ['pc'] + ['x%d' % i for i in range(1, 32)] + ['priv']:
        try:
            regs[name] = int(frame.read_register(name)) & 0xffffffff
        except (gdb.error, ValueError):
            pass
    return regs


def var(name):
    return int(gdb.parse_and_eval(name)) & 0xffffffff


def same(a, b, what):
    diff = [k for k in a if a.get(k) != b.get(k)]
    check(not diff, what + ('' if not diff else ': %s' % ', '.join(
        '%s %#x/%#x' % (k, a[k], b.get(k, -1)) for k in diff[:6])))


run('set pagination off')
run('set confirm off')

# 1. forward
run('break checkpoint')
run('continue')
at_check = state()
check(at_check['pc'] == int(gdb.parse_and_eval('&checkpoint')), 'forward: at checkpoint()')
value_at_check, ticks_at_check = var('value'), var('ticks')
forward = [state()]
for _ in range(40):
    run('stepi')
    forward.append(state())
run('delete')

# 2. back to checkpoint() from finish()
run('break finish')
run('continue')
value_at_finish = var('value')
run('delete')
run('break checkpoint')
t0 = time.monotonic()
run('reverse-continue')
print('reverse-continue to checkpoint(): %.2f s' % (time.monotonic() - t0))
same(state(), at_check, 'reverse-continue: registers as going forward')
check(var('value') == value_at_check and var('ticks') == ticks_at_check,
      'reverse-continue: memory as going forward')
run('delete')
for i in range(1, 41):
    run('stepi')
    s = state()
    if s != forward[i]:
        same(s, forward[i], 'stepi %d after going back' % i)
        break
else:
    check(True, 'stepi x40 after going back retraces the forward steps')
t0 = time.monotonic()
for i in range(39, -1, -1):
    run('reverse-stepi')
    s = state()
    if s != forward[i]:
        same(s, forward[i], 'reverse-stepi to step %d' % i)
        break
else:
    check(True, 'reverse-stepi x40 retraces the steps backwards')
print('reverse-stepi: %.3f s each' % ((time.monotonic() - t0) / 40))

# 3. watchpoints, from finish()
run('break finish')
run('continue')
run('delete')
check(var('value') == value_at_finish, 'forward again: finish() sees the same value')
run('watch value')
t0 = time.monotonic()
run('reverse-continue')
print('reverse-continue to the watchpoint: %.2f s' % (time.monotonic() - t0))
mix = gdb.block_for_pc(int(gdb.parse_and_eval('$pc'))).function
check(mix is not None and mix.name == 'mix', 'the last write is in mix() (%s)' % mix)
before_last = var('value')
check(before_last != value_at_finish, 'before the last write, value is the older one')
first_stop = state()
run('reverse-continue')
mix2 = gdb.block_for_pc(int(gdb.parse_and_eval('$pc'))).function
check(mix2 is not None and mix2.name == 'mix', 'that one is in mix() too')
check(var('value') != before_last, 'and value is older still')
run('continue')
here = gdb.block_for_pc(int(gdb.parse_and_eval('$pc'))).function
check(here is not None and here.name == 'mix' and var('value') == before_last,
      'continue forward: the watchpoint again, just after the write')
run('delete')

# 5. source-level: reverse-finish out of mix() to its call, reverse-next over a line,
#    reverse-step into the previous mix() (at its last line).
def function():
    b = gdb.block_for_pc(int(gdb.parse_and_eval('$pc')))
    while b is not None and b.function is None:
        b = b.superblock            # an inner block (a loop's) has no function of its own
    return b.function.name if b is not None else None


run('reverse-finish')
check(function() == 'kernel_main', 'reverse-finish: back in kernel_main() (%s)' % function())
i_at = var('i')
run('reverse-next')
check(function() == 'kernel_main', 'reverse-next: still in kernel_main() (%s)' % function())
for _ in range(8):
    run('reverse-step')
    if function() == 'mix':
        break
check(function() == 'mix', 'reverse-step: into the previous mix() (%s)' % function())
check(var('i') == i_at - 1, 'that mix() is the previous iteration\'s (i %d, was %d)'
      % (var('i'), i_at))

# 4. the start of history
run('break kernel_main')
run('reverse-continue')
check(state()['pc'] == int(gdb.parse_and_eval('&kernel_main')), 'reverse-continue: kernel_main()')
run('reverse-continue')
check(state()['pc'] == 0x1000, 'reverse-continue again: the start of history, the reset vector')
run('reverse-stepi')
check(state()['pc'] == 0x1000, 'reverse-stepi there: nothing before it')
run('delete')
run('continue')                         # the guest runs to its end and powers off

if failures:
    print('FAILED: %d checks' % len(failures))
    gdb.execute('quit 1')
print('ALL PASSED')
