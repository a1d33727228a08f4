"""CRC-32 arithmetic: the CRC of bytes put together from pieces whose CRCs are known, and
the CRC of a piece worked out from the CRC of a whole it is part of (zlib's
``crc32_combine``, which Python's ``zlib`` does not expose, and its inverse).

A save at 30,000 contacts changes one line of a 25 MB file: the check of the new file is
made from the CRCs of the tables that did not change (known since the file was read) and
of the few bytes that did, not from a second pass over 25 MB (~7 ms of every save).

A CRC is linear: ``crc(A + B) = shift(crc(A), len(B)) ^ crc(B)``, where ``shift``
multiplies by x^(8 len(B)) modulo the CRC's polynomial; that multiplication is undone by
multiplying by x^(2^32 - 1 - 8 len(B)), x having order 2^32 - 1 for this polynomial
(checked in the tests).
"""

from __future__ import annotations

import zlib

#: a CRC and the length of the bytes it is of
Crc = tuple[int, int]

_POLY = 0xEDB88320  # (CRC-32, reflected)
_ORDER = 2 ** 32 - 1  # of x modulo the polynomial


def _multiply(a: int, b: int) -> int:
    """a * b modulo the polynomial (reflected), as zlib's ``multmodp``."""
    m, p = 1 << 31, 0
    while True:
        if a & m:
            p ^= b
            if not a & (m - 1):
                return p
        m >>= 1
        b = (b >> 1) ^ _POLY if b & 1 else b >> 1


_POWERS = [1 << 30]  # x^(2^k) modulo the polynomial, k = 0..31
for _ in range(31):
    _POWERS.append(_multiply(_POWERS[-1], _POWERS[-1]))


def _x_power(bits: int) -> int:
    """x^bits modulo the polynomial (zlib's ``x2nmodp`` with k = 0)."""
    p, k = 1 << 31, 0
    while bits:
        if bits & 1:
            p = _multiply(_POWERS[k & 31], p)
        bits >>= 1
        k += 1
    return p


def shift(crc: int, size: int) -> int:
    """The part of ``crc(A + B)`` that ``A`` (of CRC ``crc``) makes, ``B`` being ``size`` bytes."""
    return _multiply(_x_power(8 * size), crc) if size else crc


def unshift(value: int, size: int) -> int:
    """The inverse of :func:`shift`."""
    return _multiply(_x_power(_ORDER - (8 * size) % _ORDER), value) if size else value


def of(data: bytes | memoryview) -> Crc:
    return zlib.crc32(data), len(data)


def joined(pieces: list[Crc]) -> Crc:
    """The CRC of the pieces put one after the other."""
    crc, size = 0, 0
    for piece_crc, piece_size in pieces:
        crc, size = shift(crc, piece_size) ^ piece_crc, size + piece_size
    return crc, size


def missing(whole: Crc, before: list[Crc], after: list[Crc]) -> Crc:
    """The CRC of the piece of ``whole`` between ``before`` and ``after`` (the pieces of
    ``whole`` on either side of it, in order)."""
    head, tail = joined(before), joined(after)
    size = whole[1] - head[1] - tail[1]
    if size < 0:
        raise ValueError("the pieces are longer than the whole")
    return unshift(whole[0] ^ shift(head[0], size + tail[1]) ^ tail[0], tail[1]), size
