#!/usr/bin/env python3
"""Record an interactive session at rvbox's serial console, then replay it.

session.py SCENARIO RVBOX [ARGS...]

  kite     Kite: commands typed with random pauses between the keys (so the host's
           timing differs from run to run), recorded with --record; replayed with
           --replay on the JIT and on the interpreter. Each replay must print what the
           recorded session printed, byte for byte, and retire the same instructions.
  linux    the same with Linux (ARGS: -kernel ... -initrd ... -append ...), a disk
           mounted and written, and `sleep`.
  errors   recordings that cannot be replayed are refused with their reason, and one
           that was tampered with is reported as diverged.

A disk given as --disk IMG (before RVBOX) is copied fresh for the recording and for each
replay, and the copies must end the same.
"""
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

import pexpect

TIMEOUT = 120


def fail(why, log=None):
    print('FAIL: ' + why)
    if log:
        print('---- output:')
        print(log[-3000:])
    sys.exit(1)


def icount_line(text):
    m = re.search(r'icount: \d+ instructions retired, position \d+', text)
    return m.group(0) if m else None


def spawn(rvbox, args, env=None):
    p = pexpect.spawn(rvbox, args, timeout=TIMEOUT, encoding='latin-1', env=env,
                      dimensions=(50, 200))
    p.logfile_read = LogBuffer()
    return p


class LogBuffer:
    def __init__(self):
        self.text = ''

    def write(self, s):
        self.text += s

    def flush(self):
        pass


def type_slowly(p, line, rng):
    """Type `line` and Enter with random pauses: the moments the guest sees the keys
    depend on the host, so only the recording makes the run reproducible."""
    time.sleep(rng.random() * 0.2)
    for ch in line + '\r':
        p.send(ch)
        time.sleep(rng.random() * 0.015)


def finish(p, what):
    try:
        p.expect(pexpect.EOF, timeout=TIMEOUT)
    except pexpect.TIMEOUT:
        fail(what + ': rvbox did not end', p.logfile_read.text)
    p.close()
    return p.exitstatus, p.logfile_read.text


def record_and_replay(rvbox, args, disk, prompt, commands, last, tmp, engines):
    rng = random.Random(int(os.environ.get('RVBOX_TEST_SEED', '0')) or None)
    rr = os.path.join(tmp, 'session.rr')

    def with_disk(name):
        if not disk:
            return list(args)
        copy = os.path.join(tmp, name)
        shutil.copyfile(disk, copy)
        return list(args) + ['-drive', 'file=%s,format=raw' % copy]

    p = spawn(rvbox, with_disk('record.img') + ['-nographic', '--record', rr])
    p.expect_exact(prompt)
    for cmd in commands:
        type_slowly(p, cmd, rng)
        p.expect_exact(prompt)
    type_slowly(p, last, rng)
    status, recorded = finish(p, 'recording')
    if status != 0:
        fail('the recording ended with status %s' % status, recorded)
    want = icount_line(recorded)
    if not want:
        fail('the recording did not say how many instructions it retired', recorded)
    print('recorded: %s, %d bytes of output, %d bytes of recording'
          % (want, len(recorded), os.path.getsize(rr)))

    for engine in engines:
        start = time.time()
        p = spawn(rvbox, with_disk('replay-%s.img' % engine) +
                  ['-nographic', '-accel', engine, '--replay', rr])
        status, replayed = finish(p, 'replay on ' + engine)
        if status != 0:
            fail('the replay on %s ended with status %s' % (engine, status), replayed)
        if replayed != recorded:
            a, b = recorded.splitlines(), replayed.splitlines()
            for i, (x, y) in enumerate(zip(a, b)):
                if x != y:
                    fail('the replay on %s printed something else at line %d:\n'
                         '  recorded: %r\n  replayed: %r' % (engine, i + 1, x, y), replayed)
            fail('the replay on %s printed %d lines, the recording %d'
                 % (engine, len(b), len(a)), replayed)
        if disk and not same_file(os.path.join(tmp, 'record.img'),
                                  os.path.join(tmp, 'replay-%s.img' % engine)):
            fail('the replay on %s left another disk than the recording' % engine)
        print('replayed on %s in %.2f s: the same output, %s'
              % (engine, time.time() - start, icount_line(replayed)))
    return rr


def same_file(a, b):
    with open(a, 'rb') as fa, open(b, 'rb') as fb:
        return fa.read() == fb.read()


def run_plain(rvbox, args):
    r = subprocess.run([rvbox] + args, stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=TIMEOUT, text=True, errors='replace')
    return r.returncode, r.stdout + r.stderr


def scenario_kite(rvbox, args, disk, tmp):
    record_and_replay(rvbox, args, disk, 'kite$ ',
                      ['echo hello there', 'spin a 2 &', 'ps', 'uptime',
                       'echo written > f', 'cat f', 'mem'],
                      'shutdown', tmp, ['jit', 'interp'])


def scenario_linux(rvbox, args, disk, tmp):
    record_and_replay(rvbox, args, disk, '# ',
                      ['echo hello there', 'sleep 1', 'cat /proc/interrupts',
                       'mount /dev/vda /mnt', 'write /mnt/new.txt written in a session',
                       'cat /mnt/new.txt', 'umount /mnt', 'cat /proc/uptime'],
                      'poweroff', tmp, ['jit', 'interp'])


def expect_refusal(rvbox, args, status_want, text, what):
    status, out = run_plain(rvbox, args)
    if (status == 0) != (status_want == 0) or text not in out:
        fail('%s: want status %s and "%s", got status %d:\n%s'
             % (what, 'zero' if status_want == 0 else 'non-zero', text, status, out))
    print('ok: %s (%s)' % (what, out.strip().splitlines()[0] if out.strip() else ''))


def scenario_errors(rvbox, args, disk, tmp):
    rr = record_and_replay(rvbox, args, disk, 'kite$ ', ['echo a short session'],
                           'shutdown', tmp, ['jit'])
    data = open(rr, 'rb').read()
    img = os.path.join(tmp, 'check.img')
    shutil.copyfile(disk, img)
    base = list(args) + ['-nographic', '-drive', 'file=%s,format=raw' % img]

    junk = os.path.join(tmp, 'junk.rr')
    with open(junk, 'wb') as f:
        f.write(b'not a recording at all' * 10)
    expect_refusal(rvbox, base + ['--replay', junk], 1, 'is not an rvbox recording',
                   'a file that is not a recording')
    expect_refusal(rvbox, base + ['--replay', os.path.join(tmp, 'missing.rr')], 1,
                   'cannot open', 'a recording that does not exist')

    # Another disk: one byte changed in the image.
    other = os.path.join(tmp, 'other.img')
    shutil.copyfile(disk, other)
    with open(other, 'r+b') as f:
        f.seek(4096 + 100)
        b = f.read(1)
        f.seek(4096 + 100)
        f.write(bytes([b[0] ^ 0xff]))
    expect_refusal(rvbox, list(args) + ['-nographic', '-drive', 'file=%s,format=raw' % other,
                                        '--replay', rr], 1, 'disk 0 is not what it was',
                   'a replay on another disk')
    expect_refusal(rvbox, base + ['-m', '64M', '--replay', rr], 1,
                   'a recording of another machine', 'a replay on another machine size')
    expect_refusal(rvbox, base + ['-icount', 'shift=3,rr=replay,rrfile=' + rr], 1,
                   'was recorded with -icount shift=0', 'a replay with another shift')

    # Cut short (rvbox killed while recording): replays as far as it goes.
    cut = os.path.join(tmp, 'cut.rr')
    with open(cut, 'wb') as f:
        f.write(data[:128 + 32 * ((len(data) - 128) // 32 // 2) + 7])
    expect_refusal(rvbox, base + ['--replay', cut], 0, 'cut short',
                   'a recording cut short')

    # Tampered: the first serial byte changed, so the guest goes another way.
    bad = bytearray(data)
    for i in range(128, len(bad), 32):
        if bad[i] == 1:
            bad[i + 2] ^= 0x01
            break
    else:
        fail('the recording has no serial input')
    tampered = os.path.join(tmp, 'tampered.rr')
    with open(tampered, 'wb') as f:
        f.write(bytes(bad))
    expect_refusal(rvbox, base + ['--replay', tampered], 1, 'replay diverged',
                   'a tampered recording')


def main():
    argv = sys.argv[1:]
    disk = None
    if argv and argv[0] == '--disk':
        disk = argv[1]
        argv = argv[2:]
    scenario, rvbox, args = argv[0], argv[1], argv[2:]
    tmp = tempfile.mkdtemp(prefix='rvbox-replay.')
    try:
        {'kite': scenario_kite, 'linux': scenario_linux,
         'errors': scenario_errors}[scenario](rvbox, args, disk, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print('PASS')


if __name__ == '__main__':
    main()
