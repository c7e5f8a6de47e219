# Lab util: `find DIR NAME` (labs/util/statement.md).
from grade import expect, Failed


def lines(out):
    return sorted(l.strip() for l in out.split('\n') if l.strip())


def same(got, want, what):
    if lines(got) != sorted(want):
        raise Failed('%s: expected the lines %s, got:\n%s' % (what, sorted(want), got))


def exists(k):
    out = k.run('find . README')
    expect(out, r'^\./README$', 'find . README')


def tree(k):
    for cmd in ['mkdir fa', 'mkdir fa/fb', 'echo x > fa/fb/target', 'mkdir fa/target',
                'echo y > fa/target/target', 'echo z > target', 'mkdir fa/fb/fc',
                'echo w > fa/fb/fc/other']:
        out = k.run(cmd)
        if out:
            raise Failed("'%s' said: %s" % (cmd, out))
    same(k.run('find . target'),
         ['./target', './fa/fb/target', './fa/target', './fa/target/target'], 'find . target')


def from_subdir(k):
    same(k.run('find fa target'), ['fa/fb/target', 'fa/target', 'fa/target/target'],
         'find fa target')
    same(k.run('find fa/fb other'), ['fa/fb/fc/other'], 'find fa/fb other')


def relative(k):
    k.run('cd fa/fb')
    try:
        same(k.run('find .. target'), ['../fb/target', '../target', '../target/target'],
             'find .. target (in fa/fb)')
    finally:
        k.run('cd /')


def nothing(k):
    same(k.run('find . nosuchname'), [], 'find . nosuchname')
    same(k.run('find fa fa'), [], 'find fa fa (the top is not compared)')


CHECKS = [
    ('find . README', exists),
    ('find . target: every depth, directories too', tree),
    ('find from a subdirectory', from_subdir),
    ('find ..', relative),
    ('no match, no output', nothing),
]
