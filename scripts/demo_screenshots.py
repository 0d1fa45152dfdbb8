"""Screenshots of the demo county for the README: `mujun serve` must be running.

    uv run python scripts/demo_screenshots.py [--base http://127.0.0.1:8000]

Writes docs/screenshots/demo-*.png; nothing else writes docs/ (the browser tests keep their
screenshots in a temporary folder).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
#: (account, page, file name, viewport width): what the README shows
SHOTS = (
    ("leader", "/cockpit", "demo-cockpit", 1440),
    ("leader", "/cockpit", "demo-cockpit-phone", 390),
    ("enterprise", "/", "demo-portrait", 1440),
    ("admin", "/enterprises", "demo-enterprises", 1440),
    ("admin", "/policies", "demo-policies", 1440),
    ("admin", "/users", "demo-users", 1440),
    ("leader", "/cockpit?lang=en", "demo-cockpit-en", 1440),
)
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--password", default="mujun-demo-2025")
    args = parser.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for user, page_path, name, width in SHOTS:
            height = 900 if width > 600 else 844
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(args.base + "/login")
            page.fill("input[name=username]", user)
            page.fill("input[name=password]", args.password)
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
            page.goto(args.base + page_path)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(1500)  # charts finish drawing
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
            print(f"wrote {OUT / f'{name}.png'}")
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
