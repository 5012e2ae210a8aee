"""Every character of every translation has a glyph in the fonts the pages rely on."""
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from fontTools.ttLib import TTFont

NOTO = Path("/usr/share/fonts/truetype/noto")
# The font stacks in static/portal.css and the letter PDF fall back to these.
FONTS = ("NotoSans-Regular.ttf", "NotoNaskhArabic-Regular.ttf", "NotoSansArabic-Regular.ttf",
         "NotoSansEthiopic-Regular.ttf")
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
# Invisible formatting characters need no glyph.
IGNORED = {"\n", "\t", "\u200c", "\u200d", "\u200e", "\u200f", "\u00a0", "\u202f"}


@pytest.fixture(scope="module")
def covered() -> set[int]:
    missing = [f for f in FONTS if not (NOTO / f).exists()]
    assert not missing, f"install fonts-noto-core (missing {missing})"
    codepoints: set[int] = set()
    for name in FONTS:
        codepoints |= set(TTFont(NOTO / name).getBestCmap())
    return codepoints


@pytest.mark.parametrize("path", sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")),
                         ids=lambda p: p.parts[-3])
def test_the_fonts_cover_every_character_of_the_translation(path, covered):
    with path.open("rb") as f:
        catalog = read_po(f)
    text = "".join(s for m in catalog if m.id
                   for s in (m.string if isinstance(m.string, tuple) else (m.string,)))
    uncovered = sorted({ch for ch in text if ch not in IGNORED and ord(ch) not in covered})
    assert uncovered == [], [f"U+{ord(c):04X} {c}" for c in uncovered]
