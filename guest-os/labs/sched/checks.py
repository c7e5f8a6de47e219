# Lab sched: the priority scheduler (labs/sched/statement.md).
import re

from grade import expect, Failed

output = {}


def section(name):
    text = output.get('text', '')
    m = re.search(r'^schedtest: %s$(.*?)^schedtest: ' % name, text, re.M | re.S)
    return [l for l in m.group(1).split('\n') if l.strip()] if m else []


def run(k):
    output['text'] = k.run('schedtest', timeout=120)
    expect(output['text'], r'^schedtest: done$', 'schedtest runs to the end')


def strict(k):
    lines = section('order')
    want = ['high 1', 'high 2', 'high 3', 'low 1', 'low 2', 'low 3']
    if lines != want:
        raise Failed('priority 2 must run to its end before priority 8 runs; expected %s, '
                     'got %s' % (want, lines))


def sleeper(k):
    lines = section('sleeper')
    if 'sleeper 3' not in lines or 'busy 20' not in lines:
        raise Failed('both children should finish: %s' % lines)
    if lines.index('busy 1') > lines.index('sleeper 3'):
        raise Failed('the busy child (priority 8) made no progress while the other '
                     '(priority 2) slept: %s' % lines)


def equal(k):
    # Two jobs of the same (default) priority share the hart: b starts and ends while
    # a, started first with far more rounds, is still running.
    k.p.sendline('spin a 1000 &')
    pid = None
    out = k.wait_prompt('spin a 1000 &')
    m = re.search(r'\[(\d+)\]', out)
    if not m:
        raise Failed('spin a 1000 &: no [pid]: %s' % out)
    pid = m.group(1)
    out = k.run('spin b 3', timeout=60)
    k.run('kill %s' % pid)
    if not re.search(r'b 3', out):
        raise Failed('spin b 3 did not finish while spin a ran (no round robin): %s' % out)


CHECKS = [
    ('schedtest runs', run),
    ('the urgent process runs first', strict),
    ('a sleeping urgent process lets others run', sleeper),
    ('equal priorities share the hart', equal),
]
