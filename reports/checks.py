"""`manage.py check` on the fonts the printed documents need. Without any Chinese face
installed, every PDF prints Chinese as boxes (tofu), so that is a warning on start-up, not
a surprise at the year's end. A face the branch named in settings.DOCUMENT_FONTS but did
not install falls back silently in the PDF: that is worth saying too."""

import shutil
import subprocess

from django.core import checks

from reports.yearend import fonts

FC_LIST = "fc-list"


def installed_cjk_families() -> set[str] | None:
    """The families of the installed faces that cover Chinese, or None when fontconfig's
    fc-list (which WeasyPrint's Pango relies on too) is not there to ask."""
    command = shutil.which(FC_LIST)
    if command is None:
        return None
    result = subprocess.run(
        [command, ":lang=zh", "family"], capture_output=True, text=True, timeout=20, check=False
    )
    families = set()
    for line in result.stdout.splitlines():
        families.update(name.strip() for name in line.split(",") if name.strip())
    return families


@checks.register()
def check_cjk_fonts(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    families = installed_cjk_families()
    if families is None:
        return [
            checks.Warning(
                "Cannot tell which Chinese fonts are installed: fontconfig's fc-list is missing.",
                hint="Install fontconfig and fonts-noto-cjk (scripts/system-packages.sh run).",
                id="reports.W001",
            )
        ]
    if not families:
        return [
            checks.Warning(
                "No Chinese font is installed: printed documents would show Chinese as boxes.",
                hint="Install fonts-noto-cjk (scripts/system-packages.sh run).",
                id="reports.W002",
            )
        ]
    messages = []
    for role in fonts.ROLES:
        name = fonts.configured(role)
        if name and name not in families:
            messages.append(
                checks.Warning(
                    f"DOCUMENT_FONTS names {name!r} for {role}, but no such Chinese font is "
                    "installed; the documents use the free faces instead.",
                    hint="Install the font on this server, or correct its name (fc-list :lang=zh).",
                    id="reports.W003",
                )
            )
    return messages
