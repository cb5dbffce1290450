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
