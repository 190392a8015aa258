"""The faces of the year-end documents after GB/T 9704-2012, and where they come from.

Four roles: the body in 仿宋 (`body`), the title in 小标宋 (`title`), level-1 headings 一、 in
黑体 (`heading`) and level-2 headings （一） in 楷体 (`kai`). None of the licensed faces ships
with Debian. A branch that has installed its own names them in settings::

    DOCUMENT_FONTS = {"body": "方正仿宋_GBK", "title": "方正小标宋简体"}

and every stack tries that face first, then the names the faces have on Windows and macOS
(a school machine often has them), then the free faces this server has: Noto Serif / Sans
CJK SC (Debian's fonts-noto-cjk) and, for 楷体, AR PL KaitiM GB (fonts-arphic-gkai00mp), the
closest free 楷 face. The PDF (WeasyPrint) takes the first installed face of the stack; the
Word file names one face per role, the one its reader most likely has.
"""

from django.conf import settings

ROLES = ("body", "title", "heading", "kai")

# The faces' usual names on the machines that open our files, most official first.
LICENSED = {
    "body": ("仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "STFangsong"),
    "title": ("方正小标宋简体", "FZXiaoBiaoSong-B05S", "小标宋"),
    "heading": ("黑体", "SimHei", "Heiti SC"),
    "kai": ("楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "STKaiti"),
}
# What this server prints with when none of the above is installed.
FREE = {
    "body": ("Noto Serif CJK SC",),
    "title": ("Noto Serif CJK SC",),
    "heading": ("Noto Sans CJK SC",),
    "kai": ("AR PL KaitiM GB", "Noto Serif CJK SC"),
}
GENERIC = {"body": "serif", "title": "serif", "heading": "sans-serif", "kai": "serif"}
# The faces the Word file names: what a Windows Word at the upper committee has.
WORD = {"body": "仿宋", "title": "方正小标宋简体", "heading": "黑体", "kai": "楷体"}


def configured(role: str) -> str:
    """The face the branch named for `role` in settings.DOCUMENT_FONTS, or ""."""
    return str((getattr(settings, "DOCUMENT_FONTS", None) or {}).get(role, "")).strip()


def font_stack(role: str) -> tuple[str, ...]:
    """The faces tried for `role`, in order, without duplicates."""
    names = [configured(role), *LICENSED[role], *FREE[role]]
    return tuple(dict.fromkeys(name for name in names if name))


def css_font_family(role: str) -> str:
    """`role`'s stack as a CSS font-family value, ending with the generic family."""
    quoted = ", ".join(
        '"{}"'.format(name.replace("\\", "").replace('"', "").replace("<", ""))
        for name in font_stack(role)
    )
    return f"{quoted}, {GENERIC[role]}"


def word_font(role: str) -> str:
    """The face the Word file names for `role`: the branch's own if it named one."""
    return configured(role) or WORD[role]
