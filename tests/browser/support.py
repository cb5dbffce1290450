"""What the browser tests share: where screenshots go, and the accessibility check with axe."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
#: WCAG 2.0 and 2.1, levels A and AA: what Dutch government websites must meet.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page, name: str) -> list[dict]:
    """Run axe-core (from npm, served from disk) on the page; record and return violations."""
    if not AXE.exists():
        raise AssertionError(f"{AXE} ontbreekt: draai scripts/setup.sh (npm ci)")
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        # evaluated through the DevTools protocol, which the page's Content-Security-Policy
        # (no inline scripts) does not block, unlike an injected <script> tag
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    summary = {
        "page": name,
        "url": page.url,
        "violations": [
            {"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"]), "help": v["help"]}
            for v in result["violations"]
        ],
        "passes": len(result["passes"]),
        "incomplete": len(result["incomplete"]),
    }
    ARTIFACTS.mkdir(exist_ok=True)
    with (ARTIFACTS / "axe-results.jsonl").open("a", encoding="utf-8") as out:
        out.write(json.dumps(summary, ensure_ascii=False) + "\n")
    return result["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} {targets}")
    return "\n".join(lines)


PASSWORD = "browser-wachtwoord-42"


def totp_code(device) -> str:
    """The current code of ``device``, usable once more (as if half a minute later)."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def assert_accessible(page, name: str) -> None:
    """axe finds no WCAG A/AA violation on ``page``; a screenshot is kept either way."""
    violations = axe_violations(page, name)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
    assert not violations, f"{name}:\n{describe(violations)}"


def fits_the_width(page) -> bool:
    """No sideways scrolling of the page itself (tables may scroll inside their own box)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


WIDER_THAN_THE_PAGE = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const element of document.querySelectorAll("body *")) {
    const box = element.getBoundingClientRect();
    const wideChild = [...element.children].some(
      (child) => child.getBoundingClientRect().right > width + 1
    );
    if (box.right > width + 1 && !wideChild && !element.closest("[role=region]")) {
      out.push(`${element.tagName.toLowerCase()}.${element.className} ${Math.round(box.right)}`);
    }
  }
  return out.slice(0, 8);
}"""


def assert_accessible_at_both_widths(page, name: str) -> None:
    """axe at 1280 px, then at 320 px with the reflow check (WCAG 1.4.10: no sideways
    scrolling of the page; tables may scroll inside their own box), then back to 1280 px."""
    assert_accessible(page, name)
    page.set_viewport_size({"width": 320, "height": 800})
    wide = page.evaluate(WIDER_THAN_THE_PAGE)
    assert fits_the_width(page), f"{name}: de pagina schuift zijwaarts op 320 px: {wide}"
    assert_accessible(page, f"{name}-320px")
    page.set_viewport_size({"width": 1280, "height": 900})
