"""Copy the front-end packages the app serves from frontend/node_modules into static/vendor.

Run by scripts/setup.sh after ``npm ci``. Only what the pages load is copied, with each
package's licence; nothing is fetched at run time. The target folder is not committed.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "frontend" / "node_modules"
TARGET = ROOT / "src" / "openveiligheid" / "dashboard" / "static" / "vendor"

#: (package folder, file in the package, name under static/vendor)
FILES = [
    ("@utrecht/design-tokens", "dist/index.css", "utrecht/design-tokens.css"),
    ("@utrecht/design-tokens", "LICENSE.md", "utrecht/LICENSE-design-tokens.md"),
    ("@utrecht/component-library-css", "dist/index.css", "utrecht/component-library.css"),
    ("@utrecht/component-library-css", "LICENSE.md", "utrecht/LICENSE-component-library.md"),
    ("@fontsource-variable/noto-sans", "index.css", "noto-sans/index.css"),
    ("@fontsource-variable/noto-sans", "LICENSE", "noto-sans/LICENSE"),
]
FONT_PACKAGE = "@fontsource-variable/noto-sans"


def font_files(css: Path) -> list[str]:
    """The font files a fontsource stylesheet refers to (``url(./files/….woff2)``)."""
    return sorted(set(re.findall(r"url\(\./(files/[\w.-]+\.woff2)\)", css.read_text())))


def main() -> int:
    missing = [pkg for pkg, _, _ in FILES if not (MODULES / pkg).is_dir()]
    if missing:
        print(f"Ontbreekt in frontend/node_modules: {', '.join(missing)}; draai eerst npm ci.")
        return 1
    if TARGET.exists():
        shutil.rmtree(TARGET)
    copies = list(FILES)
    fonts = font_files(MODULES / FONT_PACKAGE / "index.css")
    copies += [(FONT_PACKAGE, name, f"noto-sans/{name}") for name in fonts]
    for package, name, target in copies:
        destination = TARGET / target
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(MODULES / package / name, destination)
    print(f"{len(copies)} bestanden naar {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
