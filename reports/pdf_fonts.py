"""Smaller PDFs: the CJK fonts embedded without the empty glyph slots WeasyPrint keeps.

WeasyPrint subsets each font with HarfBuzz keeping the glyphs' original numbers
(`RETAIN_GIDS`), since its text is written with them. A Noto CJK face numbers some 65,000
glyphs, so even a page of text embeds a CFF font with tens of thousands of empty slots
(the charset, the glyph index and their offsets): about 200 KB for each face, most of a
two-page minutes PDF's 420 KB.

Noto CJK's CFF fonts are CID-keyed, and in them a glyph's CID equals its original number.
A bare CFF font program (`FontFile3 /CIDFontType0C`, as TeX and Ghostscript embed CJK
fonts) finds each glyph by its CID through the charset, whatever its place in the font. So
the finisher subsets each CFF face again with HarfBuzz, this time packing the used glyphs
together (HarfBuzz keeps each glyph's CID in the charset), and embeds the CFF table alone:
the text keeps its codes, the widths their keys, and the pages render the same (the test
renders both with poppler and compares the pixels).

This reads WeasyPrint's own objects (`document.fonts`, the streams of `pdf.objects`) and its
HarfBuzz bindings: WeasyPrint is pinned, and whenever something is not as expected — no
HarfBuzz subsetter, a TrueType or non-CID font, a face used in forms, a subset that fails —
the font is left as WeasyPrint wrote it.
"""

import io
import logging

import pydyf
from fontTools.cffLib import CFFFontSet

# WeasyPrint's HarfBuzz bindings; its subsetter is None without Debian's libharfbuzz-subset0.
from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset

logger = logging.getLogger(__name__)


def _cff_table(hb_face, glyphs: list[int]) -> bytes | None:
    """The CFF table of `hb_face` subset to `glyphs` (sorted), packed, without hints and
    subroutines, as WeasyPrint's own subset has them; None if HarfBuzz cannot."""
    flags = (
        harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE | harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING
    )
    subset_input = ffi.gc(
        harfbuzz_subset.hb_subset_input_create_or_fail(),
        harfbuzz_subset.hb_subset_input_destroy,
    )
    if subset_input == ffi.NULL:
        return None
    glyph_set = harfbuzz_subset.hb_subset_input_glyph_set(subset_input)
    harfbuzz.hb_set_add_sorted_array(
        glyph_set, ffi.new(f"hb_codepoint_t[{len(glyphs)}]", glyphs), len(glyphs)
    )
    harfbuzz_subset.hb_subset_input_set_flags(subset_input, flags)
    face = harfbuzz_subset.hb_subset_or_fail(hb_face, subset_input)
    if face == ffi.NULL:
        return None
    face = ffi.gc(face, harfbuzz.hb_face_destroy)
    blob = ffi.gc(
        harfbuzz.hb_face_reference_table(face, harfbuzz.hb_tag_from_string(b"CFF ", -1)),
        harfbuzz.hb_blob_destroy,
    )
    length = ffi.new("unsigned int *")
    data = harfbuzz.hb_blob_get_data(blob, length)
    return ffi.unpack(data, length[0]) if length[0] else None


def is_cid_keyed(cff: bytes) -> bool:
    """Whether the CFF font program is CID-keyed (its Top DICT has ROS): only then does the
    charset map CIDs, and only then may the glyphs move."""
    try:
        fonts = CFFFontSet()
        fonts.decompile(io.BytesIO(cff), None)
        return "ROS" in fonts.topDictIndex[0].rawDict
    except Exception:
        return False


def compact_fonts(document, pdf) -> None:
    """A `write_pdf(finisher=…)`: each CID-keyed CFF face embedded as a packed bare CFF."""
    if harfbuzz_subset is None:
        return
    used: dict[int, tuple[object, set[int]]] = {}
    for font in getattr(document, "fonts", {}).values():
        content = getattr(font, "file_content", None)
        if content is None or getattr(font, "used_in_forms", False):
            continue
        entry = used.setdefault(id(content), (font, set()))
        entry[1].update(getattr(font, "widths", {}))
    for stream in pdf.objects:
        if not isinstance(stream, pydyf.Stream) or stream.extra.get("Subtype") != "/OpenType":
            continue
        if len(stream.stream) != 1 or id(stream.stream[0]) not in used:
            continue
        font, glyphs = used[id(stream.stream[0])]
        hb_face = getattr(font, "hb_face", None)
        if hb_face is None or not glyphs:
            continue
        try:
            cff = _cff_table(hb_face, sorted(glyphs | {0}))
        except Exception:  # a font HarfBuzz cannot subset stays as it was
            logger.warning("Could not compact font %s", getattr(font, "name", "?"), exc_info=True)
            continue
        if cff and is_cid_keyed(cff) and len(cff) < len(stream.stream[0]):
            stream.stream[:] = [cff]
            stream.extra["Subtype"] = "/CIDFontType0C"
