"""Take docs/report.png, the README's picture of the review page of raw/.

    .venv/bin/python scripts/screenshot_report.py [report.html] [docs/report.png]

Opens the page in Debian's headless chromium (no browser download), unfolds the first OI
and one action so the picture shows fields beside their source cells, and keeps the top
of the page, 1200 px wide, in a 256-colour PNG small enough for the repository.
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

from pgt.pipeline import convert
from pgt.write.report import render_report

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOWN_ACTION = "a-petite_enfance-1-1-4"  # has a warning flagged in place
HEIGHT = 1750


def main() -> None:
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "docs" / "report.png"
    with tempfile.TemporaryDirectory() as folder:
        if len(sys.argv) > 1:
            page_path = Path(sys.argv[1]).resolve()
        else:
            page_path = Path(folder) / "report.html"
            page_path.write_text(render_report(convert([ROOT / "raw"]).plan), encoding="utf-8")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1200, "height": HEIGHT})
            page.goto(page_path.as_uri())
            page.evaluate(f"""() => {{
                const action = document.getElementById("{SHOWN_ACTION}");
                for (let node = action; node; node = node.parentElement) {{ if (node.tagName === "DETAILS") node.open = true; }}
            }}""")
            png = page.screenshot(clip={"x": 0, "y": 0, "width": 1200, "height": HEIGHT})
            browser.close()
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    target.parent.mkdir(parents=True, exist_ok=True)
    image.save(target, optimize=True)
    print(f"{target}: {target.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
