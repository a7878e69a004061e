"""Read one file out of a compiled Qt resource file (.rcc), as GCompris ships its images.

The format (Qt's rcc, versions 1-3): a 'qres' header with the offsets of a tree of nodes,
a data area and a name table. A node is a directory (its children are a run of nodes) or a
file (an offset into the data area; its bytes are stored plain or zlib-compressed, with
their size in front).
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from engine.errors import UserError

_DIRECTORY = 0x02
_ZLIB = 0x01
_ZSTD = 0x04


class ResourceError(UserError):
    """The resource file is damaged or lacks the member asked for."""


class QtResources:
    """One resource file, read once; `read` takes any number of members out of it."""

    def __init__(self, rcc: str | Path):
        data, label = Path(rcc).read_bytes(), Path(rcc).name
        if data[:4] != b"qres":
            raise ResourceError(f"{label} is not a Qt resource file (no 'qres' header)")
        self.data, self.label = data, label
        try:
            version, self.tree, self.payload, self.names = struct.unpack(">IIII", data[4:20])
        except struct.error:
            raise ResourceError(f"{label} is not a readable Qt resource file (cut short)") from None
        if version not in (1, 2, 3):
            raise ResourceError(f"{label}: Qt resource format {version} is not supported")
        self.node_size = 14 if version == 1 else 22   # 2 and 3 add a modification time

    def read(self, member: str) -> bytes:
        """The bytes of `member` ('a/b/c.webp', as after ':/' in Qt)."""
        try:
            return self._read(member)
        except (struct.error, IndexError, UnicodeDecodeError, zlib.error) as e:
            raise ResourceError(f"{self.label} is not a readable Qt resource file ({e})") from None

    def _read(self, member: str) -> bytes:
        node = 0
        for part in [p for p in member.strip("/").split("/") if p]:
            node = self._child(node, part)
        offset = self.tree + node * self.node_size
        flags = struct.unpack(">H", self.data[offset + 4:offset + 6])[0]
        if flags & _DIRECTORY:
            raise ResourceError(f"{self.label}: {member} is a folder, not a file")
        start = self.payload + struct.unpack(">I", self.data[offset + 10:offset + 14])[0]
        size = struct.unpack(">I", self.data[start:start + 4])[0]
        blob = self.data[start + 4:start + 4 + size]
        if len(blob) != size:
            raise ResourceError(f"{self.label}: {member} is cut short")
        if flags & _ZSTD:
            raise ResourceError(f"{self.label}: {member} is zstd-compressed, which this reader "
                                "does not support")
        return zlib.decompress(blob[4:]) if flags & _ZLIB else blob

    def _child(self, node: int, name: str) -> int:
        offset = self.tree + node * self.node_size
        flags = struct.unpack(">H", self.data[offset + 4:offset + 6])[0]
        if flags & _DIRECTORY:
            count, first = struct.unpack(">II", self.data[offset + 6:offset + 14])
            for child in range(first, first + count):
                if self._name(child) == name:
                    return child
        raise ResourceError(f"{self.label} has no {name!r} where it was looked for")

    def _name(self, node: int) -> str:
        name_offset = struct.unpack(">I", self.data[self.tree + node * self.node_size:][:4])[0]
        at = self.names + name_offset
        length = struct.unpack(">H", self.data[at:at + 2])[0]
        return self.data[at + 6:at + 6 + 2 * length].decode("utf-16-be")   # after a 4-byte hash
