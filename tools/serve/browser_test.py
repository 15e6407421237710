#!/usr/bin/env python3
"""kplab serve in a real browser: headless Chromium opens the page, uploads a
photo through its file input, waits for the result and checks that the
overlay image loaded and the measures and the verdict appear; then saves a
screenshot (the README's docs/serve_page.png).

Chromium is driven over the DevTools protocol on a pipe (--remote-debugging-
pipe: JSON messages ended by NUL on fds 3 and 4), so nothing but the Python
standard library is needed. Exit 0: passed; 77: skipped, only when no
Chromium is installed (ctest reports it as skipped); anything else: failed,
a broken browser included.
"""
import argparse, base64, fcntl, json, os, re, select, shutil, signal, subprocess, sys, tempfile, time

SKIP = 77


class Browser:
    """One headless Chromium and one page in it, over the DevTools pipe."""

    def __init__(self, exe, profile):
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        # Chromium reads commands on fd 3 and writes answers on fd 4. Moved
        # out of the way first, so neither pipe end is closed by the other's dup2.
        def fds():
            r, w = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 100), fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 100)
            os.dup2(r, 3)
            os.dup2(w, 4)
        args = [exe, "--headless=new", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars", f"--user-data-dir={profile}",
                "about:blank"]
        # close_fds=False: the fds 3 and 4 made in fds() must survive into Chromium (the
        # other descriptors are close-on-exec already, as Python opens them).
        self.proc = subprocess.Popen(args, preexec_fn=fds, close_fds=False,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buf, self.next_id, self.session = b"", 0, None

    def call(self, method, timeout=30, **params):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params}
        if self.session and not method.startswith("Target."):
            msg["sessionId"] = self.session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        deadline = time.time() + timeout
        while True:
            while b"\0" in self.buf:
                raw, self.buf = self.buf.split(b"\0", 1)
                reply = json.loads(raw)
                if reply.get("id") == self.next_id:
                    if "error" in reply:
                        raise RuntimeError(f"{method}: {reply['error']}")
                    return reply.get("result", {})
            if time.time() > deadline or self.proc.poll() is not None:
                raise RuntimeError(f"Chromium did not answer {method} (exit code {self.proc.poll()})")
            ready, _, _ = select.select([self.from_chrome], [], [], 1)
            if ready:
                chunk = os.read(self.from_chrome, 1 << 20)
                if not chunk:
                    raise RuntimeError(f"Chromium closed the DevTools pipe during {method}")
                self.buf += chunk

    def open(self, url, width, height):
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)
        self.call("Page.navigate", url=url)
        self.wait_for("document.readyState === 'complete' && !!document.getElementById('file')", 30, "the page to load")

    def eval(self, expression):
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"page script failed: {r['exceptionDetails']}")
        return r["result"].get("value")

    def wait_for(self, expression, timeout, what):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.eval(expression):
                return
            time.sleep(0.2)
        raise RuntimeError(f"timed out after {timeout} s waiting for {what}")

    def close(self):
        self.proc.kill()
        self.proc.wait()


def start_server(args, temp_root):
    cmd = [args.kplab, "serve", args.model, "--port", "0", "--temp-dir", temp_root]
    if args.classifier:
        cmd += ["--classifier", args.classifier]
    if args.schema:
        cmd += ["--schema", args.schema]
    server = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        line = server.stdout.readline()
        if not line:
            raise RuntimeError(f"kplab serve exited: {server.stderr.read().strip()}")
        m = re.search(r"open (http://127\.0\.0\.1:\d+/)", line)
        if m:
            return server, m.group(1)
    raise RuntimeError("kplab serve did not print its URL")


def check_page(browser, image):
    root = browser.call("DOM.getDocument")["root"]["nodeId"]
    node = browser.call("DOM.querySelector", nodeId=root, selector="#file")["nodeId"]
    browser.call("DOM.setFileInputFiles", nodeId=node, files=[os.path.abspath(image)])
    browser.wait_for("!document.getElementById('result').hidden || !document.getElementById('error').hidden", 120,
                     "the result")
    error = browser.eval("document.getElementById('error').hidden ? '' : document.getElementById('error').textContent")
    if error:
        raise RuntimeError(f"the page shows an error: {error}")
    browser.wait_for("document.getElementById('overlay').complete", 30, "the overlay image")
    state = browser.eval("""JSON.stringify({
        width: document.getElementById('overlay').naturalWidth,
        measures: document.querySelectorAll('#measures tr').length,
        verdict: document.getElementById('verdict').textContent,
        downloads: [...document.querySelectorAll('#downloads a')].map(a => a.textContent)})""")
    state = json.loads(state)
    if state["width"] <= 0:
        raise RuntimeError("the overlay image did not load")
    if state["measures"] < 1:
        raise RuntimeError("expected the measures table, found no rows")
    if not state["verdict"].strip():
        raise RuntimeError("the verdict line is empty")
    if len(state["downloads"]) < 3:
        raise RuntimeError(f"expected download links for the overlay, CSV and JSON, found {state['downloads']}")
    return state


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--kplab", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--image", required=True)
    p.add_argument("--classifier", default="")
    p.add_argument("--schema", default="")
    p.add_argument("--screenshot", default="", help="save the page here as PNG")
    p.add_argument("--width", type=int, default=1000)
    p.add_argument("--height", type=int, default=860)
    p.add_argument("--screenshot-scale", type=float, default=0.8, help="keeps the committed PNG small")
    args = p.parse_args()
    exe = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
    if not exe:
        print("SKIPPED: no Chromium found (apt-get install chromium); the browser test needs one")
        return SKIP
    with tempfile.TemporaryDirectory(prefix="kplab-browser-") as tmp:
        temp_root = os.path.join(tmp, "jobs")
        server, url = start_server(args, temp_root)
        browser = None
        try:
            browser = Browser(exe, os.path.join(tmp, "profile"))
            browser.open(url, args.width, args.height)
            state = check_page(browser, args.image)
            if args.screenshot:
                clip = {"x": 0, "y": 0, "width": args.width, "height": args.height, "scale": args.screenshot_scale}
                shot = browser.call("Page.captureScreenshot", format="png", clip=clip)["data"]
                with open(args.screenshot, "wb") as f:
                    f.write(base64.b64decode(shot))
        finally:
            if browser:
                browser.close()
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
        if os.path.exists(temp_root):
            raise RuntimeError(f"kplab serve left {temp_root} behind")
    print(f"passed: overlay {state['width']} px wide, {state['measures']} measure rows, "
          f"verdict '{state['verdict']}', downloads {state['downloads']}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # a broken browser or server fails the test, never skips it
        print(f"FAILED: {e}", file=sys.stderr)
        sys.exit(1)
