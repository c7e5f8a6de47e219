# Lab cow: copy-on-write fork (labs/cow/statement.md).
from grade import expect

TESTS = ['fork of a process with 60% of the memory', 'parent and child write the same pages',
         'three generations of forks', 'read\\(\\) into a page shared with the parent',
         'the memory comes back']
output = {}


def run(k):
    output['text'] = k.run('cowtest', timeout=120)
    expect(output['text'], r'^cowtest: (all tests passed|some tests FAILED)$',
           'cowtest runs to the end')


def test(name):
    def check(k):
        expect(output.get('text', ''), r'^cowtest: %s: OK$' % name, 'cowtest')
    return check


def still_fine(k):
    expect(k.run('echo still here'), r'^still here$', 'the shell after cowtest')
    expect(k.run('cat README | grep Welcome'), r'^Welcome', 'a pipeline after cowtest')


CHECKS = [('cowtest runs', run)] + [(t.replace('\\', ''), test(t)) for t in TESTS] + [
    ('Kite goes on', still_fine)]
