"""Screenshots of the real frontend for the README, taken in headless Chromium (``scripts/screenshots``).

Runs the demo stack (Home Assistant with its UI and a simulated terminal, in ``.screenshots/`` on
free ports), makes a few captures, enrols one stranger from their capture, then drives Debian's
Chromium through Playwright and writes PNGs under ``docs/images/``. Every page is checked before
its picture is taken; the script fails when a page shows an untranslated key of this integration
(``component.facecapture...``), when a picture on it does not load, when one of the terminal's
entities is ``unavailable``, or when the frontend logged an error in the browser's console (a text
with a placeholder no form supplies, ``MISSING_VALUE``, is one).
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
import re
import sys
import time
from typing import Any

import aiohttp
from playwright.async_api import (
    Browser,
    Error as PlaywrightError,
    Locator,
    Page,
    async_playwright,
)
from yarl import URL

sys.path.insert(0, str(Path(__file__).resolve().parent))
import demo_dashboard
from hass_harness import (
    DOMAIN,
    EVENT_FACE,
    ROOT,
    FaceCaptureStack,
    HarnessError,
)

CHROMIUM = "/usr/bin/chromium"
# No network but the loopback here: Chromium must not try to reach Google's services.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 860}
OUT = ROOT / "docs" / "images"
WORK_DIR = ROOT / ".screenshots"
USER = "demo"

# Everything visible on a page, shadow roots included: text, <img> and CSS background pictures.
_PAGE_CONTENT_JS = """
() => {
  const texts = [], pictures = [];
  const walk = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeType === Node.TEXT_NODE) { texts.push(node.nodeValue); continue; }
      if (node.shadowRoot) walk(node.shadowRoot);
      const box = node.getBoundingClientRect();
      const visible = box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight;
      if (node.tagName === "IMG" && node.getAttribute("src") && visible) {
        pictures.push({url: node.currentSrc || node.src, img: true,
                       loaded: node.complete && node.naturalWidth > 0, done: node.complete});
      }
      const background = getComputedStyle(node).backgroundImage;
      const match = background && background.match(/url\\(["']?([^"')]+)["']?\\)/);
      if (match && visible && !match[1].startsWith("data:")) {
        pictures.push({url: new URL(match[1], location.href).href, img: false});
      }
    }
  };
  walk(document);
  return {text: texts.join(" "), pictures};
}
"""

_FETCH_JS = """
async (url) => {
  try {
    const response = await fetch(url, {credentials: "same-origin"});
    const type = response.headers.get("content-type") || "";
    return response.ok && type.startsWith("image/") ? "" : `${response.status} ${type}`;
  } catch (err) { return String(err); }
}
"""


# Click the last element matching a selector anywhere, shadow roots included.
_DEEP_CLICK_JS = """
(selector) => {
  const found = [];
  const walk = (root) => {
    found.push(...root.querySelectorAll(selector));
    for (const el of root.querySelectorAll("*")) if (el.shadowRoot) walk(el.shadowRoot);
  };
  walk(document);
  if (!found.length) throw new Error(`nothing matches ${selector}`);
  found[found.length - 1].click();
}
"""


class ScreenshotError(RuntimeError):
    """A page is not fit to be shown."""


class ConsoleErrors:
    """The errors the frontend logs in the browser's console, page by page.

    Brand icons of other integrations are left out: this machine has no network but the
    loopback, and the frontend gets them from the internet, directly or (2026.11) through Home
    Assistant's ``/api/brands/`` proxy, so they fail here and nowhere else. This integration's own
    icon comes from its ``brand/`` folder and must load.
    """

    def __init__(self, page: Page) -> None:
        """Listen to ``page``'s console and to errors nothing in it caught."""
        self._base = URL(page.url) if page.url.startswith("http") else None
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))

    def _console(self, message: Any) -> None:
        if message.type != "error":
            return
        location = message.location.get("url", "") if message.location else ""
        if message.text.startswith("Failed to load resource") and (
            (location and not location.startswith(("http://127.0.0.1", "http://localhost")))
            or _foreign_brand(location)
        ):
            return
        self.errors.append(f"{message.text} ({location})" if location else message.text)

    def take(self) -> list[str]:
        """The errors since the last call."""
        errors, self.errors = self.errors, []
        return errors


async def _tokens(base_url: str, username: str, password: str) -> dict[str, Any]:
    """Access and refresh token through the login flow, as the frontend gets them."""
    client_id = f"{base_url}/"
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{base_url}/auth/login_flow",
            json={
                "client_id": client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": client_id,
            },
        ) as reply:
            flow = await reply.json()
        async with session.post(
            f"{base_url}/auth/login_flow/{flow['flow_id']}",
            json={"username": username, "password": password, "client_id": client_id},
        ) as reply:
            step = await reply.json()
        async with session.post(
            f"{base_url}/auth/token",
            data={
                "grant_type": "authorization_code",
                "code": step["result"],
                "client_id": client_id,
            },
        ) as reply:
            tokens: dict[str, Any] = await reply.json()
    return {
        **tokens,
        "hassUrl": base_url,
        "clientId": client_id,
        "expires": int(time.time() * 1000) + tokens["expires_in"] * 1000,
    }


async def _capture(stack: FaceCaptureStack, capture: dict[str, Any]) -> None:
    """One capture, once Home Assistant has fired its event."""
    async with stack.client.websocket() as ws:
        await ws.subscribe_events(EVENT_FACE)
        await stack.simulator.capture(**capture)
        await ws.wait_for_event(
            lambda _event: True, timeout=20, what=f"the capture {capture}", explain=stack.logs
        )


async def _make_captures(stack: FaceCaptureStack) -> None:
    """A morning at the door: two regulars, a refusal, a stranger who gets enrolled, a return."""
    device_id = next(e["device_id"] for e in stack.entities if e.get("device_id"))
    async with stack.client.websocket() as ws:
        await ws.subscribe_events(EVENT_FACE)
        for capture in (
            {"kind": "recognized", "person_id": "demo-1"},
            {"kind": "recognized", "person_id": "demo-2", "temperature": 36.4},
            {"kind": "denied", "person_id": "demo-3", "reason": -4},
            {"kind": "stranger"},
        ):
            await stack.simulator.capture(**capture)
            await ws.wait_for_event(
                lambda _event: True, timeout=20, what=f"the capture {capture}", explain=stack.logs
            )
        await stack.client.request(
            "POST",
            f"/api/services/{DOMAIN}/enroll_person",
            {"device_id": device_id, "id": "visitor-1", "name": "Dana", "last_capture": True},
        )
        await stack.simulator.capture(kind="recognized", person_id="visitor-1", score=94)
        await ws.wait_for_event(
            lambda _event: True, timeout=20, what="Dana's capture", explain=stack.logs
        )


async def _let_home_assistant_decide(stack: FaceCaptureStack) -> None:
    """The options set to "Home Assistant decides", through the flow the options dialog runs."""
    entry_id = stack.entry["entry_id"]
    flow = await stack.client.request(
        "POST", "/api/config/config_entries/options/flow", {"handler": entry_id}
    )
    step = await stack.client.request(
        "POST",
        f"/api/config/config_entries/options/flow/{flow['flow_id']}",
        {"access_decider": "home_assistant"},
    )
    done = await stack.client.request(
        "POST", f"/api/config/config_entries/options/flow/{step['flow_id']}", {}
    )
    if done.get("type") != "create_entry":
        raise ScreenshotError(f"the options did not take: {done}")


async def _check_entities(stack: FaceCaptureStack) -> None:
    entity_ids = {entity["entity_id"] for entity in stack.entities}
    unavailable = [
        state["entity_id"]
        for state in await stack.client.states()
        if state["entity_id"] in entity_ids and state["state"] == "unavailable"
    ]
    if unavailable:
        raise ScreenshotError(f"entities unavailable: {', '.join(sorted(unavailable))}")


async def _check_page(page: Page, name: str) -> None:
    """Fail on an untranslated key or a picture that does not load."""
    deadline = time.monotonic() + 15
    while True:
        content = await page.evaluate(_PAGE_CONTENT_JS)
        pending = [p for p in content["pictures"] if p["img"] and not p["done"]]
        if not pending or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.5)
    if f"component.{DOMAIN}" in content["text"]:
        start = content["text"].index(f"component.{DOMAIN}")
        raise ScreenshotError(f"{name}: untranslated key {content['text'][start : start + 120]!r}")
    # Only Home Assistant's own pictures: other integrations' brand icons come from the internet
    # (2026.11: through Home Assistant's /api/brands/ proxy), which is not here.
    own = [
        p
        for p in content["pictures"]
        if _same_origin(p["url"], page.url) and not _foreign_brand(p["url"])
    ]
    broken = [p["url"] for p in own if p["img"] and not p["loaded"]]
    for picture in own:
        if (problem := await page.evaluate(_FETCH_JS, picture["url"])) and picture[
            "url"
        ] not in broken:
            broken.append(f"{picture['url']} ({problem})")
    if broken:
        raise ScreenshotError(f"{name}: pictures that do not load: {broken}")


def _foreign_brand(url: str) -> bool:
    """Another integration's brand icon, which Home Assistant's proxy fetches from the internet."""
    try:
        path = URL(url).path
    except ValueError:
        return False
    return path.startswith("/api/brands/") and f"/{DOMAIN}/" not in path


def _same_origin(url: str, page_url: str) -> bool:
    try:
        return URL(url).origin() == URL(page_url).origin()
    except ValueError:  # blob:, data:, about: have no origin of their own
        return False


async def _settle(page: Page, seconds: float = 1.5) -> None:
    """Let the frontend finish its lazy loading and animations."""
    await page.wait_for_load_state("networkidle")
    await asyncio.sleep(seconds)


async def _shoot(page: Page, stack: FaceCaptureStack, name: str, console: ConsoleErrors) -> Path:
    await _settle(page)
    await _check_page(page, name)
    await _check_entities(stack)
    if errors := console.take():
        raise ScreenshotError(f"{name}: the frontend logged errors: {errors}")
    path = OUT / f"{name}.png"
    await page.screenshot(path=str(path))
    print(f"screenshots: wrote {path.relative_to(ROOT)}", flush=True)
    return path


def _visible_text(page: Page, text: str | re.Pattern[str]) -> Locator:
    """The first visible element with this text (cards repeat their title in a hidden tooltip)."""
    return page.get_by_text(text, exact=isinstance(text, str)).filter(visible=True).first


async def _more_info(page: Page, entity_id: str) -> None:
    await page.evaluate(
        """(entityId) => document.querySelector("home-assistant").dispatchEvent(
            new CustomEvent("hass-more-info", {detail: {entityId}, bubbles: true, composed: true}))""",
        entity_id,
    )


async def _pages(browser: Browser, stack: FaceCaptureStack) -> list[Path]:
    tokens = await _tokens(stack.base_url, stack.username, stack.password)
    context = await browser.new_context(viewport=VIEWPORT, locale="en-GB")
    # Logged in as the frontend keeps it, and the actions tool opened on one of ours.
    action = {"action": f"{DOMAIN}.enroll_person", "data": {"name": "Dana", "last_capture": True}}
    await context.add_init_script(
        f"localStorage.setItem('hassTokens', {json.dumps(json.dumps(tokens))});"
        f"localStorage.setItem('panel-dev-action-state-service-data', "
        f"{json.dumps(json.dumps(action))});"
    )
    page = await context.new_page()
    console = ConsoleErrors(page)
    base = stack.base_url
    title = stack.entry["title"]
    device_id = next(e["device_id"] for e in stack.entities if e.get("device_id"))
    shots: list[Path] = []

    async def shoot(name: str) -> None:
        shots.append(await _shoot(page, stack, name, console))

    try:
        # The first page after logging in: the door (scripts/demo_dashboard.py).
        await page.goto(f"{base}/")
        await _visible_text(page, "Last capture").wait_for()
        shots.append(await _shoot(page, stack, "dashboard", console))

        await page.goto(f"{base}/config/devices/device/{device_id}")
        await page.get_by_text(title).first.wait_for()
        await shoot("device")

        # The activity of the terminal, as Activity > Add target > the device asks for it.
        await page.goto(f"{base}/logbook?device_id={device_id}")
        await page.get_by_text("turned a stranger away").first.wait_for()
        await shoot("activity-terminal")

        await page.goto(f"{base}/media-browser/browser")
        await _visible_text(page, "Face Capture").click()
        await _visible_text(page, title).click()
        await _visible_text(page, re.compile(r"\(\d+\)")).click()  # the newest day: "… (5)"
        await _visible_text(page, re.compile(r"\d\d:\d\d:\d\d Dana")).wait_for()
        await shoot("media-browser")
        await _visible_text(page, re.compile(r"\d\d:\d\d:\d\d Stranger")).click()
        await _visible_text(page, "Panorama").wait_for()
        await shoot("media-capture")
        await page.goto(f"{base}/media-browser/browser")
        await _visible_text(page, "Face Capture").click()
        await _visible_text(page, title).click()
        await _visible_text(page, "Registered persons").click()
        await _visible_text(page, "Dana").wait_for()
        await shoot("media-persons")

        await page.goto(f"{base}/logbook")
        await page.get_by_text("turned a stranger away").first.wait_for()
        await shoot("logbook")

        # Every page of the options (Home Assistant decides access, chosen before the captures).
        await page.goto(f"{base}/config/integrations/integration/{DOMAIN}")
        await page.get_by_role("button", name="Configure").first.click()
        await _visible_text(page, "Pushes, captures and voice").wait_for()
        await shoot("options")
        await page.get_by_role("button", name="Submit").click()
        await _visible_text(page, "Home Assistant decides access").wait_for()
        await shoot("options-access")
        await page.keyboard.press("Escape")

        await page.goto(f"{base}/config/integrations/dashboard/add?domain={DOMAIN}")
        await page.get_by_role("button", name="OK").click()  # "Do you want to set up ...?"
        await _visible_text(page, "Add a face terminal").wait_for()
        await shoot("setup-form")

        await page.goto(f"{base}/developer-tools/action")
        await _visible_text(page, "Enroll person").wait_for()
        await shoot("action-form")

        # The Face event entity starts disabled (each of its events would be a logbook row of
        # its own): enabled as a user would, after the other pictures, then one more capture.
        # Shown over the dashboard: the reload that enabling needs leaves rows of its own in the
        # device page's activity.
        face = stack.entity_id("event", "face")
        await stack.enable_entities(face)
        await _capture(stack, {"kind": "recognized", "person_id": "visitor-1", "score": 96})
        await page.goto(f"{base}/")
        await _visible_text(page, "Last capture").wait_for()
        await _more_info(page, face)
        await _settle(page)
        # The attributes are behind the dialog's menu (2026.11: its "Details").
        await page.evaluate(_DEEP_CLICK_JS, "ha-dropdown [slot=trigger]")
        await asyncio.sleep(0.5)
        await _visible_text(page, "Details").click()
        await page.get_by_text("Captured at").first.wait_for()
        await shoot("face-event")
    except PlaywrightError as err:
        failure = WORK_DIR / "failure.png"
        await page.screenshot(path=str(failure))
        raise ScreenshotError(f"{err.message.splitlines()[0]} (the page: {failure})") from err
    await context.close()
    return shots


async def run(args: argparse.Namespace) -> int:
    """Start the stack, make captures, take and check the screenshots."""
    OUT.mkdir(parents=True, exist_ok=True)
    stack = FaceCaptureStack(
        args.dir,
        frontend=True,
        username=USER,
        password=USER,
        persons=4,
        log_level="warning",
        name="Face capture demo",
    )
    try:
        async with stack:
            await demo_dashboard.install(stack, str(stack.entry["title"]))
            # Before the captures: choosing it reloads the entry, whose rows then come first.
            await _let_home_assistant_decide(stack)
            await _make_captures(stack)
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(
                    executable_path=args.chromium, args=CHROMIUM_FLAGS
                )
                try:
                    await _pages(browser, stack)
                finally:
                    await browser.close()
    except (HarnessError, ScreenshotError) as err:
        print(f"screenshots: FAILED: {err}", file=sys.stderr)
        return 1
    print("screenshots: all pages checked and written", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``scripts/screenshots``."""
    parser = argparse.ArgumentParser(prog="scripts/screenshots", description=__doc__)
    parser.add_argument("--dir", type=Path, default=WORK_DIR, help="config directory")
    parser.add_argument("--chromium", default=CHROMIUM, help="the Chromium binary")
    return asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
