# Lab primes: a network of pipes (labs/primes/statement.md).
import re

from grade import expect_not, Failed

PRIMES = [n for n in range(2, 101) if all(n % d for d in range(2, n))]


def run_primes(k):
    out = k.run('primes', timeout=60)
    got = [int(n) for n in re.findall(r'^prime (\d+)$', out, re.M)]
    if got != PRIMES:
        raise Failed('expected "prime N" for %s..%s in order, got %s\n%s' %
                     (PRIMES[0], PRIMES[-1], got, out[-600:]))
    expect_not(out, r'^(?!prime \d+$).+', 'nothing but "prime N" lines')


def none_left(k):
    out = k.run('ps')
    if re.search(r' primes\s*$', out, re.M):
        raise Failed('a primes process is left after primes ended:\n%s' % out)


CHECKS = [
    ('primes prints the primes to 100', run_primes),
    ('no process is left', none_left),
    ('primes runs again', run_primes),
    ('no process is left again', none_left),
]
