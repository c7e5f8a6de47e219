# Lab lazy: lazy allocation of the heap (labs/lazy/statement.md).
from grade import expect, expect_not

TESTS = ['a heap of 126 MiB', 'read\\(\\) into untouched heap pages',
         'a store above the break kills the process', 'fork of a half-touched heap',
         'sbrk down gives the pages back']
output = {}


def run(k):
    output['text'] = k.run('lazytest', timeout=120)
    expect(output['text'], r'^lazytest: (all tests passed|some tests FAILED)$',
           'lazytest runs to the end')


def test(name):
    def check(k):
        expect(output.get('text', ''), r'^lazytest: %s: OK$' % name, 'lazytest')
    return check


def still_fine(k):
    expect(k.run('echo still here'), r'^still here$', 'the shell after lazytest')
    expect_not(k.run('mem'), r'0 free', 'memory after lazytest')


CHECKS = [('lazytest runs', run)] + [(t.replace('\\', ''), test(t)) for t in TESTS] + [
    ('Kite goes on', still_fine)]
