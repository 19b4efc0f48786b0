#!/usr/bin/env python3
"""Draws Keeper's app icon set with the Python standard library only.

The mark is a calm teal rounded square with a white "K" made of three round-capped strokes
(the same geometry as `ui/public/keeper-mark.svg`, on a 64-unit grid). Shapes are drawn from
signed distance functions, so every size is rendered directly with anti-aliased edges.

Writes, next to this script: 32x32.png, 128x128.png, 128x128@2x.png, 512x512.png, icon.png,
tray.png (RGBA PNGs, as Tauri needs), icon.ico (PNG layers 16-256) and icon.icns.

Run: python3 assets/icons/generate.py
"""

import math
import struct
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parent
GRID = 64.0
RECT = (2.0, 2.0, 62.0, 62.0)  # x0, y0, x1, y1 on the 64-unit grid
RECT_RADIUS = 14.0
STROKE_RADIUS = 3.5
STROKES = (((22, 16), (22, 48)), ((24, 33), (42, 16)), ((29, 29), (43, 48)))
TEAL_TOP = (0x1A, 0x8C, 0x86)
TEAL_BOTTOM = (0x11, 0x6D, 0x69)
WHITE = (0xFF, 0xFF, 0xFF)


def rounded_rect_distance(x: float, y: float) -> float:
    x0, y0, x1, y1 = RECT
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    hx, hy = (x1 - x0) / 2 - RECT_RADIUS, (y1 - y0) / 2 - RECT_RADIUS
    qx, qy = abs(x - cx) - hx, abs(y - cy) - hy
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    inside = min(max(qx, qy), 0.0)
    return outside + inside - RECT_RADIUS


def segment_distance(x: float, y: float, a: tuple, b: tuple) -> float:
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    t = ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)
    t = min(max(t, 0.0), 1.0)
    return math.hypot(x - (ax + t * dx), y - (ay + t * dy)) - STROKE_RADIUS


def coverage(distance_units: float, scale: float) -> float:
    """Fraction of a pixel covered by a shape, from its signed distance in grid units."""
    return min(max(0.5 - distance_units * scale, 0.0), 1.0)


def render(size: int) -> bytes:
    """Returns raw RGBA rows (non-premultiplied) for a size x size icon."""
    scale = size / GRID  # pixels per grid unit
    rows = bytearray()
    for py in range(size):
        y = (py + 0.5) / scale
        t = (y - RECT[1]) / (RECT[3] - RECT[1])
        t = min(max(t, 0.0), 1.0)
        teal = tuple(round(top + (bottom - top) * t) for top, bottom in zip(TEAL_TOP, TEAL_BOTTOM))
        for px in range(size):
            x = (px + 0.5) / scale
            base = coverage(rounded_rect_distance(x, y), scale)
            if base == 0.0:
                rows += b"\x00\x00\x00\x00"
                continue
            mark_distance = min(segment_distance(x, y, a, b) for a, b in STROKES)
            mark = coverage(mark_distance, scale)
            rgb = tuple(round(c + (w - c) * mark) for c, w in zip(teal, WHITE))
            rows += bytes(rgb) + bytes((round(255 * base),))
    return bytes(rows)


def png(size: int) -> bytes:
    raw = render(size)
    stride = size * 4
    scanlines = b"".join(b"\x00" + raw[i * stride : (i + 1) * stride] for i in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(scanlines, 9))
        + chunk(b"IEND", b"")
    )


def ico(images: dict) -> bytes:
    """ICO container with PNG-compressed layers (supported since Windows Vista)."""
    sizes = sorted(images)
    offset = 6 + 16 * len(sizes)
    directory, payload = b"", b""
    for size in sizes:
        data = images[size]
        dim = 0 if size >= 256 else size  # 0 means 256 in the ICO directory
        directory += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset + len(payload))
        payload += data
    return struct.pack("<HHH", 0, 1, len(sizes)) + directory + payload


# ICNS element types that hold PNG data, by pixel size.
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"ic11", 32),  # 16@2x
    (b"icp6", 64),
    (b"ic12", 64),  # 32@2x
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic13", 256),  # 128@2x
    (b"ic09", 512),
    (b"ic14", 512),  # 256@2x
    (b"ic10", 1024),  # 512@2x
)


def icns(images: dict) -> bytes:
    body = b"".join(
        kind + struct.pack(">I", 8 + len(images[size])) + images[size] for kind, size in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> None:
    sizes = {16, 24, 32, 48, 64, 128, 256, 512, 1024}
    images = {size: png(size) for size in sorted(sizes)}
    files = {
        "32x32.png": images[32],
        "128x128.png": images[128],
        "128x128@2x.png": images[256],
        "512x512.png": images[512],
        "icon.png": images[512],
        "tray.png": images[32],
        "icon.ico": ico({s: images[s] for s in (16, 24, 32, 48, 64, 256)}),
        "icon.icns": icns(images),
    }
    for name, data in files.items():
        (OUT / name).write_bytes(data)
        print(f"wrote {name} ({len(data)} bytes)")


if __name__ == "__main__":
    main()
