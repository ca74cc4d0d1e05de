"""The installed app's icon (assets/icon.png, toolkit/offline.py): a 512-pixel square of the
brand's primary colour, as a PNG that a decoder written from the PNG specification reads, every
chunk's CRC checked and every pixel looked at."""

from __future__ import annotations

import datetime as dt
import struct
import zlib

import pytest

from toolkit.build import BuildOptions, build
from toolkit.offline import ICON_FILE, _png, _rgb


def decode(png: bytes) -> tuple[int, int, list[tuple[int, int, int]]]:
    """Width, height and every pixel's colour, for the PNGs an icon may be: 8-bit RGB, or a
    palette of 1, 2, 4 or 8 bits per pixel; unfiltered rows only (filter type 0)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    chunks: list[tuple[bytes, bytes]] = []
    at = 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at:at + 4])
        kind, data = png[at + 4:at + 8], png[at + 8:at + 8 + length]
        (crc,) = struct.unpack(">I", png[at + 8 + length:at + 12 + length])
        assert crc == zlib.crc32(kind + data) & 0xFFFFFFFF, f"bad CRC in {kind!r}"
        chunks.append((kind, data))
        at += 12 + length
    assert at == len(png)
    kinds = [k for k, _ in chunks]
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND"
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    assert (compression, filtering, interlace) == (0, 0, 0)
    raw = zlib.decompress(b"".join(d for k, d in chunks if k == b"IDAT"))
    palette = next((d for k, d in chunks if k == b"PLTE"), b"")
    if colour == 2:
        assert depth == 8
        stride = 3 * width
    else:
        assert colour == 3 and depth in (1, 2, 4, 8) and palette and len(palette) % 3 == 0
        assert kinds.index(b"PLTE") < kinds.index(b"IDAT")
        stride = (width * depth + 7) // 8
    assert len(raw) == height * (stride + 1)
    pixels = []
    for y in range(height):
        row = raw[y * (stride + 1):(y + 1) * (stride + 1)]
        assert row[0] == 0, "a filtered row"
        data = row[1:]
        for x in range(width):
            if colour == 2:
                pixels.append(tuple(data[3 * x:3 * x + 3]))
            else:
                bit = x * depth
                index = (data[bit // 8] >> (8 - depth - bit % 8)) & ((1 << depth) - 1)
                assert 3 * index + 3 <= len(palette), "an index past the palette"
                pixels.append(tuple(palette[3 * index:3 * index + 3]))
    return width, height, pixels  # type: ignore[return-value]


@pytest.mark.parametrize("rgb", [(11, 83, 148), (0, 0, 0), (255, 255, 255), (200, 16, 46)])
def test_the_icon_is_512_pixels_of_one_colour(rgb):
    width, height, pixels = decode(_png(512, rgb))
    assert (width, height) == (512, 512)
    assert set(pixels) == {rgb}


def test_the_decoder_sees_a_wrong_pixel():
    """The check above can fail: one pixel of another colour in an RGB image is found."""
    row = b"\0" + bytes((1, 2, 3)) * 4
    odd = b"\0" + bytes((1, 2, 3)) * 3 + bytes((9, 9, 9))
    ihdr = struct.pack(">IIBBBBB", 4, 2, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(row + odd)) + chunk(b"IEND", b"")
    assert set(decode(png)[2]) == {(1, 2, 3), (9, 9, 9)}


def test_the_built_site_has_the_brands_colour_as_its_icon(fixture_copy, tmp_path):
    course = fixture_copy("ok-minimal")
    out = tmp_path / "out"
    results, _ = build([course], BuildOptions(out=out, formats=(), today=dt.date(2026, 12, 1)))
    color = (results[0].course.brand.colors.get("primary") if results[0].course.brand else None) or "#0b5394"
    width, height, pixels = decode((results[0].site / ICON_FILE).read_bytes())
    assert (width, height) == (512, 512) and set(pixels) == {_rgb(color)}


@pytest.mark.browser
def test_chromium_draws_the_icon_in_the_brands_colour(browser, tmp_path):
    """What a phone shows: the icon as Chromium decodes it, every pixel read back from a canvas."""
    import base64

    page = browser.new_page()
    try:
        for rgb in ((11, 83, 148), (200, 16, 46)):
            src = "data:image/png;base64," + base64.b64encode(_png(512, rgb)).decode()
            seen = page.evaluate("""async (src) => {
                const image = new Image(); image.src = src; await image.decode();
                const canvas = document.createElement('canvas'); canvas.width = 512; canvas.height = 512;
                const context = canvas.getContext('2d'); context.drawImage(image, 0, 0);
                const data = context.getImageData(0, 0, 512, 512).data, colours = new Set();
                for (let i = 0; i < data.length; i += 4) colours.add([data[i], data[i + 1], data[i + 2], data[i + 3]].join());
                return [image.naturalWidth, image.naturalHeight, [...colours]];
            }""", src)
            assert seen == [512, 512, [",".join(map(str, (*rgb, 255)))]]
    finally:
        page.close()
