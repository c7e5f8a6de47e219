# Lab bigfile: a doubly-indirect block (labs/bigfile/statement.md).
from grade import expect

output = {}


def run(k):
    output['text'] = k.run('bigfile', timeout=300)


def first(k):
    expect(output.get('text', ''), r'^bigfile: first: 300 blocks written, read back and '
           r'removed: OK$', 'bigfile')


def again(k):
    expect(output.get('text', ''), r'^bigfile: again: 300 blocks written, read back and '
           r'removed: OK$', 'bigfile (the first file\'s blocks must have been freed)')


def others(k):
    expect(k.run('cat README'), r'^Welcome to Kite', 'cat README')
    expect(k.run('ls'), r'^sh +\d+$', 'ls')
    k.run('echo small > small')
    expect(k.run('cat small'), r'^small$', 'a small file')


CHECKS = [
    ('bigfile runs', run),
    ('a file of 300 blocks', first),
    ('and another after it is removed', again),
    ('small files still work', others),
]
