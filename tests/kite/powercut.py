#!/usr/bin/env python3
"""Kite's log: cut the power at every disk write of a script of file operations.

powercut.py RVBOX DISK FSCK PROGRAMS_DIR

1. Record. Kite runs a script of shell commands (mkdir, files written, appended to,
   copied into a directory, removed...) on a copy of DISK, under strace, which records
   every write rvbox makes to the disk image: the disk's own view of the run, in order.
   (rvbox needs no hook for it: a virtio-blk request is one pwrite of the image.)
2. Cut. For every k, the image as it was after the first k writes is what a power cut
   there would have left. kite-fsck recovers it as the kernel would at boot (installs
   a committed transaction) and checks it. Each cut is also tried with the next write
   torn (only its first 512-byte sector on the disk).
3. Compare. The recovered file system must be consistent (fsck clean), and its files
   must be a state the script passed through: everything before some command done,
   that command not started or partly done (a file it writes holds a prefix of what it
   writes, since a large write is several transactions), nothing after it. Going
   through the cuts in order, the script never goes backwards.
4. Boot. On a few cuts that left a committed transaction in the log, Kite itself must
   finish it at boot ("finishing a transaction"), then shut down cleanly; fsck then
   finds the same files the host's recovery found.

PROGRAMS_DIR holds the programs put on DISK (their contents are what `cat PROG > F`
copies). Needs strace (the test is skipped, exit 77, without it).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

import pexpect

# The script: (shell command, what it changes) where the change is one of
#   ('mkdir', path)   ('rm', path)   ('write', path, content)   ('append', path, content)
# `echo` writes its words, then "\n", each a write() of its own; cat writes 512 bytes at
# a time. Either way the file holds a prefix of the final content meanwhile.
def script(progs):
    sh = open(os.path.join(progs, 'sh'), 'rb').read()
    return [
        ('mkdir d', ('mkdir', '/d')),
        ('echo one > d/a', ('write', '/d/a', b'one\n')),
        ('echo two >> d/a', ('append', '/d/a', b'two\n')),
        ('mkdir d/e', ('mkdir', '/d/e')),
        ('cat sh > d/e/sh2', ('write', '/d/e/sh2', sh)),
        ('rm d/a', ('rm', '/d/a')),
        ('echo three four > d/e/c', ('write', '/d/e/c', b'three four\n')),
        ('rm d/e/sh2', ('rm', '/d/e/sh2')),
        ('mkdir x', ('mkdir', '/x')),
        ('rm x', ('rm', '/x')),
        ('echo five > top', ('write', '/top', b'five\n')),
    ]


def fnv1a(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xffffffff
    return '%08x' % h


def fail(why, extra=''):
    print('FAIL: ' + why)
    if extra:
        print(extra)
    sys.exit(1)


def fsck_dump(fsck, image):
    """(ok, the dump as {path: ('d',) or ('f', size, hash)}, fsck's output)."""
    r = subprocess.run([fsck, '-n', '--dump', image], capture_output=True, text=True)
    if r.returncode != 0:
        return False, None, r.stdout + r.stderr
    tree = {}
    for line in r.stdout.splitlines():
        f = line.split()
        tree[f[1]] = ('d',) if f[0] == 'd' else ('f', int(f[2]), f[3])
    return True, tree, r.stderr


class Model:
    """The file system as the script leaves it after each command, and what a command
    may leave half done."""

    def __init__(self, base):
        self.files = {}                     # path -> bytes, for the files we write
        self.base = dict(base)              # the dump of the untouched disk
        self.states = [self.snapshot()]     # after 0, 1, 2... commands

    def snapshot(self):
        tree = dict(self.base)
        for p, data in self.files.items():
            tree[p] = ('f', len(data), fnv1a(data))
        return tree

    def apply(self, change):
        kind, path = change[0], change[1]
        if kind == 'mkdir':
            self.base[path] = ('d',)
        elif kind == 'rm':
            self.base.pop(path, None)
            self.files.pop(path, None)
        elif kind == 'write':
            self.base.pop(path, None)
            self.files[path] = change[2]
        elif kind == 'append':
            self.files[path] = self.files.get(path, b'') + change[2]
        self.states.append(self.snapshot())

    def partial(self, i, change, tree):
        """Is tree a state command i (change) passes through, between states[i] and
        states[i + 1]? Only writes have such states: a prefix of the content."""
        kind, path = change[0], change[1]
        if kind not in ('write', 'append'):
            return False
        before = self.states[i]
        old = self.files_before[i].get(path, b'') if kind == 'append' else b''
        full = old + change[2]
        rest = {p: v for p, v in tree.items() if p != path}
        want = {p: v for p, v in before.items() if p != path}
        if rest != want or path not in tree or tree[path][0] != 'f':
            return False
        size, h = tree[path][1], tree[path][2]
        return len(old) <= size < len(full) and fnv1a(full[:size]) == h


def parse_trace(path, image):
    """The disk writes, in order, from strace's log: [(offset, bytes)]. With -xx strace
    writes every byte as \\xNN, the file's path (-y) included."""
    def unhex(s):
        return bytes.fromhex(s.replace('\\x', ''))
    writes = []
    pat = re.compile(r'pwrite64\(\d+<((?:\\x[0-9a-f]{2})*)>, "((?:\\x[0-9a-f]{2})*)"(\.\.\.)?, '
                     r'(\d+), (\d+)\) = (\d+)')
    real = os.path.realpath(image)
    for line in open(path, encoding='latin-1'):
        m = pat.search(line)
        if not m or os.path.realpath(unhex(m.group(1)).decode()) != real:
            continue
        data = unhex(m.group(2))
        if m.group(3) or len(data) != int(m.group(4)) or m.group(4) != m.group(6):
            fail('a disk write was not traced whole: ' + line[:200])
        writes.append((int(m.group(5)), data))
    return writes


def main():
    rvbox, disk, fsck, progs = sys.argv[1:5]
    strace = shutil.which('strace')
    if not strace:
        print('skipped: no strace')
        sys.exit(77)
    tmp = tempfile.mkdtemp(prefix='kite-powercut.')
    try:
        run(rvbox, disk, fsck, progs, strace, tmp)
    finally:
        shutil.rmtree(tmp)


def boot(rvbox, image, log):
    p = pexpect.spawn(rvbox, ['-nographic', '-drive', 'file=%s,format=raw' % image],
                      timeout=60, encoding='latin-1')
    p.logfile_read = log
    return p


class Log:
    def __init__(self):
        self.text = ''

    def write(self, s):
        self.text += s

    def flush(self):
        pass


def run(rvbox, disk, fsck, progs, strace, tmp):
    base_img = os.path.join(tmp, 'base.img')
    shutil.copyfile(disk, base_img)
    ok, base, out = fsck_dump(fsck, base_img)
    if not ok:
        fail('the disk is not clean before the test', out)

    # 1. Record.
    img = os.path.join(tmp, 'run.img')
    trace = os.path.join(tmp, 'trace.txt')
    shutil.copyfile(disk, img)
    log = Log()
    p = pexpect.spawn(strace, ['-f', '-qq', '-y', '-xx', '-s', '4096', '-e', 'trace=pwrite64',
                               '-e', 'signal=none', '-o', trace, rvbox, '-nographic',
                               '-drive', 'file=%s,format=raw' % img],
                      timeout=120, encoding='latin-1')
    p.logfile_read = log
    steps = script(progs)
    try:
        p.expect_exact('kite$ ')
        for cmd, _ in steps:
            p.sendline(cmd)
            p.expect_exact('kite$ ')
        p.sendline('shutdown')
        p.expect_exact('kite: powering off')
        p.expect(pexpect.EOF)
    except pexpect.ExceptionPexpect as e:
        fail('the script did not run: %s' % type(e).__name__, log.text[-2000:])
    if re.search(r'cannot|not found|panic', log.text):
        fail('a command of the script failed', log.text[-2000:])
    writes = parse_trace(trace, img)
    if open(img, 'rb').read() != apply_writes(base_img, writes):
        fail('the traced writes do not make the disk rvbox left: the trace is incomplete')
    print('recorded %d disk writes for %d commands' % (len(writes), len(steps)))

    # The model of what the script does, state by state.
    model = Model(base)
    model.files_before = []
    for _, change in steps:
        model.files_before.append(dict(model.files))
        model.apply(change)

    # 2, 3. Cut after every write (and with the next one torn), recover, check.
    work = os.path.join(tmp, 'cut.img')
    shutil.copyfile(base_img, work)
    fd = os.open(work, os.O_RDWR)
    progress = (0, 0)           # (command, 0 before / 1 partly / 2 done) reached so far
    committed_cuts = []
    cuts = 0
    for k in range(len(writes) + 1):
        variants = [None]
        if k < len(writes) and len(writes[k][1]) > 512:
            variants.append(writes[k])      # the next write torn: its first sector only
        for torn in variants:
            if torn:
                os.pwrite(fd, torn[1][:512], torn[0])
            ok, tree, out = fsck_dump(fsck, work)
            cuts += 1
            where = 'power cut after write %d of %d%s' % (
                k, len(writes), ' (the next one half done)' if torn else '')
            if not ok:
                fail(where + ': the file system is not consistent', out)
            state = locate(model, steps, tree, progress)
            if state is None:
                fail(where + ': the files are in no state the script passed through since '
                     'the last cut (%s)' % (progress,), describe(model, tree))
            progress = state
            if not torn and 'installed a committed transaction' in out:
                committed_cuts.append((k, tree))
        if k < len(writes):
            os.pwrite(fd, writes[k][1], writes[k][0])
    os.close(fd)
    if progress != (len(steps), 0):
        fail('the last cut is not the end of the script: %s' % (progress,))
    print('%d power cuts: each left a consistent file system in a state of the script'
          % cuts)
    if not committed_cuts:
        fail('no cut left a committed transaction to finish: the log was never used?')

    # 4. Kite finishes a committed transaction itself, at boot.
    picks = sorted({0, len(committed_cuts) // 2, len(committed_cuts) - 1})
    for i in picks:
        k, tree = committed_cuts[i]
        image = os.path.join(tmp, 'boot%d.img' % k)
        with open(image, 'wb') as f:
            f.write(apply_writes(base_img, writes[:k]))
        log = Log()
        p = boot(rvbox, image, log)
        try:
            p.expect(r'kite: file system: finishing a transaction of \d+ blocks')
            p.expect_exact('kite$ ')
            p.sendline('shutdown')
            p.expect_exact('kite: powering off')
            p.expect(pexpect.EOF)
        except pexpect.ExceptionPexpect as e:
            fail('boot after power cut %d: %s' % (k, type(e).__name__), log.text[-2000:])
        r = subprocess.run([fsck, image], capture_output=True, text=True)
        if r.returncode != 0 or 'installed' in r.stderr:
            fail('after Kite recovered cut %d, fsck says' % k, r.stdout + r.stderr)
        ok, after, out = fsck_dump(fsck, image)
        if after != tree:
            fail('Kite recovered cut %d into other files than the host did' % k,
                 describe(model, after))
    print('Kite finished the committed transaction itself at %d cuts, as the host did'
          % len(picks))
    print('PASS')


def apply_writes(base_img, writes):
    data = bytearray(open(base_img, 'rb').read())
    for off, b in writes:
        data[off:off + len(b)] = b
    return bytes(data)


def locate(model, steps, tree, since):
    """(i, 0): exactly the state before command i; (i, 1): command i partly done. The
    first such position from `since` on (a state may come back: mkdir x, rm x), or
    None."""
    for i in range(since[0], len(steps) + 1):
        if (i, 0) >= since and tree == model.states[i]:
            return (i, 0)
        if i < len(steps) and model.partial(i, steps[i][1], tree):
            return (i, 1)
    return None


def describe(model, tree):
    lines = []
    for p in sorted(set(tree) | set(model.states[-1])):
        lines.append('  %-16s %s' % (p, tree.get(p, '(absent)')))
    return 'the files:\n' + '\n'.join(lines)


if __name__ == '__main__':
    main()
