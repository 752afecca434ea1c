#!/usr/bin/env python3
"""End-to-end browser check of the incident (报障) flow, as new users would use it.

enduser reports a fault on a phone → agent dispatches → engineer starts and resolves →
agent records the callback (closes) → timeline and privacy checks → agent switches to
English. Also: bad uploads (> 10 MB, .html) and a stale-page conflict.

Selectors use URLs, form actions and field names, never translated labels, so the
script works whatever the state of the Chinese catalogue. Every step prints a line
and saves a full-page screenshot; the exit code is non-zero if any check failed.

See e2e/README.md for how to run it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import struct
import sys
import time
import traceback
import zlib
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

PASSWORD = "Demo@2026"  # noqa: S105 - the documented demo password
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
NUMBER = re.compile(r"D0201-\d{10,}")

# Collects visible text nodes, split into Latin-only and CJK-containing ones.
TEXT_JS = r"""
() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const text = node.textContent.replace(/\s+/g, ' ').trim();
    if (!text) continue;
    const el = node.parentElement;
    if (!el || ['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(el.tagName)) continue;
    if (el.tagName !== 'OPTION' && el.tagName !== 'OPTGROUP') {
      if (!el.offsetParent && getComputedStyle(el).position !== 'fixed'
          && !el.closest('.collapse,.dropdown-menu,.visually-hidden')) continue;
    }
    out.push(text);
  }
  for (const el of document.querySelectorAll('[placeholder],[aria-label],[title]')) {
    for (const a of ['placeholder', 'aria-label', 'title']) {
      const v = el.getAttribute(a);
      if (v && v.trim()) out.push(v.trim());
    }
  }
  for (const el of document.querySelectorAll('optgroup[label]')) out.push(el.label);
  out.push(document.title);
  return out;
}
"""

# Horizontal overflow and small tap targets on a phone.
LAYOUT_JS = r"""
() => {
  const vw = window.innerWidth;
  const res = {scrollWidth: document.documentElement.scrollWidth, viewport: vw,
               overflowing: [], smallTargets: []};
  const scroller = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
    }
    return false;
  };
  const label = (el) => (el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' "' +
      (el.innerText || el.value || el.getAttribute('aria-label') || el.name || '')
        .replace(/\s+/g, ' ').trim().slice(0, 40) + '"');
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right > vw + 1 && !scroller(el) && el.children.length === 0)
      res.overflowing.push(label(el) + ' right=' + Math.round(r.right));
  }
  for (const el of document.querySelectorAll(
      'a[href],button,input:not([type=hidden]),select,textarea,[role=button]')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || !el.offsetParent) continue;
    if (el.closest('.collapse:not(.show),.dropdown-menu:not(.show)')) continue;
    if (r.width < 24 || r.height < 24)
      res.smallTargets.push(label(el) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height));
  }
  const controls = [...document.querySelectorAll(
      'input:not([type=hidden]),select,textarea,button,a[href]')].filter(
      (el) => el.offsetParent && !el.closest('.collapse:not(.show),.dropdown-menu'));
  res.overlaps = [];
  for (let i = 0; i < controls.length; i++) {
    const a = controls[i].getBoundingClientRect();
    for (let j = i + 1; j < controls.length; j++) {
      const el = controls[j];
      if (el.contains(controls[i]) || controls[i].contains(el)) continue;
      const b = el.getBoundingClientRect();
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 4 && h > 4) res.overlaps.push(label(controls[i]) + ' overlaps ' + label(el));
    }
  }
  res.overlaps = res.overlaps.slice(0, 10);
  res.overflowing = res.overflowing.slice(0, 15);
  return res;
}
"""


def png_bytes(width: int = 64, height: int = 48) -> bytes:
    """A small valid RGB PNG (a gradient), built with zlib only."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = b"".join(
        b"\x00" + bytes(v for x in range(width) for v in (x * 4 % 256, y * 5 % 256, 128))
        for y in range(height)
    )
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


# A phone browser with a camera and BarcodeDetector, as Chrome on Android offers: the
# detector "reads" window.__fakeTag from whatever the (canvas) camera shows.
FAKE_CAMERA_JS = """
window.__fakeTag = "";
window.BarcodeDetector = class {
  constructor(options) { this.options = options; }
  async detect() { return window.__fakeTag ? [{ rawValue: window.__fakeTag }] : []; }
};
const canvas = document.createElement("canvas");
canvas.width = 64; canvas.height = 48;
Object.defineProperty(navigator, "mediaDevices", { value: {
  getUserMedia: async () => {
    const ctx = canvas.getContext("2d");
    setInterval(() => { ctx.fillStyle = "#" + Math.floor(Math.random() * 4096).toString(16);
      ctx.fillRect(0, 0, 64, 48); }, 100);
    return canvas.captureStream(10);
  } } });
"""


class Failure(Exception):
    pass


class Run:
    def __init__(self, args):
        self.base = args.base_url.rstrip("/")
        self.shots = Path(args.shots_dir)
        self.shots.mkdir(parents=True, exist_ok=True)
        self.server_log = Path(args.server_log) if args.server_log else None
        self.log_offset = (
            self.server_log.stat().st_size if self.server_log and self.server_log.exists() else 0
        )
        self.engineer_name = args.engineer_name
        self.asset_tag = args.asset_tag
        self.failures: list[str] = []
        self.warnings: list[str] = []
        self.external: list[str] = []
        self.server_errors: list[str] = []
        self.console: list[str] = []
        self.shot_n = 0
        self.number: str | None = None
        self.texts: dict[str, dict] = {}
        self.stamp = time.strftime("%H%M%S")

    # --- plumbing -----------------------------------------------------------------

    def say(self, msg: str) -> None:
        print(msg, flush=True)

    def check(self, ok: bool, msg: str, *, hard: bool = False) -> bool:
        self.say(("  ok   " if ok else "  FAIL ") + msg)
        if not ok:
            self.failures.append(msg)
            if hard:
                raise Failure(msg)
        return ok

    def note(self, msg: str) -> None:
        self.say("  note " + msg)

    def warn(self, msg: str) -> None:
        self.say("  WARN " + msg)
        self.warnings.append(msg)

    def watch(self, context, who: str) -> None:
        def on_request(request):
            url = request.url
            parsed = urlparse(url)
            if parsed.scheme in ("data", "blob", "about", "chrome", "chrome-extension"):
                return
            if parsed.hostname not in LOCAL_HOSTS:
                self.external.append(f"{who}: {request.method} {url}")

        def on_response(response):
            if response.status >= 500:
                self.server_errors.append(f"{who}: {response.status} {response.url}")

        context.on("request", on_request)
        context.on("response", on_response)

    def new_page(self, context, who: str):
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and self.console.append(f"{who}: {m.text}"))
        page.on("pageerror", lambda e: self.console.append(f"{who}: pageerror {e}"))
        return page

    def shot(self, page, name: str) -> Path:
        self.shot_n += 1
        path = self.shots / f"{self.shot_n:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        self.say(f"  shot {path}")
        return path

    def url(self, path: str) -> str:
        return self.base + path

    def api(self, page, path: str):
        response = page.request.get(self.url(path), headers={"Accept": "application/json"})
        if not response.ok:
            raise Failure(f"GET {path} → {response.status}")
        return response.json()

    def texts_of(self, page, name: str, lang: str) -> None:
        """Remember which visible strings look untranslated (for the summary)."""
        texts = page.evaluate(TEXT_JS)
        ignore = re.compile(
            r"^(D0201-\S+|[\d\s:./·\-—×%→#]+|P[1-5]|API|ITSM|[\w.-]+\.png|[A-Z]{1,3}\d*)$"
        )
        if lang == "zh":
            suspects = [t for t in texts if re.search(r"[A-Za-z]{2,}", t) and not CJK.search(t)]
        else:
            suspects = [t for t in texts if CJK.search(t)]
        suspects = [t for t in dict.fromkeys(suspects) if not ignore.match(t)]
        cjk = sum(1 for t in texts if CJK.search(t))
        self.texts[name] = {"lang": lang, "total": len(texts), "cjk": cjk, "suspects": suspects}
        label = "English-looking strings" if lang == "zh" else "strings with Chinese"
        self.note(
            f"{name}: {len(suspects)} {label} of {len(texts)} text nodes"
            + (f", e.g. {suspects[:8]}" if suspects else "")
        )

    def layout(self, page, name: str) -> None:
        res = page.evaluate(LAYOUT_JS)
        if res["scrollWidth"] > res["viewport"] + 1:
            self.warn(f"{name}: page is {res['scrollWidth']}px wide on a {res['viewport']}px phone")
        if res["overflowing"]:
            self.warn(f"{name}: elements past the right edge: {res['overflowing'][:6]}")
        if res["overlaps"]:
            self.check(False, f"{name}: form controls overlap: {res['overlaps'][:6]}")
        if res["smallTargets"]:
            self.note(
                f"{name}: {len(res['smallTargets'])} tap targets under 24px: "
                f"{res['smallTargets'][:8]}"
            )

    def login(self, page, username: str, submit: str = "form button[type=submit]") -> None:
        page.goto(self.url("/accounts/login/"))
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click(submit)
        self.check(
            "/accounts/login/" not in page.url, f"{username} logged in (at {page.url})", hard=True
        )
        page.wait_for_load_state("networkidle")

    def alerts(self, page, kind: str = "") -> list[str]:
        sel = f".alert.alert-{kind}" if kind else ".alert"
        return [t.strip() for t in page.locator(sel).all_inner_texts()]

    def open_panel(self, page, action: str) -> None:
        panel = page.locator(f"#act-{action}")
        if panel.count() == 0:
            raise Failure(f"no '{action}' panel on {page.url}")
        if "show" not in (panel.get_attribute("class") or ""):
            page.click(f'button[data-bs-target="#act-{action}"]')
            page.wait_for_selector(f"#act-{action}.show")
            page.wait_for_timeout(400)  # collapse animation

    def submit_action(self, page, action: str):
        """Click the submit button of an action form; returns the POST's response."""
        form = page.locator(f'form[action$="/act/{action}/"]').first
        with (
            page.expect_response(
                lambda r: f"/act/{action}/" in r.url and r.request.method == "POST"
            ) as info,
            page.expect_navigation(),
        ):
            form.locator("button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        return info.value

    def detail(self, page) -> None:
        page.goto(self.url(f"/incidents/{self.number}/"))
        page.wait_for_load_state("networkidle")

    def wo(self, page) -> dict:
        return self.api(page, f"/api/incidents/{self.number}/")

    # --- steps --------------------------------------------------------------------

    def step1_report(self, browser):
        self.say("STEP 1  enduser reports a fault on a phone (390x844)")
        ctx = browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2, locale="zh-CN"
        )
        self.watch(ctx, "enduser")
        self.enduser_ctx = ctx
        page = self.new_page(ctx, "enduser")
        self.enduser_page = page
        page.goto(self.url("/"))
        self.check("/accounts/login/" in page.url, "anonymous visitor is sent to the login page")
        self.texts_of(page, "login (zh)", "zh")
        self.layout(page, "login")
        self.shot(page, "enduser-login")
        self.login(page, "enduser")
        self.texts_of(page, "enduser home (zh)", "zh")
        self.layout(page, "enduser home")
        self.shot(page, "enduser-home")

        link = page.locator('main a[href="/incidents/report/"]').first
        self.check(
            link.count() > 0 and link.is_visible(),
            "home page shows a report-a-fault link",
            hard=True,
        )
        self.note(f"report link text: {link.inner_text().strip()!r}")
        with page.expect_navigation():
            link.click()
        self.check(page.url.endswith("/incidents/report/"), "report form opened", hard=True)
        self.texts_of(page, "report form (zh)", "zh")
        self.layout(page, "report form")
        self.shot(page, "enduser-report-empty")

        # category: 硬件 → 打印机 → 卡纸 through the cascading picker, if present
        self.category = self.pick_category(page, ["硬件", "打印机", "卡纸"])
        if self.category:
            self.check(True, "category 硬件 → 打印机 → 卡纸 chosen step by step")
        else:
            self.warn("category 打印机 / 卡纸 not offered; left as 'not sure'")
        self.shot(page, "enduser-report-category")
        devices = page.locator("select[name=device] option").all()
        device_opts = [
            (o.get_attribute("value"), o.inner_text()) for o in devices if o.get_attribute("value")
        ]
        self.note(
            f"device list offers {len(device_opts)} device(s)"
            + (f": {[d[1] for d in device_opts[:3]]}" if device_opts else "")
        )
        printers = [d for d in device_opts if "打印" in d[1]]
        if printers:
            page.select_option("select[name=device]", printers[0][0])
            self.note(f"chose own printer {printers[0][1]!r}")
        elif self.asset_tag:
            page.fill("input[name=asset_tag]", self.asset_tag)
            self.note(
                f"printer not in own devices; typed asset tag {self.asset_tag!r} from its label"
            )
        supported = page.evaluate("'BarcodeDetector' in window")
        camera = page.locator("#tag-camera")
        self.check(
            camera.count() == 1 and camera.is_visible() == supported,
            f"camera button {'shown' if supported else 'hidden'}: this browser "
            f"{'has' if supported else 'lacks'} BarcodeDetector",
        )
        phone = (
            page.input_value("input[name=contact_phone]")
            if page.locator("input[name=contact_phone]").count()
            else ""
        )
        self.note(f"contact phone prefilled: {phone!r}")
        if not phone:
            page.fill("input[name=contact_phone]", "13900000001")
        self.title = f"三楼打印机卡纸 {self.stamp}"
        self.description = "财务处三楼的打印机一直卡纸，取出纸后仍然提示卡纸，无法打印报销单。"
        page.fill("input[name=title]", self.title)
        page.fill("textarea[name=description]", self.description)
        page.set_input_files(
            "input[name=files]",
            files=[{"name": "卡纸照片.png", "mimeType": "image/png", "buffer": png_bytes()}],
        )
        self.shot(page, "enduser-report-filled")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        page.wait_for_load_state("networkidle")
        m = NUMBER.search(page.url)
        self.check(bool(m), f"submitted; now at {page.url}", hard=True)
        self.number = m.group(0)
        success = " ".join(self.alerts(page, "success"))
        self.check(self.number in success, f"success message names the number: {success!r}")
        header = page.locator("main p.mb-1").first
        due_text = header.inner_text().strip() if header.count() else ""
        self.check(bool(due_text), f"status page states due times: {due_text!r}")
        status = page.locator("main .badge").nth(0).inner_text().strip()
        self.note(f"status badge: {status!r}")
        dev = page.evaluate("""() => { const dts = [...document.querySelectorAll('main dl dt')];
            const i = dts.findIndex(d => /Device|设备/.test(d.textContent));
            return i < 0 ? '' : dts[i].nextElementSibling.textContent.trim(); }""")
        self.check(
            not self.asset_tag or self.asset_tag in dev, f"device on the work order: {dev!r}"
        )
        att = page.locator('a[href*="/attachments/"]')
        self.check(att.count() > 0, f"photo attached ({att.count()} attachment link(s))")
        self.texts_of(page, "enduser status page (zh)", "zh")
        self.layout(page, "enduser status page")
        self.shot(page, "enduser-status")

    def pick_category(self, page, names: list[str]) -> str | None:
        """Choose `names` one level at a time in the linked selects; the fault type's id
        must land in the (hidden) grouped select that is submitted."""
        grouped = page.locator("select[name=category]")
        if page.locator("#id_category-0").count() == 0:
            self.check(False, "category picker drawn as linked selects (script ran)")
            return None
        self.check(not grouped.is_visible(), "grouped category select hidden behind the picker")
        for depth, name in enumerate(names):
            step = page.locator(f"#id_category-{depth}")
            if step.count() == 0 or name not in step.locator("option").all_inner_texts():
                return None
            step.select_option(label=name)
        self.check(
            page.locator(f"#id_category-{len(names)}").count() == 0,
            f"no step after the fault type {names[-1]}",
        )
        value = grouped.input_value()
        label = page.evaluate(
            """(v) => { const o = document.querySelector(
                 `select[name=category] option[value="${v}"]`);
               return o ? o.parentElement.label + ' / ' + o.textContent.trim() : ''; }""",
            value,
        )
        self.check(
            bool(value) and label == " / ".join(names),
            f"submitted category is the fault type: {value!r} ({label!r})",
        )
        return value or None

    def picked_path(self, page) -> list[str]:
        return page.evaluate("""() => [...document.querySelectorAll('[id^="id_category-"]')]
            .filter(s => s.tagName === 'SELECT' && s.value)
            .map(s => s.options[s.selectedIndex].text)""")

    def step1a_camera(self, browser):
        """The fault form on a phone whose browser reads barcodes: the camera fills the tag."""
        self.say("STEP 1a enduser on a phone with a barcode-reading camera (simulated)")
        ctx = browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2, locale="zh-CN"
        )
        ctx.add_init_script(FAKE_CAMERA_JS)
        self.watch(ctx, "enduser-camera")
        page = self.new_page(ctx, "enduser-camera")
        self.login(page, "enduser")
        page.goto(self.url("/incidents/report/"))
        page.wait_for_load_state("networkidle")
        button = page.locator("#tag-camera [data-camera-start]")
        self.check(button.is_visible(), "camera button shown where BarcodeDetector exists")
        inside = page.evaluate("""() => { const f = document.getElementById('id_asset_tag');
            const c = document.getElementById('tag-camera');
            return !!(f && c && f.closest('.mb-3').contains(c)); }""")
        self.check(inside, "camera button sits under the asset tag field")
        self.layout(page, "report form with camera")
        tag = self.asset_tag or "PR-002"
        button.click()
        page.wait_for_selector("#tag-camera video:not([hidden])", timeout=5000)
        self.shot(page, "enduser-report-camera-on")
        page.evaluate(f"window.__fakeTag = {json.dumps(tag)}")
        page.wait_for_function(
            f"document.getElementById('id_asset_tag').value === {json.dumps(tag)}", timeout=5000
        )
        self.check(True, f"camera read {tag!r} into the asset tag field")
        status = page.locator("#tag-camera [role=status]").inner_text().strip()
        self.check(tag in status, f"camera says what it read: {status!r}")
        self.check(
            page.locator("#tag-camera video").is_hidden(), "camera stops after reading a code"
        )
        self.texts_of(page, "report form with camera (zh)", "zh")
        self.shot(page, "enduser-report-camera-read")
        ctx.close()

    def step1b_bad_uploads(self):
        self.say("STEP 1b enduser: oversized and .html uploads are refused, text kept")
        page = self.enduser_page
        cases = [
            (
                "too-big",
                {
                    "name": "大照片.png",
                    "mimeType": "image/png",
                    "buffer": png_bytes() + b"\0" * (10 * 1024 * 1024 + 4096),
                },
            ),
            (
                "html",
                {
                    "name": "说明.html",
                    "mimeType": "text/html",
                    "buffer": b"<html><script>alert(1)</script></html>",
                },
            ),
        ]
        for name, upload in cases:
            page.goto(self.url("/incidents/report/"))
            desc = f"上传测试（{name}）：这段描述应该在出错后保留。"
            page.fill("input[name=title]", f"上传测试 {name}")
            page.fill("textarea[name=description]", desc)
            chosen = self.pick_category(page, ["应用软件", "登记系统", "无法登录"])
            page.set_input_files("input[name=files]", files=[upload])
            with page.expect_response(
                lambda r: r.url.endswith("/incidents/report/") and r.request.method == "POST",
                timeout=60000,
            ) as info:
                page.click("main form button[type=submit]")
            page.wait_for_load_state("networkidle")
            status = info.value.status
            self.check(status < 500, f"{name}: server answered {status}")
            self.check(
                "/incidents/report/" in page.url and not NUMBER.search(page.url),
                f"{name}: no work order created (still at {page.url})",
            )
            errors = [
                t.strip()
                for t in page.locator(".invalid-feedback, .alert-danger").all_inner_texts()
            ]
            self.check(bool(errors), f"{name}: error shown: {errors}")
            kept = (
                page.input_value("textarea[name=description]")
                if page.locator("textarea[name=description]").count()
                else ""
            )
            self.check(kept == desc, f"{name}: typed description kept")
            if chosen:
                path = self.picked_path(page)
                self.check(
                    path == ["应用软件", "登记系统", "无法登录"]
                    and page.input_value("select[name=category]") == chosen,
                    f"{name}: chosen category path kept: {path}",
                )
            self.note(f"{name}: other messages: {self.alerts(page, 'warning')}")
            self.layout(page, f"upload error {name}")
            self.shot(page, f"enduser-upload-{name}")

    def step1c_picker_without_script_and_in_english(self, browser):
        """Without scripts the grouped select is the picker; in English the steps are named."""
        self.say("STEP 1c enduser: category picker without JavaScript, and in English")
        ctx = browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2,
            locale="zh-CN", java_script_enabled=False,
        )  # fmt: skip
        self.watch(ctx, "enduser (no script)")
        page = self.new_page(ctx, "enduser (no script)")
        # Without scripts the navbar's language form shows its own submit button first.
        self.login(page, "enduser", submit="main form button[type=submit]")
        page.goto(self.url("/incidents/report/"))
        grouped = page.locator("select[name=category]")
        self.check(
            grouped.is_visible() and page.locator("#id_category-0").count() == 0,
            "without scripts the grouped category select is shown, no linked selects",
        )
        groups = page.evaluate(
            "() => [...document.querySelectorAll('select[name=category] optgroup')]"
            ".map(g => g.label)"
        )
        self.check(
            "硬件 / 打印机" in groups, f"grouped select offers 硬件 / 打印机 ({len(groups)} groups)"
        )
        self.layout(page, "report form without script")
        self.shot(page, "enduser-report-noscript")
        ctx.close()

        ctx = browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2, locale="en-US"
        )
        self.watch(ctx, "enduser (en)")
        page = self.new_page(ctx, "enduser (en)")
        self.login(page, "enduser")
        page.goto(self.url("/incidents/report/"))
        if not (page.locator("html").get_attribute("lang") or "").startswith("en"):
            page.select_option("#language-select", "en")
            with page.expect_navigation():  # the switch submits with its button only
                page.click("form.language-switch button[type=submit]")
            page.goto(self.url("/incidents/report/"))
        self.pick_category(page, ["硬件", "打印机", "卡纸"])
        captions = page.locator("[data-category-cascade] label").all_inner_texts()
        self.check(
            [c.strip() for c in captions] == ["Problem type", "System type", "Fault type"],
            f"English step captions: {captions}",
        )
        self.texts_of(page, "report form (en)", "en")
        self.layout(page, "report form (en)")
        self.shot(page, "enduser-report-en")
        if page.locator("#language-select").count():
            page.select_option("#language-select", "zh-hans")  # leave enduser in Chinese
            with page.expect_navigation():  # the switch submits with its button only
                page.click("form.language-switch button[type=submit]")
        ctx.close()

    def step2_dispatch(self, browser):
        self.say("STEP 2  agent dispatches from the queue (1280x900); stale second tab")
        ctx = browser.new_context(viewport=DESKTOP, locale="zh-CN")
        self.watch(ctx, "agent")
        self.agent_ctx = ctx
        page = self.new_page(ctx, "agent")
        self.agent_page = page
        self.login(page, "agent")
        self.texts_of(page, "agent home (zh)", "zh")
        self.shot(page, "agent-home")
        nav = page.locator('nav a[href="/incidents/"]').first
        self.check(nav.count() > 0, "navbar has a link to the work-order queue", hard=True)
        with page.expect_navigation():
            nav.click()
        page.wait_for_load_state("networkidle")
        rows = page.locator("main table tbody tr")
        numbers = [r.locator("td").nth(1).inner_text().strip() for r in rows.all()]
        pos = numbers.index(self.number) + 1 if self.number in numbers else None
        if pos:
            row = rows.nth(pos - 1)
            due = row.locator("td").nth(5).inner_text().strip()
            # The queue is sorted by fix-due time, so a fresh P4 order sits behind every
            # order due sooner; what matters is that open work, not history, fills page 1.
            self.check(
                True,
                f"new order is row {pos} of {len(numbers)} on the queue's first page; fix-due cell {due!r}",
            )
        else:
            statuses = [r.locator("td").nth(3).inner_text().strip() for r in rows.all()]
            counts = {st: statuses.count(st) for st in dict.fromkeys(statuses)}
            self.check(
                False,
                f"new order not on the default queue's first page "
                f"({len(numbers)} rows, statuses {counts})",
            )
        self.texts_of(page, "queue (zh)", "zh")
        self.shot(page, "agent-queue")
        unassigned = page.locator('a[href="?queue=unassigned"]')
        if unassigned.count():
            with page.expect_navigation():
                unassigned.first.click()
            rows = page.locator("main table tbody tr")
            nums = [r.locator("td").nth(1).inner_text().strip() for r in rows.all()]
            if self.number in nums:
                i = nums.index(self.number)
                due = rows.nth(i).locator("td").nth(5).inner_text().strip()
                self.note(f"'unassigned' tab: row {i + 1} of {len(nums)}; fix-due cell {due!r}")
            else:
                self.check(False, f"new order not in the 'unassigned' tab ({len(nums)} rows)")
            self.shot(page, "agent-queue-unassigned")

        page.click(f'main a[href="/incidents/{self.number}/"]') if page.locator(
            f'main a[href="/incidents/{self.number}/"]'
        ).count() else self.detail(page)
        page.wait_for_load_state("networkidle")
        self.check(self.number in page.url, "agent opened the work order", hard=True)
        info = page.locator("main dl").inner_text()
        self.note("agent sees: " + " | ".join(x.strip() for x in info.splitlines() if x.strip()))
        badges = page.locator("main .mb-3 .badge").all_inner_texts()
        self.note(f"header badges (status/priority/level/countdown): {badges}")
        self.texts_of(page, "work order, agent (zh)", "zh")
        self.shot(page, "agent-detail-before")

        # The same order in a second browser context, loaded now, acted on later.
        ctx2 = browser.new_context(viewport=DESKTOP, locale="zh-CN")
        self.watch(ctx2, "agent-tab2")
        page2 = self.new_page(ctx2, "agent-tab2")
        self.login(page2, "agent")
        self.detail(page2)

        self.open_panel(page, "assign")
        label = self.engineer_name
        opts = page.locator('select[name="assign-assignee"] option').all()
        match = [o.get_attribute("value") for o in opts if o.inner_text().strip() == label]
        self.check(
            len(match) == 1,
            f"engineer list has exactly one {label!r} ({len(opts)} options)",
            hard=True,
        )
        page.select_option('select[name="assign-assignee"]', match[0])
        page.fill('textarea[name="assign-note"]', "打印机卡纸，请张伟今天下午到财务处三楼处理。")
        self.shot(page, "agent-dispatch-form")
        resp = self.submit_action(page, "assign")
        self.check(resp.status in (302, 303, 200), f"dispatch posted ({resp.status})")
        self.note(f"messages: {self.alerts(page)}")
        data = self.wo(page)
        self.check(
            data["status"] == "assigned"
            and (data.get("assignee_detail") or {}).get("name") == label,
            f"work order now {data['status']!r}, assignee {(data.get('assignee_detail') or {}).get('name')!r}",
        )
        self.shot(page, "agent-dispatched")

        # Stale tab acts now.
        self.say("STEP 2b stale page in the second context")
        self.open_panel(page2, "assign")
        page2.select_option('select[name="assign-assignee"]', match[0])
        stale_note = "第二个标签页：重复派单。"
        page2.fill('textarea[name="assign-note"]', stale_note)
        resp2 = self.submit_action(page2, "assign")
        errs = self.alerts(page2, "danger")
        self.check(resp2.status == 409, f"stale action answered {resp2.status} (409 expected)")
        self.check(bool(errs), f"stale action shows: {errs}")
        kept = (
            page2.input_value('textarea[name="assign-note"]')
            if page2.locator('textarea[name="assign-note"]').count()
            else ""
        )
        self.check(kept == stale_note, "stale action keeps the typed note")
        events = self.api(page, f"/api/incidents/{self.number}/events/")
        self.check(
            sum(1 for e in events if e["kind"] == "assignment") == 1,
            "stale action did not add a second assignment",
        )
        self.shot(page2, "agent-stale-conflict")
        ctx2.close()

    def step3_engineer(self, browser):
        self.say("STEP 3  engineer starts and resolves")
        ctx = browser.new_context(viewport=DESKTOP, locale="zh-CN")
        self.watch(ctx, "engineer")
        page = self.new_page(ctx, "engineer")
        self.login(page, "engineer")
        self.shot(page, "engineer-home")
        page.goto(self.url("/incidents/?queue=mine"))
        page.wait_for_load_state("networkidle")
        link = page.locator(f'main a[href="/incidents/{self.number}/"]')
        self.check(link.count() > 0, "work order listed under 'mine'")
        self.texts_of(page, "engineer queue mine (zh)", "zh")
        for href in page.locator("main a[href^='/incidents/'].btn").evaluate_all(
            "els => els.map(e => e.getAttribute('href'))"
        ):
            status = page.request.get(self.url(href)).status
            self.check(status == 200, f"queue button {href} opens for the engineer ({status})")
        self.shot(page, "engineer-mine")
        if link.count():
            with page.expect_navigation():
                link.first.click()
        else:
            self.detail(page)
        page.wait_for_load_state("networkidle")
        self.check(
            page.locator('form[action$="/act/start/"]').count() > 0,
            "'start work' button offered",
            hard=True,
        )
        self.submit_action(page, "start")
        self.check(self.wo(page)["status"] == "in_progress", "status in_progress after start")
        self.shot(page, "engineer-started")

        self.internal_note = f"内部备注：硒鼓型号 CE278A，库存只剩一个 {self.stamp}"
        if page.locator('form[action$="/act/note/"]').count():
            page.fill('textarea[name="note-body"]', self.internal_note)
            self.submit_action(page, "note")
            self.check(
                self.internal_note in page.inner_text("main"),
                "engineer's internal note on the timeline",
            )
        else:
            self.warn("engineer has no internal-note form")

        self.open_panel(page, "resolve")
        page.fill('textarea[name="resolve-resolution"]', "已清理卡纸并调整搓纸轮，打印测试页正常。")
        picker = page.locator('input[name="resolve-knowledge_record"]')
        chosen = ""
        if picker.count():
            picker.fill("打印机卡纸")
            choice = page.locator("#act-resolve [data-pick-number]").first
            try:
                choice.wait_for(timeout=5000)
            except PlaywrightError:
                self.warn("no knowledge record suggested for 打印机卡纸")
            else:
                self.shot(page, "engineer-resolve-knowledge-suggestions")
                chosen = choice.get_attribute("data-pick-number")
                choice.click()
                # htmx: the server draws the field again with the number filled in.
                with contextlib.suppress(PlaywrightError):
                    page.wait_for_function(
                        "n => document.querySelector("
                        "'input[name=\"resolve-knowledge_record\"]').value === n",
                        arg=chosen,
                        timeout=5000,
                    )
                self.check(picker.input_value() == chosen, f"picked knowledge record {chosen}")
        else:
            self.check(False, "resolve form has a knowledge record field")
        self.shot(page, "engineer-resolve-form")
        self.submit_action(page, "resolve")
        resolved = self.wo(page)
        self.check(resolved["status"] == "resolved", "status resolved")
        if chosen:
            record = self.api(page, f"/api/knowledge-records/{chosen}/")
            self.check(
                resolved.get("knowledge_record_id") == record.get("id"),
                f"work order records knowledge record {chosen} "
                f"(id {resolved.get('knowledge_record_id')} = {record.get('id')})",
            )
        self.texts_of(page, "work order resolved, engineer (zh)", "zh")
        self.shot(page, "engineer-resolved")
        ctx.close()

    def step4_callback(self):
        self.say("STEP 4  agent records the callback → closed")
        page = self.agent_page
        self.detail(page)
        self.open_panel(page, "callback")
        page.select_option('select[name="callback-reached"]', "1")
        page.select_option('select[name="callback-satisfaction"]', "5")
        page.fill('textarea[name="callback-comment"]', "用户表示打印机已恢复正常，非常满意。")
        self.shot(page, "agent-callback-form")
        self.submit_action(page, "callback")
        data = self.wo(page)
        self.check(data["status"] == "closed", f"status after callback: {data['status']!r}")
        self.shot(page, "agent-closed")

    def step5_timeline(self):
        self.say("STEP 5  timeline complete; end user does not see internal notes")
        page = self.agent_page
        events = self.api(page, f"/api/incidents/{self.number}/events/")
        kinds = [(e["kind"], e.get("status_to") or "") for e in events]
        self.note(f"events: {kinds}")
        want = {
            "created": any(k == "created" for k, _ in kinds),
            "dispatched": any(k == "assignment" for k, _ in kinds)
            or ("transition", "assigned") in kinds,
            "started": ("transition", "in_progress") in kinds,
            "resolved": ("transition", "resolved") in kinds,
            "callback": any(k == "callback" for k, _ in kinds),
            "closed": ("transition", "closed") in kinds,
        }
        for name, ok in want.items():
            self.check(ok, f"timeline has '{name}'")
        items = page.locator("main ol li")
        self.check(
            items.count() == len(events),
            f"agent page shows {items.count()} timeline entries, API {len(events)}",
        )
        self.note(
            "timeline as shown: "
            + " || ".join(t.replace("\n", " ")[:90] for t in items.all_inner_texts())
        )
        self.shot(page, "agent-timeline")

        up = self.enduser_page
        self.detail(up)
        text = up.inner_text("main")
        self.check(
            self.internal_note not in text, "end user does not see the engineer's internal note"
        )
        internal = [e for e in events if e["is_internal"]]
        leaked = [e["body"] for e in internal if e["body"] and e["body"] in text]
        self.check(
            not leaked,
            f"no internal event text on the end user's page ({len(internal)} internal events)",
        )
        self.note(f"end user sees {up.locator('main ol li').count()} timeline entries")
        staff_bodies = [
            e["body"]
            for e in events
            if not e["is_internal"]
            and e["body"]
            and e["kind"] in ("assignment", "callback", "transition")
            and e["body"] in text
        ]
        self.note(f"staff-written text the requester can read: {list(dict.fromkeys(staff_bodies))}")
        self.texts_of(up, "enduser closed page (zh)", "zh")
        self.layout(up, "enduser closed page")
        self.shot(up, "enduser-closed")

    def step6_english(self):
        self.say("STEP 6  agent switches to English")
        page = self.agent_page
        page.goto(self.url("/incidents/"))
        page.select_option("#language-select", "en")
        with page.expect_navigation():  # the switch submits with its button only
            page.click("form.language-switch button[type=submit]")
        page.wait_for_load_state("networkidle")
        lang = page.evaluate("document.documentElement.lang")
        self.check(lang.startswith("en"), f"<html lang> is {lang!r}")
        self.texts_of(page, "queue (en)", "en")
        self.shot(page, "agent-queue-en")
        self.detail(page)
        self.texts_of(page, "work order (en)", "en")
        self.shot(page, "agent-detail-en")
        page.select_option("#language-select", "zh-hans")
        with page.expect_navigation():  # the switch submits with its button only
            page.click("form.language-switch button[type=submit]")

    # --- driver ---------------------------------------------------------------------

    def run(self) -> int:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium", headless=True, args=LAUNCH_ARGS
            )
            steps = [
                lambda: self.step1_report(browser),
                lambda: self.step1a_camera(browser),
                self.step1b_bad_uploads,
                lambda: self.step1c_picker_without_script_and_in_english(browser),
                lambda: self.step2_dispatch(browser),
                lambda: self.step3_engineer(browser),
                self.step4_callback,
                self.step5_timeline,
                self.step6_english,
            ]
            for i, step in enumerate(steps):
                try:
                    step()
                except (Failure, PlaywrightError, AssertionError, KeyError, ValueError) as exc:
                    if not isinstance(exc, Failure):
                        self.failures.append(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
                        traceback.print_exc()
                    self.say(f"  ABORT: {str(exc).splitlines()[0]}")
                    for ctx in browser.contexts:
                        for pg in ctx.pages:
                            with contextlib.suppress(PlaywrightError):
                                self.shot(pg, "failure")
                    if i not in (1, 2, 3):  # the camera, upload and picker checks stand alone
                        break
            browser.close()
        return self.summary()

    def summary(self) -> int:
        if self.server_log and self.server_log.exists():
            with self.server_log.open("rb") as fh:
                fh.seek(self.log_offset)
                new = fh.read().decode("utf-8", "replace")
            for line in new.splitlines():
                if re.search(r'" 5\d\d ', line) or " ERROR " in line:
                    self.server_errors.append("log: " + line.strip())
        self.say("\nSUMMARY")
        self.say(f"  work order: {self.number}")
        self.say(f"  requests to other hosts: {len(self.external)}")
        for r in self.external[:20]:
            self.say("    " + r)
        self.say(f"  5xx responses / tracebacks: {len(self.server_errors)}")
        for r in self.server_errors[:20]:
            self.say("    " + r)
        self.say(f"  browser console errors: {len(self.console)}")
        for r in self.console[:20]:
            self.say("    " + r)
        self.say(f"  warnings: {len(self.warnings)}")
        for w in self.warnings:
            self.say("    " + w)
        (self.shots / "texts.json").write_text(json.dumps(self.texts, ensure_ascii=False, indent=1))
        if self.external:
            self.failures.append("requests to non-local hosts")
        if self.server_errors:
            self.failures.append("server errors")
        self.say(f"  failures: {len(self.failures)}")
        for f in self.failures:
            self.say("    " + f)
        return 1 if self.failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8020")
    parser.add_argument("--shots-dir", default="/tmp/e2e-shots")  # noqa: S108
    parser.add_argument("--server-log", help="runserver log to scan for 500s/tracebacks")
    parser.add_argument(
        "--asset-tag",
        default="PR-002",
        help="asset tag the end user types for the shared printer ('' to skip)",
    )
    parser.add_argument(
        "--engineer-name", default="张伟", help="dispatch to the engineer shown as this name"
    )
    return Run(parser.parse_args()).run()


if __name__ == "__main__":
    sys.exit(main())
