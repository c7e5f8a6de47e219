# Lab syscall: the trace system call (labs/syscall/statement.md).
import re

from grade import expect, expect_not, Failed

LINE = r'(\d+): syscall %s -> (-?\d+)$'   # a line may follow a program's unended output


def has_call(k):
    out = k.run('trace 0 echo untraced')
    expect_not(out, r'no trace system call', 'trace 0 echo untraced')
    expect(out, r'^untraced$', 'trace 0 echo untraced')
    expect_not(out, r'syscall', 'trace 0: a mask of 0 traces nothing')


def reads(k):
    out = k.run('trace 128 grep Welcome README')
    expect(out, LINE % 'read', 'trace 128 grep Welcome README')
    expect(out, r'^Welcome to Kite', 'grep still works under trace')
    expect(out, LINE.replace(r'(-?\d+)', '0') % 'read',
           'the last read (end of file) returns 0')
    expect_not(out, r'syscall (write|open|exec)', 'mask 128 traces read only')
    pids = set(re.findall(LINE % 'read', out, re.M))
    if len({p for p, _ in pids}) != 1:
        raise Failed('all the reads should come from one pid: %s' % sorted(pids))


def everything(k):
    out = k.run('trace 2147483647 echo hi')
    expect(out, LINE.replace(r'(-?\d+)', '2') % 'exec', 'exec returns argc (2)')
    expect(out, LINE.replace(r'(-?\d+)', '2') % 'write', 'echo writes "hi" (2 bytes)')
    expect(out, LINE.replace(r'(-?\d+)', '1') % 'write', 'then "\\n" (1 byte)')
    expect(out, r'^hi', 'echo still prints')


def failures(k):
    out = k.run('trace 512 cat nosuchfile')     # 1 << SYS_open
    expect(out, LINE.replace(r'(-?\d+)', '-1') % 'open', 'a failed open returns -1')


def not_leaked(k):
    out = k.run('echo after')
    expect_not(out, r'syscall', 'a later command, not traced')
    out = k.run('grep Welcome README')
    expect_not(out, r'syscall', 'a later command, not traced')


def inherited(k):
    out = k.run('trace 2 forkfork')
    forks = re.findall(LINE % 'fork', out, re.M)
    if len(forks) != 2 or len({pid for pid, _ in forks}) != 2:
        raise Failed('trace 2 forkfork: expected a traced fork in the parent and in its '
                     'child (two pids), got:\n%s' % out)


CHECKS = [
    ('the kernel has the call', has_call),
    ('trace 128: read', reads),
    ('trace every call: exec, write', everything),
    ('a failing call', failures),
    ('other processes are not traced', not_leaked),
    ('fork passes the mask on', inherited),
]
