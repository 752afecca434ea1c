"""Console CSV files as streams of rows, without loading them whole (no database).

A 50 MB export is read through a text wrapper over the stored file: the encoding is
decided from the first 64 KB (UTF-8 with or without BOM, else GB18030, the superset of
GBK that Chinese consoles and Excel write), then `csv.reader` pulls lines one by one.
"""

import codecs
import csv
import io
import re

SAMPLE_BYTES = 64 * 1024


class FileRejected(Exception):
    """The file as a whole cannot be read; the message says why, in the user's language."""


class _Raw(io.RawIOBase):
    """Any object with read(n) as a raw stream, counting the bytes read (for progress)."""

    def __init__(self, source):
        self.source = source
        self.bytes_read = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.source.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        self.bytes_read += size
        return size


def detect_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(sample, final=False)  # a character cut at the sample's end is fine
        return "utf-8"
    except UnicodeDecodeError:
        pass
    decoder = codecs.getincrementaldecoder("gb18030")()
    try:
        decoder.decode(sample, final=False)
        return "gb18030"
    except UnicodeDecodeError:
        return ""


def norm(text: str) -> str:
    """A header as compared with a profile's: no spaces, punctuation or case."""
    return re.sub(r"[\s_\-*:：()（）/\"'.]+", "", str(text)).lower()


class CsvStream:
    """Iterate (line number, cells) over a binary file object; `headers` after open."""

    def __init__(self, binary, *, encoding: str = ""):
        self.raw = _Raw(binary)
        buffered = io.BufferedReader(self.raw, buffer_size=SAMPLE_BYTES)
        sample = buffered.peek(SAMPLE_BYTES)[:SAMPLE_BYTES]
        if b"\x00" in sample:
            raise FileRejected("binary")
        self.encoding = encoding or detect_encoding(sample)
        if not self.encoding:
            raise FileRejected("encoding")
        self.text = io.TextIOWrapper(buffered, encoding=self.encoding, newline="")
        head = sample.decode(self.encoding, errors="ignore")
        try:
            self.dialect = csv.Sniffer().sniff(head[:8192], delimiters=",;\t")
        except csv.Error:
            self.dialect = csv.excel
        self.reader = csv.reader(self.text, self.dialect)
        self.headers: list[str] = []
        self.header_line = 0
        for cells in self._lines():
            line, row = cells
            if any(c.strip() for c in row):
                self.headers = [c.strip() for c in row]
                self.header_line = line
                break
        if not self.headers:
            raise FileRejected("empty")

    def _lines(self):
        try:
            for row in self.reader:
                yield self.reader.line_num, row
        except UnicodeDecodeError as exc:
            raise FileRejected("encoding") from exc
        except csv.Error as exc:
            raise FileRejected(f"csv:{self.reader.line_num}:{exc}") from exc

    def rows(self):
        """(line number, cells) of the data rows; blank lines skipped."""
        for line, row in self._lines():
            if any(c.strip() for c in row):
                yield line, row

    @property
    def bytes_read(self) -> int:
        return self.raw.bytes_read
