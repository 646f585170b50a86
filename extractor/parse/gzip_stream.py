"""A gzip file decompressed as it is read, giving every byte before a fault first.

``gzip.open(path).read(n)`` gathers its ``n`` bytes through a buffered reader that throws away
what it has gathered when the file turns out to be cut short (``EOFError``) or corrupt
(``zlib.error``, ``gzip.BadGzipFile``). A baseline file whose download stopped half way
therefore lost the complete records of its last 1 MiB read (all of them, in a smaller file).
``GzipStream`` returns the bytes decompressed before the fault and raises the fault on the
next read, so a reader of records keeps every record whose closing tag came before it.

Otherwise it reads as ``gzip`` does: members one after another (``cat a.gz b.gz``), zero
padding after a member skipped, gzip's own messages for a file cut short or not gzip at all.
zlib (``wbits=31``) reads each member's header and checks its CRC and length. Memory stays at
a compressed chunk, the bytes asked for and one decompression step, whatever the file's size.
"""

from __future__ import annotations

import gzip
import io
import zlib
from typing import BinaryIO

GZIP_MAGIC = b"\x1f\x8b"
CUT_SHORT = "Compressed file ended before the end-of-stream marker was reached"   # gzip's words


class GzipStream(io.BufferedIOBase):
    """Read-only, forward-only decompression of the gzip bytes of ``raw`` (closed with it)."""

    def __init__(self, raw: BinaryIO, chunk_size: int = 1 << 16) -> None:
        super().__init__()
        self._raw, self._chunk_size = raw, chunk_size
        self._input = b""                       # compressed, read and not yet decompressed
        self._member: zlib._Decompress | None = None   # None between members
        self._after_member = False              # zero padding may follow a member
        self._output = bytearray()              # decompressed, not yet read
        self._fault: Exception | None = None    # raised once the bytes before it are read
        self._at_end = False

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()

    def read(self, size: int | None = -1) -> bytes:
        """Up to ``size`` bytes (all that is left when ``size`` is negative or None); fewer
        only at the end of the file or before a fault, which the next read raises."""
        wanted = -1 if size is None else size
        while self._fault is None and not self._at_end and (wanted < 0 or len(self._output) < wanted):
            try:
                piece = self._decompress()
            except (EOFError, OSError, zlib.error) as fault:   # gzip.BadGzipFile is an OSError
                self._fault = fault
            else:
                self._output += piece
                self._at_end = not piece
        if not self._output and self._fault is not None:
            raise self._fault
        count = len(self._output) if wanted < 0 else wanted
        data = bytes(self._output[:count])
        del self._output[:count]
        return data

    def _decompress(self) -> bytes:
        """The next decompressed bytes (some, at most four chunks' worth); b"" at the end."""
        while True:
            if self._member is None:
                if self._after_member:
                    self._input = self._input.lstrip(b"\0")
                if len(self._input) < len(GZIP_MAGIC) and self._fill():
                    continue
                if not self._input:
                    return b""
                if not self._input.startswith(GZIP_MAGIC):
                    raise gzip.BadGzipFile(f"Not a gzipped file ({self._input[:2]!r})")
                self._member = zlib.decompressobj(wbits=31)
            if not self._input and not self._fill():
                raise EOFError(CUT_SHORT)
            piece = self._member.decompress(self._input, 4 * self._chunk_size)
            if self._member.eof:   # the rest is the next member (or padding)
                self._input, self._member, self._after_member = self._member.unused_data, None, True
            else:
                self._input = self._member.unconsumed_tail
            if piece:
                return piece

    def _fill(self) -> bool:
        """Read another chunk of compressed bytes; False at the end of the file."""
        more = self._raw.read(self._chunk_size)
        self._input += more
        return bool(more)
