"""Run axe-core (vendored from the npm registry, see vendor/README.md) in a Playwright page."""

from pathlib import Path

AXE_JS = Path(__file__).with_name("vendor") / "axe.min.js"

# WCAG 2.0 and 2.1, levels A and AA: what GB/T 37668-2019 asks of government sites.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}

_RUN = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary, html: n.html.slice(0, 160)})),
  }));
}"""


def inject(page) -> None:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE_JS.read_text())


def violations(page) -> list[dict]:
    """axe's WCAG 2.1 A/AA violations on the page as it is now."""
    inject(page)
    return page.evaluate(_RUN, WCAG_TAGS)


def rules_checked(page) -> list[str]:
    inject(page)
    return page.evaluate("(tags) => axe.getRules(tags).map(r => r.ruleId)", WCAG_TAGS)


def failing(found: list[dict]) -> list[dict]:
    return [v for v in found if v["impact"] in FAILING_IMPACTS]


def describe(where: str, found: list[dict], limit: int = 3) -> str:
    lines = []
    for v in found:
        lines.append(f"{where}: {v['impact']} {v['id']} ({len(v['nodes'])}×) {v['help']}")
        for node in v["nodes"][:limit]:
            lines.append(f"    {node['target']}: {node['html']}")
    return "\n".join(lines)
