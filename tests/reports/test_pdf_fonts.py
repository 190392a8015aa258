"""The CJK faces embedded packed (reports.pdf_fonts): the same HTML printed with and
without packing reads the same (pdftotext), renders the same pixels (pdftoppm), embeds the
same faces, and weighs less than half. Printed once each."""

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.ttLib import TTFont

from reports.pdf import html_to_pdf
from reports.pdf_fonts import is_cid_keyed

# Both Noto faces, regular and bold, Latin letters and digits among the Chinese, a
# character that is rare in school documents, and 楷体 (a TrueType face, left as it is).
HTML = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>
body { font-family: "Noto Serif CJK SC", serif; font-size: 16pt; }
h1 { font-family: "Noto Sans CJK SC", sans-serif; font-weight: bold; }
.kai { font-family: "AR PL KaitiM GB", "AR PL UKai CN", "Noto Serif CJK SC", serif; }
</style></head><body>
<h1>一支部2026年工作总结</h1>
<p>全年召开党员大会4次、支委会12次，党员平均出勤率96.5%。<b>优秀党员：沈卫东。</b></p>
<p class="kai">（一）加强理论学习，筑牢思想根基</p>
<p>龘 ABC abc 0123456789 “三会一课”《党章》——</p>
</body></html>"""


@dataclass(frozen=True)
class Printed:
    size: int
    text: str
    fonts: list[list[str]]
    pages: list[bytes]  # PNGs


def printed(content: bytes, folder: Path, name: str) -> Printed:
    path = folder / f"{name}.pdf"
    path.write_bytes(content)

    def run(*args: str) -> str:
        return subprocess.run(args, capture_output=True, check=True, text=True).stdout

    subprocess.run(
        ["/usr/bin/pdftoppm", "-r", "110", "-png", str(path), str(folder / name)], check=True
    )
    return Printed(
        size=len(content),
        text=run("/usr/bin/pdftotext", str(path), "-"),
        fonts=[row.split() for row in run("/usr/bin/pdffonts", str(path)).splitlines()[2:]],
        pages=[png.read_bytes() for png in sorted(folder.glob(f"{name}-*.png"))],
    )


@pytest.fixture(scope="module")
def both(tmp_path_factory) -> tuple[Printed, Printed]:
    folder = tmp_path_factory.mktemp("fonts")
    return (
        printed(html_to_pdf(HTML, compact=False), folder, "plain"),
        printed(html_to_pdf(HTML), folder, "packed"),
    )


def test_packed_faces_read_and_render_the_same(both):
    plain, packed = both
    assert "一支部2026年工作总结" in packed.text and "龘" in packed.text
    assert packed.text == plain.text
    assert len(packed.pages) == len(plain.pages) == 1
    assert packed.pages == plain.pages  # every pixel


def test_the_same_faces_are_embedded_and_the_cff_ones_are_bare_cff(both):
    plain, packed = both

    def names(fonts):  # without the subset tag: ABCDEF+Noto-Serif-CJK-SC
        return sorted(row[0].split("+", 1)[-1] for row in fonts)

    assert names(packed.fonts) == names(plain.fonts)
    assert len(packed.fonts) >= 3  # serif, sans bold, 楷
    for row in packed.fonts:
        assert row[-5:-2] == ["yes", "yes", "yes"], row  # embedded, subset, Unicode map
        if "Noto" in row[0]:
            assert row[1:4] == ["CID", "Type", "0C"] and row[4] == "Identity-H", row
    # WeasyPrint's own: the whole OpenType wrapper.
    wrapped = [row[4] for row in plain.fonts if "Noto" in row[0]]
    assert wrapped == ["(OT)"] * len(wrapped) and wrapped


def test_the_pdf_weighs_less_than_half(both):
    plain, packed = both
    assert packed.size < plain.size / 2


def test_only_cid_keyed_cff_fonts_may_have_their_glyphs_moved(tmp_path):
    """A CID-keyed face (Noto) finds glyphs by CID; a name-keyed one would not, so it is
    never packed."""
    noto = TTFont("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", fontNumber=0)
    assert is_cid_keyed(noto.reader["CFF "])

    builder = FontBuilder(1000, isTTF=False)
    builder.setupGlyphOrder([".notdef", "A"])
    builder.setupCharacterMap({ord("A"): "A"})
    pen = T2CharStringPen(500, None)
    pen.moveTo((0, 0))
    pen.lineTo((500, 700))
    pen.lineTo((500, 0))
    pen.closePath()
    glyph = pen.getCharString()
    builder.setupCFF("Latin", {"FullName": "Latin"}, {".notdef": glyph, "A": glyph}, {})
    path = tmp_path / "latin.otf"
    builder.setupHorizontalMetrics({".notdef": (500, 0), "A": (500, 0)})
    builder.setupHorizontalHeader()
    builder.setupNameTable({"familyName": "Latin", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    builder.save(path)
    assert not is_cid_keyed(TTFont(path).reader["CFF "])
    assert not is_cid_keyed(b"not a font")
