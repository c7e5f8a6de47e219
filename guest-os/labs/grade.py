#!/usr/bin/env python3
"""Grade a Kite lab: boot Kite on rvbox and check what its console says.

    python3 labs/grade.py LAB --rvbox RVBOX --kernel out/kite.elf --disk out/lab-LAB.img

`make grade LAB=...` runs this with the kernel and a disk made for the lab (the
programs of programs.cmake, plus the lab's own test programs from labs/LAB/). The
checks of a lab are in labs/LAB/checks.py: a list CHECKS of (name, function), each
function given a Kite (below) to type commands into. Every check runs, in order, on
one boot; a kernel panic or a hung command fails the ones left. Then Kite shuts down,
and with --fsck the disk it leaves must be consistent: one check more. The exit status
is 0 when all pass.
"""
import argparse
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile

import pexpect

PROMPT = 'kite$ '


class Failed(Exception):
    pass


class Dead(Failed):
    """Kite cannot go on: a panic, a command that never came back."""


class Kite:
    """One boot of Kite on rvbox, driven through its serial console."""

    def __init__(self, rvbox, kernel, disk, log):
        self.p = pexpect.spawn(rvbox, ['-nographic', '-kernel', kernel,
                                       '-drive', 'file=%s,format=raw' % disk],
                               timeout=60, encoding='latin-1', codec_errors='replace')
        self.p.logfile_read = log
        self.wait_prompt('boot')

    def wait_prompt(self, what, timeout=60):
        i = self.p.expect_exact([PROMPT, 'panic: ', pexpect.EOF, pexpect.TIMEOUT],
                                timeout=timeout)
        if i == 1:
            self.p.expect([r'[^\r\n]*', pexpect.EOF, pexpect.TIMEOUT], timeout=2)
            raise Dead('kernel panic during %s: panic: %s' % (what, self.p.after))
        if i == 2:
            raise Dead('rvbox ended during %s' % what)
        if i == 3:
            raise Dead('no prompt after %s (%d s)' % (what, timeout))
        return self.p.before

    def run(self, line, timeout=60):
        """Type a command line; return what it printed (lines joined by '\\n')."""
        self.p.sendline(line)
        out = self.wait_prompt("'%s'" % line, timeout).replace('\r', '')
        lines = out.split('\n')
        return '\n'.join(lines[1:]).rstrip('\n')    # the first line is the echo

    def shutdown(self):
        self.p.sendline('shutdown')
        self.p.expect_exact('kite: powering off', timeout=20)
        self.p.expect_exact(pexpect.EOF, timeout=20)       # rvbox has written the disk
        self.p.close()


def expect(text, pattern, what):
    """Raise Failed unless pattern (a regular expression) is found in text."""
    if not re.search(pattern, text, re.M):
        raise Failed('%s: expected /%s/ in:\n%s' % (what, pattern, indent(text)))


def expect_not(text, pattern, what):
    if re.search(pattern, text, re.M):
        raise Failed('%s: did not expect /%s/ in:\n%s' % (what, pattern, indent(text)))


def indent(text):
    text = text if len(text) < 1500 else text[:700] + '\n...\n' + text[-700:]
    return '\n'.join('        | ' + l for l in text.split('\n'))


class Log:
    def __init__(self):
        self.text = ''

    def write(self, s):
        self.text += s

    def flush(self):
        pass


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description='Grade a Kite lab.')
    ap.add_argument('lab')
    ap.add_argument('--rvbox', required=True)
    ap.add_argument('--kernel', required=True)
    ap.add_argument('--disk', required=True)
    ap.add_argument('--fsck', help='check the disk with this kite-fsck after the run')
    ap.add_argument('--log', help='write the whole console output here')
    a = ap.parse_args()

    path = os.path.join(here, a.lab, 'checks.py')
    if not os.path.exists(path):
        labs = sorted(d for d in os.listdir(here)
                      if os.path.exists(os.path.join(here, d, 'checks.py')))
        sys.exit('grade: no lab %s (labs: %s)' % (a.lab, ' '.join(labs)))
    spec = importlib.util.spec_from_file_location('checks', path)
    checks = importlib.util.module_from_spec(spec)
    sys.modules['grade'] = sys.modules[__name__]
    spec.loader.exec_module(checks)

    tmp = tempfile.mkdtemp(prefix='kite-grade.')
    disk = os.path.join(tmp, 'disk.img')
    shutil.copyfile(a.disk, disk)      # every grading starts from the same disk
    log = Log()
    passed, dead = 0, None
    print('== lab %s' % a.lab)
    try:
        kite = Kite(a.rvbox, a.kernel, disk, log)
    except Dead as e:
        kite, dead = None, str(e)
    for name, check in checks.CHECKS:
        if dead:
            print('  FAIL  %s (not run: %s)' % (name, dead.split('\n')[0]))
            continue
        try:
            check(kite)
            print('  ok    %s' % name)
            passed += 1
        except Dead as e:
            dead = str(e)
            print('  FAIL  %s: %s' % (name, e))
        except Failed as e:
            print('  FAIL  %s: %s' % (name, e))
    if not dead and kite:
        try:
            kite.shutdown()
        except pexpect.ExceptionPexpect:
            dead = 'Kite did not shut down'
    total = len(checks.CHECKS)
    if a.fsck:
        total += 1
        name = 'the disk is consistent after the run (kite-fsck)'
        if dead:
            print('  FAIL  %s (not run: %s)' % (name, dead.split('\n')[0]))
        else:
            r = subprocess.run([a.fsck, disk], capture_output=True, text=True)
            if r.returncode == 0:
                print('  ok    %s' % name)
                passed += 1
            else:
                print('  FAIL  %s:\n%s' % (name, indent((r.stdout + r.stderr).strip())))
    if a.log:
        with open(a.log, 'w') as f:
            f.write(log.text)
    shutil.rmtree(tmp)
    print('== lab %s: %d of %d checks passed' % (a.lab, passed, total))
    sys.exit(0 if passed == total else 1)


if __name__ == '__main__':
    main()
