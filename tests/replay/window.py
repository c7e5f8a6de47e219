#!/usr/bin/env python3
"""A session typed into rvbox's window and at its serial console, recorded and replayed.

window.py RVBOX DISK   (run under tests/display/with_xvfb.sh: DISPLAY is a private Xvfb)

Kite runs in the SDL window with --record; keys typed into the window with xdotool and
lines typed at the serial console both reach its shell. At the end the framebuffer is
saved (--screenshot). The replay, without a window, must draw the same screen (the PNGs
equal byte for byte) and print the same serial output.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import pexpect

rvbox, disk = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp(prefix='rvbox-window-rr.')
os.environ['SDL_RENDER_DRIVER'] = 'software'
os.environ['SDL_FRAMEBUFFER_ACCELERATION'] = '0'


def fail(why, log=''):
    print('FAIL: ' + why)
    if log:
        print('---- serial output:\n' + log[-2000:])
    print('(the recording and screenshots are kept in %s)' % tmp)
    sys.exit(1)


class Log:
    text = ''

    def write(self, s):
        self.text += s

    def flush(self):
        pass


def xdotool(*args):
    subprocess.run(['xdotool'] + list(args), check=True, timeout=30)


def run(args, name):
    img = os.path.join(tmp, name + '.img')
    shutil.copyfile(disk, img)
    p = pexpect.spawn(rvbox, ['-drive', 'file=%s,format=raw' % img] + args, timeout=60,
                      encoding='latin-1')
    p.logfile_read = Log()
    return p


rr = os.path.join(tmp, 'session.rr')
p = run(['--record', rr, '--screenshot', os.path.join(tmp, 'recorded.png')], 'record')
try:
    p.expect_exact('kite$ ')
    win = subprocess.run(['xdotool', 'search', '--sync', '--name', '^rvbox'], check=True,
                         capture_output=True, text=True, timeout=30).stdout.split()[0]
    xdotool('windowfocus', '--sync', win)
    xdotool('type', '--delay', '40', 'echo typed in the window')
    xdotool('key', 'Return')
    p.expect_exact('typed in the window')
    p.expect_exact('kite$ ')
    time.sleep(0.3)
    for ch in 'echo typed at the console\r':
        p.send(ch)
        time.sleep(0.01)
    p.expect_exact('kite$ ')
    xdotool('type', '--delay', '30', 'echo xx')
    xdotool('key', 'BackSpace', 'BackSpace')
    xdotool('type', '--delay', '30', 'ok; ls')
    xdotool('key', 'Return')
    p.expect_exact('kite$ ')
    xdotool('type', '--delay', '30', 'shutdown')
    xdotool('key', 'Return')
    p.expect(pexpect.EOF)
except (pexpect.TIMEOUT, pexpect.EOF, subprocess.SubprocessError) as e:
    fail('recording: %s' % type(e).__name__, p.logfile_read.text)
p.close()
recorded = p.logfile_read.text
if p.exitstatus != 0:
    fail('the recording ended with status %s' % p.exitstatus, recorded)

p = run(['-nographic', '--replay', rr, '--screenshot', os.path.join(tmp, 'replayed.png')],
        'replay')
try:
    p.expect(pexpect.EOF)
except pexpect.TIMEOUT:
    fail('the replay did not end', p.logfile_read.text)
p.close()
replayed = p.logfile_read.text
if p.exitstatus != 0:
    fail('the replay ended with status %s' % p.exitstatus, replayed)
# The sanitizer build's leak checker may append its own report (suppressions used in the
# host's SDL/D-Bus libraries) after rvbox's last line; compare what rvbox and the guest said.
def rvbox_part(text):
    m = re.search(r'rvbox: icount: [^\n]*\n', text)
    return text[:m.end()] if m else text


recorded, replayed = rvbox_part(recorded), rvbox_part(replayed)
if replayed != recorded:
    fail('the replay printed something else than the recording:\n%s\n---- replayed:\n%s'
         % (recorded[-1500:], replayed[-1500:]))
with open(os.path.join(tmp, 'recorded.png'), 'rb') as a, \
        open(os.path.join(tmp, 'replayed.png'), 'rb') as b:
    if a.read() != b.read():
        fail('the replay drew another screen than the recording')
print('PASS: the replay printed %d bytes and drew the screen as recorded' % len(replayed))
shutil.rmtree(tmp, ignore_errors=True)
