"""MS-OVBA compression (the LZ77 variant VBA projects store module source in), per [MS-OVBA] 2.4.1.

Why our own: ms-ovba-compression 1.0.1, which ms-ovba uses, writes copy tokens that no decompressor reads
back (its own included) once a module passes a few hundred bytes — the xlwings module came out garbled.
This one is checked in tests against oletools' independent decompressor.
"""

from __future__ import annotations

CHUNK = 4096
_MAX_CANDIDATES = 64


def _bit_count(position: int) -> int:
    """Bits of a copy token that hold the offset, from the position inside the decompressed chunk."""
    bits = max((position - 1).bit_length(), 4)
    return bits


def _compress_chunk(data: bytes) -> bytes:
    out = bytearray()
    heads: dict[bytes, list[int]] = {}
    i, n = 0, len(data)
    while i < n:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if i >= n:
                break
            best_len, best_off = 0, 0
            if i >= 1 and i + 3 <= n:
                bits = _bit_count(i)
                max_len = min((0xFFFF >> bits) + 3, n - i)
                for j in reversed(heads.get(data[i:i + 3], [])[-_MAX_CANDIDATES:]):
                    length = 3
                    while length < max_len and data[j + length] == data[i + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_off = length, i - j
                        if length == max_len:
                            break
            if best_len >= 3:
                bits = _bit_count(i)
                token = ((best_off - 1) << (16 - bits)) | (best_len - 3)
                out += token.to_bytes(2, "little")
                flags |= 1 << bit
                step = best_len
            else:
                out.append(data[i])
                step = 1
            for k in range(i, i + step):
                if k + 3 <= n:
                    heads.setdefault(data[k:k + 3], []).append(k)
            i += step
        out[flag_at] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    """A CompressedContainer: signature byte 0x01, then one compressed chunk per 4096 bytes."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        body = _compress_chunk(data[start:start + CHUNK])
        if len(body) > CHUNK:  # incompressible: a raw chunk, always exactly 4096 bytes
            raw = data[start:start + CHUNK]
            if len(raw) < CHUNK:
                raise ValueError("an incompressible last chunk shorter than 4096 bytes cannot be stored raw")
            out += (0x3000 | (CHUNK + 2 - 3)).to_bytes(2, "little") + raw
        else:
            out += (0xB000 | (len(body) + 2 - 3)).to_bytes(2, "little") + body
    return bytes(out)
