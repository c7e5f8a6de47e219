# Reverse debugging with several harts, driven from GDB's Python against
# tests/smp/guest/spinlock.c on 4 harts under rvbox --deterministic (run.sh starts both).
# Each hart is a thread; going back must land in the thread, and with every hart's
# registers, that going forward saw.
#
#   1. forward: stops at cas_increment (each in whichever thread got there: a hart runs
#      10000 steps before the next one's turn) until one is in another thread than the
#      one before; the last three, every hart's pc and registers, are noted;
#   2. reverse-continue twice: the second of them, then the first, each in its thread
#      (so back across the change of thread), every hart as it was;
#   3. reverse-stepi: one step of the machine back (whichever hart took it), then
#      continue forward: the second stop again.
import gdb

failures = []


def check(ok, what):
    print(('PASS ' if ok else 'FAIL ') + what)
    if not ok:
        failures.append(what)


def run(cmd):
    return gdb.execute(cmd, to_string=True)


def harts():
    """Every thread's pc and x1..x31, and which thread is current."""
    inf = gdb.selected_inferior()
    current = gdb.selected_thread().num
    out = {}
    for t in sorted(inf.threads(), key=lambda t: t.num):
        t.switch()
        frame = gdb.newest_frame()
        out[t.num] = [int(frame.read_register(r)) & 0xffffffff
                      for r in ['pc'] + ['x%d' % i for i in range(1, 32)]]
    gdb.selected_inferior().threads()
    for t in inf.threads():
        if t.num == current:
            t.switch()
    return current, out


def same(a, b, what):
    check(a[0] == b[0], what + ': in thread %d (want %d)' % (a[0], b[0]))
    diff = [n for n in b[1] if a[1].get(n) != b[1][n]]
    check(not diff, what + ': every hart as it was' +
          ('' if not diff else ' (threads %s differ)' % diff))


run('set pagination off')
run('set confirm off')
check(len(gdb.selected_inferior().threads()) == 4, 'four threads')
run('break cas_increment')
stops = []
for i in range(400):
    run('continue')
    stops.append(harts())
    if len(stops) >= 3 and stops[-1][0] != stops[-2][0]:
        break
stops = stops[-3:]
check(stops[1][0] != stops[2][0], 'the last stop is in another thread (%d, then %d)' %
      (stops[1][0], stops[2][0]))

run('reverse-continue')
same(harts(), stops[1], 'reverse-continue: the second stop')
run('reverse-continue')
same(harts(), stops[0], 'reverse-continue again: the first stop')

run('continue')
same(harts(), stops[1], 'continue: the second stop again')
before = harts()
run('reverse-stepi')
after = harts()
moved = [n for n in before[1] if before[1][n][0] != after[1][n][0]]
check(len(moved) == 1 and moved[0] == after[0],
      'reverse-stepi: one hart moved back, the thread reported (%s, %d)' % (moved, after[0]))
run('continue')
same(harts(), stops[1], 'continue after reverse-stepi: the second stop again')
run('continue')
same(harts(), stops[2], 'continue: the third stop again, in the other thread')
before = harts()
run('reverse-stepi')
after = harts()
moved = [n for n in before[1] if before[1][n][0] != after[1][n][0]]
check(len(moved) == 1 and moved[0] == after[0],
      'reverse-stepi there: one hart moved back, the thread reported (%s, %d)' %
      (moved, after[0]))

run('delete')
print('ALL PASSED' if not failures else 'FAILED: %d' % len(failures))
run('continue')
