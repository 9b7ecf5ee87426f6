#!/usr/bin/env python3
"""Regenerate the binary files of the sample resource packs (stdlib only).

    python3 scripts/make_sample_files.py            # write all files
    python3 scripts/make_sample_files.py --check    # exit 1 if any file differs

Output is deterministic (fixed zip timestamps, no PDF dates, seeded data), so a rerun
leaves the files byte-for-byte unchanged and their fingerprints stable.

PNG diagrams are drawn with a tiny raster canvas and a 5x7 bitmap font (ASCII labels);
PDF handouts use the non-embedded Adobe CJK font STSong-Light with the UniGB-UCS2-H
encoding, which PDF viewers (Acrobat, PDFium, pdf.js, poppler) supply themselves, so
the Chinese text needs no font file in the repo.
"""
from __future__ import annotations

import argparse
import csv
import io
import math
import random
import struct
import sys
import zipfile
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
PACKS = ROOT / "resource_packs"

# ----------------------------------------------------------------------------- PNG

FONT_5X7 = {
    "A": "01110 10001 10001 11111 10001 10001 10001",
    "B": "11110 10001 10001 11110 10001 10001 11110",
    "C": "01110 10001 10000 10000 10000 10001 01110",
    "D": "11110 10001 10001 10001 10001 10001 11110",
    "E": "11111 10000 10000 11110 10000 10000 11111",
    "F": "11111 10000 10000 11110 10000 10000 10000",
    "G": "01110 10001 10000 10111 10001 10001 01111",
    "H": "10001 10001 10001 11111 10001 10001 10001",
    "I": "01110 00100 00100 00100 00100 00100 01110",
    "J": "00111 00010 00010 00010 00010 10010 01100",
    "K": "10001 10010 10100 11000 10100 10010 10001",
    "L": "10000 10000 10000 10000 10000 10000 11111",
    "M": "10001 11011 10101 10101 10001 10001 10001",
    "N": "10001 10001 11001 10101 10011 10001 10001",
    "O": "01110 10001 10001 10001 10001 10001 01110",
    "P": "11110 10001 10001 11110 10000 10000 10000",
    "Q": "01110 10001 10001 10001 10101 10010 01101",
    "R": "11110 10001 10001 11110 10100 10010 10001",
    "S": "01111 10000 10000 01110 00001 00001 11110",
    "T": "11111 00100 00100 00100 00100 00100 00100",
    "U": "10001 10001 10001 10001 10001 10001 01110",
    "V": "10001 10001 10001 10001 10001 01010 00100",
    "W": "10001 10001 10001 10101 10101 10101 01010",
    "X": "10001 10001 01010 00100 01010 10001 10001",
    "Y": "10001 10001 10001 01010 00100 00100 00100",
    "Z": "11111 00001 00010 00100 01000 10000 11111",
    "a": "00000 00000 01110 00001 01111 10001 01111",
    "b": "10000 10000 10110 11001 10001 10001 11110",
    "c": "00000 00000 01110 10000 10000 10001 01110",
    "d": "00001 00001 01101 10011 10001 10001 01111",
    "e": "00000 00000 01110 10001 11111 10000 01110",
    "f": "00110 01001 01000 11100 01000 01000 01000",
    "g": "00000 01111 10001 10001 01111 00001 01110",
    "h": "10000 10000 10110 11001 10001 10001 10001",
    "i": "00100 00000 01100 00100 00100 00100 01110",
    "j": "00010 00000 00110 00010 00010 10010 01100",
    "k": "10000 10000 10010 10100 11000 10100 10010",
    "l": "01100 00100 00100 00100 00100 00100 01110",
    "m": "00000 00000 11010 10101 10101 10001 10001",
    "n": "00000 00000 10110 11001 10001 10001 10001",
    "o": "00000 00000 01110 10001 10001 10001 01110",
    "p": "00000 00000 11110 10001 11110 10000 10000",
    "q": "00000 00000 01101 10011 01111 00001 00001",
    "r": "00000 00000 10110 11001 10000 10000 10000",
    "s": "00000 00000 01110 10000 01110 00001 11110",
    "t": "01000 01000 11100 01000 01000 01001 00110",
    "u": "00000 00000 10001 10001 10001 10011 01101",
    "v": "00000 00000 10001 10001 10001 01010 00100",
    "w": "00000 00000 10001 10001 10101 10101 01010",
    "x": "00000 00000 10001 01010 00100 01010 10001",
    "y": "00000 00000 10001 10001 01111 00001 01110",
    "z": "00000 00000 11111 00010 00100 01000 11111",
    "0": "01110 10001 10011 10101 11001 10001 01110",
    "1": "00100 01100 00100 00100 00100 00100 01110",
    "2": "01110 10001 00001 00010 00100 01000 11111",
    "3": "11111 00010 00100 00010 00001 10001 01110",
    "4": "00010 00110 01010 10010 11111 00010 00010",
    "5": "11111 10000 11110 00001 00001 10001 01110",
    "6": "00110 01000 10000 11110 10001 10001 01110",
    "7": "11111 00001 00010 00100 01000 01000 01000",
    "8": "01110 10001 10001 01110 10001 10001 01110",
    "9": "01110 10001 10001 01111 00001 00010 01100",
    " ": "00000 00000 00000 00000 00000 00000 00000",
    "-": "00000 00000 00000 11111 00000 00000 00000",
    ":": "00000 01100 01100 00000 01100 01100 00000",
    ".": "00000 00000 00000 00000 00000 01100 01100",
    "/": "00000 00001 00010 00100 01000 10000 00000",
    "(": "00010 00100 01000 01000 01000 00100 00010",
    ")": "01000 00100 00010 00010 00010 00100 01000",
    ",": "00000 00000 00000 00000 01100 00100 01000",
    "%": "11000 11001 00010 00100 01000 10011 00011",
    ">": "01000 00100 00010 00001 00010 00100 01000",
    "<": "00010 00100 01000 10000 01000 00100 00010",
    "_": "00000 00000 00000 00000 00000 00000 11111",
    "+": "00000 00100 00100 11111 00100 00100 00000",
    "=": "00000 00000 11111 00000 11111 00000 00000",
}

Color = tuple[int, int, int]


def hex_color(value: str) -> Color:
    """'#rrggbb' -> (r, g, b)."""
    value = value.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


class Canvas:
    """An RGB raster with just the drawing operations the diagrams need."""

    def __init__(self, width: int, height: int, background: str = "#ffffff") -> None:
        self.width, self.height = width, height
        self.pixels = bytearray(bytes(hex_color(background)) * (width * height))

    def _put(self, x: int, y: int, color: Color) -> None:
        if 0 <= x < self.width and 0 <= y < self.height:
            i = (y * self.width + x) * 3
            self.pixels[i:i + 3] = bytes(color)

    def fill_rect(self, x: int, y: int, w: int, h: int, color: str) -> None:
        c = bytes(hex_color(color))
        x0, x1 = max(0, x), min(self.width, x + w)
        for yy in range(max(0, y), min(self.height, y + h)):
            i = (yy * self.width + x0) * 3
            self.pixels[i:i + (x1 - x0) * 3] = c * (x1 - x0)

    def rect(self, x: int, y: int, w: int, h: int, color: str, thickness: int = 1) -> None:
        self.fill_rect(x, y, w, thickness, color)
        self.fill_rect(x, y + h - thickness, w, thickness, color)
        self.fill_rect(x, y, thickness, h, color)
        self.fill_rect(x + w - thickness, y, thickness, h, color)

    def box(self, x: int, y: int, w: int, h: int, fill: str, border: str, label: str = "",
            scale: int = 2, text: str = "#102a43") -> None:
        """A filled, outlined box with a centred label."""
        self.fill_rect(x, y, w, h, fill)
        self.rect(x, y, w, h, border, 2)
        if label:
            tw, th = text_size(label, scale)
            self.text(x + (w - tw) // 2, y + (h - th) // 2, label, scale, text)

    def line(self, x0: int, y0: int, x1: int, y1: int, color: str, thickness: int = 2) -> None:
        c = hex_color(color)
        steps = max(abs(x1 - x0), abs(y1 - y0), 1)
        for s in range(steps + 1):
            x = round(x0 + (x1 - x0) * s / steps)
            y = round(y0 + (y1 - y0) * s / steps)
            for dx in range(thickness):
                for dy in range(thickness):
                    self._put(x + dx - thickness // 2, y + dy - thickness // 2, c)

    def arrow(self, x0: int, y0: int, x1: int, y1: int, color: str, both: bool = False) -> None:
        self.line(x0, y0, x1, y1, color)
        heads = [(x1, y1, x0, y0)] + ([(x0, y0, x1, y1)] if both else [])
        for hx, hy, fx, fy in heads:
            angle = math.atan2(hy - fy, hx - fx)
            for side in (-0.45, 0.45):
                self.line(hx, hy, round(hx - 12 * math.cos(angle + side)),
                          round(hy - 12 * math.sin(angle + side)), color)

    def dashed_rect(self, x: int, y: int, w: int, h: int, color: str) -> None:
        for xx in range(x, x + w, 12):
            self.fill_rect(xx, y, 6, 2, color)
            self.fill_rect(xx, y + h - 2, 6, 2, color)
        for yy in range(y, y + h, 12):
            self.fill_rect(x, yy, 2, 6, color)
            self.fill_rect(x + w - 2, yy, 2, 6, color)

    def sector(self, cx: int, cy: int, r: int, start: float, end: float, color: str) -> None:
        """Fill a pie slice; angles in degrees, clockwise from 12 o'clock."""
        c = hex_color(color)
        for y in range(cy - r, cy + r + 1):
            for x in range(cx - r, cx + r + 1):
                dx, dy = x - cx, y - cy
                if dx * dx + dy * dy > r * r:
                    continue
                a = math.degrees(math.atan2(dx, -dy)) % 360
                if start <= a < end:
                    self._put(x, y, c)

    def text(self, x: int, y: int, s: str, scale: int = 2, color: str = "#102a43") -> None:
        c = bytes(hex_color(color))
        for ch in s:
            rows = FONT_5X7.get(ch, FONT_5X7.get(ch.upper(), FONT_5X7[" "])).split()
            for ry, row in enumerate(rows):
                for rx, bit in enumerate(row):
                    if bit == "1":
                        self.fill_rect(x + rx * scale, y + ry * scale, scale, scale,
                                       "#%02x%02x%02x" % tuple(c))
            x += 6 * scale

    def png(self) -> bytes:
        raw = b"".join(b"\x00" + bytes(self.pixels[y * self.width * 3:(y + 1) * self.width * 3])
                       for y in range(self.height))

        def chunk(kind: bytes, data: bytes) -> bytes:
            return (struct.pack(">I", len(data)) + kind + data
                    + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def text_size(s: str, scale: int) -> tuple[int, int]:
    return len(s) * 6 * scale - scale, 7 * scale


def box_model_png() -> bytes:
    """CSS box model: margin, border, padding, content, and the two width readings."""
    c = Canvas(720, 480)
    c.text(24, 20, "CSS BOX MODEL", 3)
    c.fill_rect(40, 60, 640, 330, "#fde8cf")            # margin
    c.dashed_rect(40, 60, 640, 330, "#d9822b")
    c.text(52, 72, "MARGIN", 2, "#8a4b0f")
    c.fill_rect(100, 100, 520, 250, "#334e68")          # border
    c.text(112, 110, "BORDER", 2, "#ffffff")
    c.fill_rect(116, 126, 488, 208, "#c6f7e2")          # padding
    c.text(128, 136, "PADDING", 2, "#0c6b58")
    c.box(200, 170, 320, 120, "#bae3ff", "#2680c2", "CONTENT", 3)
    c.text(298, 262, "300 x 120", 2, "#0b4f8a")
    # widths: content-box counts the content only; border-box counts up to the border.
    c.arrow(200, 410, 520, 410, "#2680c2", both=True)
    c.text(175, 420, "width (box-sizing: content-box)", 2, "#0b4f8a")
    c.arrow(100, 448, 620, 448, "#334e68", both=True)
    c.text(181, 456, "width (box-sizing: border-box)", 2, "#334e68")
    return c.png()


def kubernetes_png() -> bytes:
    """Kubernetes cluster: control plane, worker nodes, kubectl."""
    c = Canvas(880, 520)
    c.text(24, 20, "KUBERNETES CLUSTER ARCHITECTURE", 3)
    c.box(40, 80, 150, 50, "#fff3c4", "#cb6e17", "kubectl", 2)
    c.fill_rect(30, 170, 370, 320, "#e3f8ff")
    c.rect(30, 170, 370, 320, "#2680c2", 2)
    c.text(44, 182, "CONTROL PLANE", 2, "#0b4f8a")
    c.box(55, 220, 320, 50, "#bae3ff", "#2680c2", "kube-apiserver", 2)
    c.box(55, 300, 100, 50, "#ffffff", "#2680c2", "etcd", 2)
    c.box(175, 300, 200, 50, "#ffffff", "#2680c2", "kube-scheduler", 2)
    c.box(55, 380, 320, 50, "#ffffff", "#2680c2", "kube-controller-manager", 2)
    c.arrow(115, 130, 150, 220, "#cb6e17")
    c.line(105, 270, 105, 300, "#2680c2")
    c.line(275, 270, 275, 300, "#2680c2")
    c.line(165, 270, 165, 380, "#2680c2")
    for i, top in enumerate((80, 300)):
        x = 470
        c.fill_rect(x, top, 390, 190, "#e3f9e5")
        c.rect(x, top, 390, 190, "#3ebd93", 2)
        c.text(x + 14, top + 12, f"WORKER NODE {i + 1}", 2, "#0c6b58")
        c.box(x + 20, top + 40, 160, 40, "#ffffff", "#3ebd93", "kubelet", 2)
        c.box(x + 200, top + 40, 170, 40, "#ffffff", "#3ebd93", "kube-proxy", 2)
        c.box(x + 20, top + 96, 350, 32, "#ffffff", "#3ebd93", "containerd (CRI)", 2)
        for p in range(3):
            c.box(x + 20 + p * 120, top + 140, 110, 36, "#c6f7e2", "#0c6b58", f"Pod {p + 1}", 2)
        c.arrow(375, 245, x + 20, top + 60, "#2680c2")
    return c.png()


def matplotlib_charts_png() -> bytes:
    """Four common chart types, as drawn by plt.plot, bar, pie and scatter."""
    c = Canvas(880, 600)
    c.text(24, 18, "MATPLOTLIB: COMMON CHART TYPES", 3)
    panels = [(30, 60, "LINE  plt.plot()"), (460, 60, "BAR  plt.bar()"),
              (30, 330, "PIE  plt.pie()"), (460, 330, "SCATTER  plt.scatter()")]
    for x, y, title in panels:
        c.rect(x, y, 400, 250, "#bcccdc", 1)
        c.text(x + 12, y + 10, title, 2)
    months = [32, 28, 35, 41, 38, 45, 52, 49, 44, 47, 58, 66]
    ox, oy = 70, 280                                     # line chart axes
    c.line(ox, 100, ox, oy, "#52606d")
    c.line(ox, oy, 410, oy, "#52606d")
    pts = [(ox + 10 + i * 29, oy - (v - 20) * 3) for i, v in enumerate(months)]
    for a, b in zip(pts, pts[1:]):
        c.line(*a, *b, "#2680c2", 3)
    for x, y in pts:
        c.fill_rect(x - 3, y - 3, 7, 7, "#0b4f8a")
    for i, (x, _) in enumerate(pts, 1):
        tw, _ = text_size(str(i), 1)
        c.text(x - tw // 2, oy + 8, str(i), 1, "#52606d")
    ox = 500                                             # bar chart
    c.line(ox, 100, ox, oy, "#52606d")
    c.line(ox, oy, 840, oy, "#52606d")
    for i, (name, v) in enumerate([("A", 120), ("B", 165), ("C", 90), ("D", 140), ("E", 60)]):
        c.fill_rect(ox + 20 + i * 64, oy - v, 40, v, "#3ebd93")
        c.text(ox + 34 + i * 64, oy + 8, name, 2, "#52606d")
    start = 0.0                                          # pie chart
    for share, color in [(40, "#2680c2"), (25, "#3ebd93"), (20, "#f0b429"), (15, "#e12d39")]:
        end = start + share * 3.6
        c.sector(160, 455, 95, start, end, color)
        start = end
    for i, (label, color) in enumerate([("40%", "#2680c2"), ("25%", "#3ebd93"),
                                        ("20%", "#f0b429"), ("15%", "#e12d39")]):
        c.fill_rect(300, 400 + i * 30, 16, 16, color)
        c.text(324, 402 + i * 30, label, 2)
    ox, oy = 500, 550                                    # scatter chart
    c.line(ox, 370, ox, oy, "#52606d")
    c.line(ox, oy, 840, oy, "#52606d")
    rng = random.Random(7)
    for _ in range(60):
        t = rng.uniform(0, 1)
        x = ox + 20 + int(t * 300)
        y = oy - 15 - int(t * 140 + rng.gauss(0, 14))
        c.fill_rect(x - 3, y - 3, 7, 7, "#9446ed")
    return c.png()


# ----------------------------------------------------------------------------- PDF

class PdfHandout:
    """A flowing A4 handout: Chinese text in STSong-Light, code in Courier."""

    WIDTH, HEIGHT, MARGIN = 595, 842, 56

    def __init__(self, title: str, subtitle: str) -> None:
        self.pages: list[list[str]] = []
        self._new_page()
        self.cjk(title, 20, self.MARGIN, bold_gap=28)
        self.cjk(subtitle, 10, self.MARGIN, color="0.32 0.38 0.43", bold_gap=22)
        self._ops().append(f"0.15 0.5 0.76 RG 1.5 w {self.MARGIN} {self.y + 10} m "
                           f"{self.WIDTH - self.MARGIN} {self.y + 10} l S")
        self.y -= 8

    def _new_page(self) -> None:
        self.pages.append([])
        self.y = self.HEIGHT - self.MARGIN

    def _ops(self) -> list[str]:
        return self.pages[-1]

    def _room(self, needed: float) -> None:
        if self.y - needed < self.MARGIN:
            self._new_page()

    def cjk(self, text: str, size: float, x: float, color: str = "0.06 0.16 0.26",
            bold_gap: float = 0) -> None:
        self._room(size + 4)
        self.y -= size
        hexed = text.encode("utf-16-be").hex().upper()
        self._ops().append(f"BT {color} rg /F1 {size} Tf {x} {self.y:.1f} Td <{hexed}> Tj ET")
        self.y -= (bold_gap - size) if bold_gap else size * 0.6

    def heading(self, text: str) -> None:
        self._room(40)
        self.y -= 10
        self._ops().append(f"0.94 0.97 1 rg {self.MARGIN} {self.y - 20:.1f} "
                           f"{self.WIDTH - 2 * self.MARGIN} 22 re f")
        self._ops().append(f"0.15 0.5 0.76 rg {self.MARGIN} {self.y - 20:.1f} 4 22 re f")
        self.y -= 3
        self.cjk(text, 13, self.MARGIN + 12, bold_gap=26)

    def row(self, code: str, meaning: str) -> None:
        """One table row: code on the left (Courier), explanation on the right."""
        if not code.isascii():
            raise ValueError(f"code column is Courier (ASCII only): {code!r}")
        self._room(18)
        self.y -= 11
        safe = code.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        hexed = meaning.encode("utf-16-be").hex().upper()
        self._ops().append(f"BT 0.05 0.3 0.55 rg /F2 9 Tf {self.MARGIN + 8} {self.y:.1f} Td ({safe}) Tj ET")
        self._ops().append(f"BT 0.12 0.16 0.2 rg /F1 10 Tf {self.MARGIN + 285} {self.y:.1f} Td <{hexed}> Tj ET")
        self._ops().append(f"0.85 0.89 0.93 RG 0.5 w {self.MARGIN} {self.y - 5:.1f} m "
                           f"{self.WIDTH - self.MARGIN} {self.y - 5:.1f} l S")
        self.y -= 7

    def note(self, text: str) -> None:
        self.cjk(text, 10, self.MARGIN + 8, color="0.32 0.38 0.43", bold_gap=16)

    def build(self) -> bytes:
        objects: list[bytes] = []

        def add(body: bytes) -> int:
            objects.append(body)
            return len(objects)

        catalog = add(b"")                   # filled in once the page tree exists
        pages_id = add(b"")
        descriptor = add(b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
                         b"/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 "
                         b"/Descent -120 /CapHeight 880 /StemV 93 >>")
        cid = add(b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
                  b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
                  b"/FontDescriptor " + f"{descriptor} 0 R".encode() + b" /DW 1000 /W [1 95 500] >>")
        song = add(b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light-UniGB-UCS2-H "
                   b"/Encoding /UniGB-UCS2-H /DescendantFonts [" + f"{cid} 0 R".encode() + b"] >>")
        courier = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>")
        kids = []
        total = len(self.pages)
        for number, ops in enumerate(self.pages, 1):
            footer = f"BT 0.5 0.55 0.6 rg /F2 8 Tf {self.WIDTH / 2 - 14} 30 Td ({number} / {total}) Tj ET"
            data = zlib.compress("\n".join(ops + [footer]).encode("ascii"), 9)
            stream = add(f"<< /Length {len(data)} /Filter /FlateDecode >>\nstream\n".encode()
                         + data + b"\nendstream")
            kids.append(add(
                f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 {self.WIDTH} {self.HEIGHT}] "
                f"/Resources << /Font << /F1 {song} 0 R /F2 {courier} 0 R >> >> "
                f"/Contents {stream} 0 R >>".encode()))
        objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode()
        objects[pages_id - 1] = (f"<< /Type /Pages /Count {len(kids)} /Kids ["
                                 + " ".join(f"{k} 0 R" for k in kids) + "] >>").encode()
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(objects, 1):
            offsets.append(len(out))
            out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
        xref = len(out)
        out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
        out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
        out += (f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R >>\n"
                f"startxref\n{xref}\n%%EOF\n").encode()
        return bytes(out)


def css_selectors_pdf() -> bytes:
    doc = PdfHandout("CSS 选择器速查", "Web前端开发（初级）  |  工作领域 1  |  对应技能要求 1.2.2")
    doc.heading("一、基础选择器")
    for code, meaning in [
        ("*", "通配选择器：所有元素"),
        ("p", "元素选择器：所有 p 元素"),
        (".nav", "类选择器：class 中包含 nav 的元素"),
        ("#header", "ID 选择器：id 为 header 的元素"),
        ('input[type="text"]', "属性选择器：type 为 text 的 input"),
    ]:
        doc.row(code, meaning)
    doc.heading("二、组合选择器")
    for code, meaning in [
        ("ul li", "后代选择器：ul 内任意层级的 li"),
        ("ul > li", "子选择器：ul 的直接子元素 li"),
        ("h2 + p", "相邻兄弟：紧跟在 h2 后的第一个 p"),
        ("h2 ~ p", "通用兄弟：h2 之后的所有同级 p"),
        ("h1, h2, h3", "选择器分组：同时选中多种元素"),
    ]:
        doc.row(code, meaning)
    doc.heading("三、伪类与伪元素")
    for code, meaning in [
        ("a:hover", "鼠标悬停时"),
        ("input:focus", "获得焦点时"),
        ("li:first-child", "父元素中的第一个子元素"),
        ("li:nth-child(2n)", "偶数项（隔行变色）"),
        (".clearfix::after", "在元素内容之后插入伪元素（清除浮动）"),
        ("p::first-line", "段落的第一行"),
    ]:
        doc.row(code, meaning)
    doc.heading("四、优先级（特指度）")
    doc.note("!important  >  行内样式  >  ID  >  类、属性、伪类  >  元素、伪元素  >  通配符")
    for code, meaning in [
        ("#nav .item a", "特指度 (1, 1, 1)：ID、类、元素各 1 个"),
        (".menu li.active", "特指度 (0, 2, 1)"),
        ("div p", "特指度 (0, 0, 2)"),
    ]:
        doc.row(code, meaning)
    doc.note("特指度相同时，后出现的规则覆盖先出现的规则。")
    doc.heading("五、继承")
    doc.note("会继承：color、font-family、font-size、line-height、text-align 等文字属性。")
    doc.note("不继承：width、height、margin、padding、border、background 等盒模型属性。")
    return doc.build()


def pandas_cleaning_pdf() -> bytes:
    doc = PdfHandout("Pandas 数据清洗速查",
                     "大数据应用开发（Python）初级  |  工作领域 3  |  对应技能要求 3.1.2、3.1.3")
    sections = [
        ("一、读取与查看", [
            ('pd.read_csv(p, encoding="utf-8-sig")', "读取 CSV（Excel 另存的文件带 BOM）"),
            ("df.head(10) / df.tail()", "查看前 10 行 / 后 5 行"),
            ("df.info()", "行数、列名、非空数量、类型"),
            ("df.describe()", "数值列的统计摘要"),
            ("df.shape / df.dtypes", "行列数 / 各列类型"),
        ]),
        ("二、缺失值", [
            ("df.isna().sum()", "每列缺失值个数"),
            ('df.dropna(subset=["date"])', "关键列缺失的行删除"),
            ("s.fillna(s.median())", "用中位数填充"),
            ("df.ffill()", "用前一个有效值填充"),
        ]),
        ("三、重复值", [
            ("df.duplicated().sum()", "完全重复的行数"),
            ('df.drop_duplicates(subset=["id"])', "按关键列去重，默认保留第一条"),
        ]),
        ("四、类型转换与字符串", [
            ('pd.to_datetime(s, errors="coerce")', "转换为日期，非法值变为 NaT"),
            ('pd.to_numeric(s, errors="coerce")', "转换为数值，非法值变为 NaN"),
            ('s.astype("Int64")', "可包含缺失值的整数类型"),
            ("s.str.strip()", "去掉首尾空白"),
            ("s.str.replace(a, b, regex=False)", "替换子串"),
        ]),
        ("五、异常值（IQR 法）", [
            ("q1, q3 = s.quantile([.25, .75])", "上下四分位数"),
            ("iqr = q3 - q1", "四分位距"),
            ("s.between(q1-1.5*iqr, q3+1.5*iqr)", "正常值范围内为 True"),
            ("s.clip(lower, upper)", "把超出范围的值截断到边界"),
        ]),
        ("六、保存结果", [
            ('df.to_csv(p, index=False, encoding="utf-8-sig")', "Excel 打开中文不乱码"),
            ("df.to_excel(p, index=False)", "保存为 xlsx（需要 openpyxl）"),
        ]),
    ]
    for heading, rows in sections:
        doc.heading(heading)
        for code, meaning in rows:
            doc.row(code, meaning)
    doc.note("提示：处理前先 df.copy() 备份原始数据；每一步处理后用 df.info() 检查结果。")
    return doc.build()


# ----------------------------------------------------------------------------- DOCX

_ZIP_DATE = (2024, 1, 1, 0, 0, 0)


def _paragraph(text: str, size: int = 21, bold: bool = False, center: bool = False,
               color: str = "") -> str:
    props = "".join([
        "<w:jc w:val=\"center\"/>" if center else "",
        "<w:spacing w:after=\"120\"/>",
    ])
    run = "".join([
        "<w:rFonts w:ascii=\"Calibri\" w:hAnsi=\"Calibri\" w:eastAsia=\"宋体\"/>",
        "<w:b/>" if bold else "",
        f"<w:color w:val=\"{color}\"/>" if color else "",
        f"<w:sz w:val=\"{size}\"/><w:szCs w:val=\"{size}\"/>",
    ])
    return (f"<w:p><w:pPr>{props}</w:pPr><w:r><w:rPr>{run}</w:rPr>"
            f"<w:t xml:space=\"preserve\">{escape(text)}</w:t></w:r></w:p>")


def _table(rows: list[tuple[str, str]]) -> str:
    border = "".join(f"<w:{side} w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"9FB3C8\"/>"
                     for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    cells = []
    for label, value in rows:
        cells.append(
            "<w:tr>"
            f"<w:tc><w:tcPr><w:tcW w:w=\"2200\" w:type=\"dxa\"/><w:shd w:val=\"clear\" w:fill=\"F0F4F8\"/></w:tcPr>"
            f"{_paragraph(label, bold=True)}</w:tc>"
            f"<w:tc><w:tcPr><w:tcW w:w=\"6800\" w:type=\"dxa\"/></w:tcPr>{_paragraph(value)}</w:tc>"
            "</w:tr>")
    return (f"<w:tbl><w:tblPr><w:tblW w:w=\"9000\" w:type=\"dxa\"/><w:tblBorders>{border}</w:tblBorders>"
            "</w:tblPr><w:tblGrid><w:gridCol w:w=\"2200\"/><w:gridCol w:w=\"6800\"/></w:tblGrid>"
            + "".join(cells) + "</w:tbl>")


def lab_report_docx() -> bytes:
    """A lab-report template (实训报告模板) as a minimal, valid WordprocessingML package."""
    body = [
        _paragraph("Web前端开发 实训报告", size=36, bold=True, center=True, color="102A43"),
        _paragraph("课程：Web前端开发基础（1+X 初级）    实训项目：响应式个人主页", size=20, center=True,
                   color="52606D"),
        _table([("班级", ""), ("姓名", ""), ("学号", ""), ("实训日期", ""),
                ("对应技能要求", "2.2.1 能使用 viewport 元数据和媒体查询制作适配多种屏幕尺寸的页面。")]),
        _paragraph("一、实训目标", size=26, bold=True, color="243B53"),
        _paragraph("1. 为页面设置视口元数据，使用“移动优先”方式编写媒体查询。"),
        _paragraph("2. 页面在 375px、768px、1200px 三种宽度下布局合理、文字清晰。"),
        _paragraph("二、实训步骤与截图", size=26, bold=True, color="243B53"),
        _paragraph("（按步骤记录关键代码，并粘贴三种屏幕宽度下的页面截图。）", color="829AB1"),
        _paragraph("三、遇到的问题与解决方法", size=26, bold=True, color="243B53"),
        _paragraph("（说明问题现象、排查过程，以及使用开发者工具定位问题的方法。）", color="829AB1"),
        _paragraph("四、实训心得", size=26, bold=True, color="243B53"),
        _paragraph("（不少于 100 字。）", color="829AB1"),
        _paragraph("五、教师评价", size=26, bold=True, color="243B53"),
        _table([("成绩", "□ 优秀  □ 良好  □ 及格  □ 不及格"), ("评语", ""), ("教师签名", "")]),
    ]
    document = (
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
        "<w:body>" + "".join(body) +
        "<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/>"
        "<w:pgMar w:top=\"1440\" w:right=\"1440\" w:bottom=\"1440\" w:left=\"1440\" "
        "w:header=\"720\" w:footer=\"720\" w:gutter=\"0\"/></w:sectPr>"
        "</w:body></w:document>")
    content_types = (
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
        "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
        "<Override PartName=\"/word/document.xml\" "
        "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
        "<Override PartName=\"/docProps/core.xml\" "
        "ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
        "</Types>")
    rels = (
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" "
        "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
        "Target=\"word/document.xml\"/>"
        "<Relationship Id=\"rId2\" "
        "Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" "
        "Target=\"docProps/core.xml\"/>"
        "</Relationships>")
    core = (
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
        "xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
        "<dc:title>Web前端开发 实训报告模板</dc:title><dc:language>zh-CN</dc:language>"
        "</cp:coreProperties>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in [("[Content_Types].xml", content_types), ("_rels/.rels", rels),
                           ("docProps/core.xml", core), ("word/document.xml", document)]:
            info = zipfile.ZipInfo(name, _ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8"))
    return buf.getvalue()


# ----------------------------------------------------------------------------- CSV

def sales_csv() -> bytes:
    """Store sales practice data with deliberate dirt: gaps, duplicates, outliers, bad types."""
    rng = random.Random(2023)
    stores = ["东湖店", "光谷店", "汉街店", "江滩店"]
    categories = {"饮料": 6.5, "零食": 12.0, "日用品": 25.0, "生鲜": 18.5}
    rows = []
    for n in range(1, 241):
        month = rng.randint(1, 12)
        day = rng.randint(1, 28)
        store = rng.choice(stores)
        category = rng.choice(list(categories))
        qty = rng.randint(5, 60) + (20 if month in (10, 11, 12) else 0)
        price = categories[category]
        rows.append({
            "订单号": f"SO2023{n:05d}", "日期": f"2023-{month:02d}-{day:02d}", "门店": store,
            "品类": category, "销量": str(qty), "单价": f"{price:.2f}",
            "销售额": f"{qty * price:.2f}", "备注": "",
        })
    for i in rng.sample(range(len(rows)), 14):           # missing sales amounts
        rows[i]["销售额"] = ""
    for i in rng.sample(range(len(rows)), 3):            # missing dates
        rows[i]["日期"] = ""
    for i in rng.sample(range(len(rows)), 6):            # inconsistent date format
        if rows[i]["日期"]:
            rows[i]["日期"] = rows[i]["日期"].replace("-", "/")
    for i in rng.sample(range(len(rows)), 5):            # stray spaces in store names
        rows[i]["门店"] = " " + rows[i]["门店"] + " "
    rows[17]["销量"] = "十二"                             # a value that is not a number
    rows[17]["备注"] = "手工录入"
    for i, amount in ((42, "98800.00"), (133, "-350.00")):  # outliers
        rows[i]["销售额"] = amount
        rows[i]["备注"] = "待核实"
    rows[91]["备注"] = "国庆促销"
    for i in (5, 60, 61, 150, 200):                     # duplicated records
        rows.insert(i + 1, dict(rows[i]))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


# ----------------------------------------------------------------------------- main

FILES = {
    "web-frontend-basic/files/CSS 盒模型示意图.png": box_model_png,
    "web-frontend-basic/files/CSS 选择器速查.pdf": css_selectors_pdf,
    "web-frontend-basic/files/实训报告模板.docx": lab_report_docx,
    "cloud-ops-intermediate/files/Kubernetes 架构图.png": kubernetes_png,
    "bigdata-python-basic/files/Pandas 数据清洗速查.pdf": pandas_cleaning_pdf,
    "bigdata-python-basic/files/Matplotlib 常用图表.png": matplotlib_charts_png,
    "bigdata-python-basic/files/门店销售数据 2023.csv": sales_csv,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report files that would change; write nothing")
    args = parser.parse_args(argv)
    stale = []
    for rel, make in FILES.items():
        path = PACKS / rel
        data = make()
        if args.check:
            if not path.exists() or path.read_bytes() != data:
                stale.append(rel)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"{len(data):>8}  {rel}")
    for rel in stale:
        print(f"stale: {rel}", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
