"""How far the cells of each sheet of an .xls file reach, read from the file's records.

calamine parses every sheet of an .xls when it opens it and holds each as one rectangle from
its first cell to its last, so a 6 kB file with cells in A1 and IV65536 costs a gigabyte.
This walks the file first: the OLE2 container (MS-CFB) to the Workbook stream, then its BIFF
records, taking the row and column of every cell record. Anything it cannot follow is left
to calamine, which refuses a broken file itself.
"""

import struct

END_OF_CHAIN = 0xFFFFFFFE
# BIFF8 cell records with (row, column) first; MULRK holds several columns (last at the end).
CELL_RECORDS = {0x0006, 0x00FD, 0x0203, 0x027E, 0x0205, 0x0204, 0x00D6}
MULRK = 0x00BD
BOF, EOF = 0x0809, 0x000A


class NotFollowable(Exception):
    """The container is not what MS-CFB describes; calamine decides what it is."""


def _chain(fat: list[int], start: int, limit: int) -> list[int]:
    sectors = []
    sector = start
    while sector != END_OF_CHAIN:
        if sector >= len(fat) or len(sectors) > limit:
            raise NotFollowable
        sectors.append(sector)
        sector = fat[sector]
    return sectors


def _workbook_stream(data: bytes) -> bytes:
    """The Workbook (BIFF8) or Book (BIFF5) stream of an OLE2 file."""
    if len(data) < 512:
        raise NotFollowable
    sector_size = 1 << struct.unpack_from("<H", data, 30)[0]
    mini_size = 1 << struct.unpack_from("<H", data, 32)[0]
    first_directory, _, cutoff, first_mini_fat, _, first_difat, difat_count = struct.unpack_from(
        "<7I", data, 48
    )
    if sector_size not in (512, 4096):
        raise NotFollowable
    limit = len(data) // sector_size + 1

    def sector(number: int) -> bytes:
        offset = (number + 1) * sector_size
        if offset + sector_size > len(data) + sector_size:
            raise NotFollowable
        return data[offset : offset + sector_size]

    per_sector = sector_size // 4
    fat_sectors = list(struct.unpack_from("<109I", data, 76))
    difat = first_difat
    for _ in range(difat_count):
        if difat >= limit:
            raise NotFollowable
        entries = struct.unpack(f"<{per_sector}I", sector(difat).ljust(sector_size, b"\xff"))
        fat_sectors += entries[:-1]
        difat = entries[-1]
    fat: list[int] = []
    for number in fat_sectors:
        if number < limit:
            fat += struct.unpack(f"<{per_sector}I", sector(number).ljust(sector_size, b"\xff"))

    def stream(start: int) -> bytes:
        return b"".join(sector(n) for n in _chain(fat, start, limit))

    directory = stream(first_directory)
    root_start, found = None, None
    for offset in range(0, len(directory) - 127, 128):
        entry = directory[offset : offset + 128]
        name_length = struct.unpack_from("<H", entry, 64)[0]
        name = entry[: max(name_length - 2, 0)].decode("utf-16-le", "replace")
        kind = entry[66]
        start, size = struct.unpack_from("<II", entry, 116)
        if kind == 5:
            root_start, root_size = start, size
        elif kind == 2 and name in ("Workbook", "Book") and found is None:
            found = (start, size)
    if found is None:
        raise NotFollowable
    start, size = found
    if size >= cutoff:
        return stream(start)[:size]
    # A small stream lives in the mini stream, the root entry's stream, in 64-byte sectors.
    if root_start is None:
        raise NotFollowable
    mini_stream = stream(root_start)[:root_size]
    mini_fat_bytes = stream(first_mini_fat) if first_mini_fat != END_OF_CHAIN else b""
    mini_fat = list(struct.unpack(f"<{len(mini_fat_bytes) // 4}I", mini_fat_bytes))
    chain = _chain(mini_fat, start, len(mini_stream) // mini_size + 1)
    return b"".join(mini_stream[n * mini_size : (n + 1) * mini_size] for n in chain)[:size]


def xls_extents(data: bytes) -> list[tuple[int, int]]:
    """(rows, columns) that the cells of each sheet span, in the order of the file."""
    try:
        stream = _workbook_stream(data)
    except (NotFollowable, struct.error, IndexError):
        return []
    extents = []
    bounds: list[int] | None = None  # first row, last row, first column, last column
    depth = 0
    position = 0
    while position + 4 <= len(stream):
        record, length = struct.unpack_from("<HH", stream, position)
        body = stream[position + 4 : position + 4 + length]
        position += 4 + length
        if record == BOF:
            depth += 1
            bounds = None
        elif record == EOF:
            depth -= 1
            if bounds:
                extents.append((bounds[1] - bounds[0] + 1, bounds[3] - bounds[2] + 1))
            bounds = None
        elif record in CELL_RECORDS or record == MULRK:
            if len(body) < 6:
                continue
            row, first_column = struct.unpack_from("<HH", body)
            last_column = struct.unpack_from("<H", body, len(body) - 2)[0]
            if record != MULRK:
                last_column = first_column
            if bounds is None:
                bounds = [row, row, first_column, last_column]
            else:
                bounds[0], bounds[1] = min(bounds[0], row), max(bounds[1], row)
                bounds[2], bounds[3] = min(bounds[2], first_column), max(bounds[3], last_column)
    return extents
