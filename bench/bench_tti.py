"""Time to first lesson interactive on a slow phone: our SCORM package in the
scorm-again LMS page, against an MkDocs page of the same lesson text.

Run:  python3 bench/bench_tti.py [--runs 5]   (after `npm ci`; MkDocs is
installed in the benchmark's own virtualenv by bench/bench_build.py's helper)

Chromium (Debian's, via Playwright) with DevTools throttling as Lighthouse's
mobile preset: slow 4G (150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up) and a
4x CPU slow-down.  "Interactive" is when the first lesson's runtime has
started (the page has the tk-js class and its questions answer), measured
from the moment the loaded LMS page launches the package; the LMS page's
own load (scorm-again) is reported apart.  Prints medians.  Not a test.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import zipfile
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from toolkit.build import BuildOptions, build  # noqa: E402

SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1.6 * 1024 * 1024 / 8,
           "uploadThroughput": 750 * 1024 / 8}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def serve(root: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def throttled_page(browser):
    ctx = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    return ctx, page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--course", default="ret-og-pligt")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp())
    build([ROOT / "courses" / args.course], BuildOptions(out=work / "out", formats=("scorm12",), no_cache=True))
    www = work / "www"
    www.mkdir()
    shutil.copyfile(ROOT / "tests" / "browser" / "lms.html", www / "lms.html")
    shutil.copytree(ROOT / "node_modules" / "scorm-again" / "dist", www / "scorm-again")
    with zipfile.ZipFile(work / "out" / args.course / f"{args.course}-scorm12.zip") as zf:
        zf.extractall(www / "scorm12")
    first = sorted((ROOT / "courses" / args.course / "lessons").glob("*.md"))[0]
    lesson_id = [p for p in (www / "scorm12").glob("*.html") if p.name not in ("index.html", "launch.html")]
    results: dict[str, list[float]] = {"toolkit SCORM 1.2 package in scorm-again": []}
    mk_python = Path(tempfile.gettempdir()) / "toolkit-bench-build" / "venv-mkdocs" / "bin" / "python"
    if mk_python.exists():
        mk = work / "mkdocs"
        (mk / "docs").mkdir(parents=True)
        shutil.copyfile(first, mk / "docs" / "index.md")
        (mk / "mkdocs.yml").write_text("site_name: Kursus\ntheme:\n  name: mkdocs\nmarkdown_extensions: [tables, admonition, toc]\n")
        subprocess.run([str(mk_python), "-m", "mkdocs", "build", "-q"], cwd=mk, check=True)
        shutil.copytree(mk / "site", www / "mkdocs")
        results["MkDocs page of the same lesson"] = []
    lms_load: list[float] = []
    server, base = serve(www)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for _ in range(args.runs):
            ctx, page = throttled_page(browser)
            page.goto(f"{base}/lms.html", wait_until="load")
            lms_ready = page.evaluate("performance.now()")
            page.evaluate("LMS.start('12', 'scorm12/launch.html', {cmi: {core: {lesson_location: '"
                          + lesson_id[0].stem + "', entry: 'resume'}, suspend_data: '{\"v\":1,\"s\":[],\"a\":{},\"f\":{},\"x\":{},\"p\":\"\",\"l\":\""
                          + lesson_id[0].stem + "\",\"c\":0,\"k\":0,\"reg\":\"\"}'}})")
            frame = page.frame_locator("#sco").frame_locator("#tk-frame")
            frame.locator("html.tk-js form.tk-quiz").first.wait_for(timeout=120_000)
            ms = page.evaluate("performance.now()")
            results["toolkit SCORM 1.2 package in scorm-again"].append(ms - lms_ready)
            lms_load.append(lms_ready)
            ctx.close()
            if "MkDocs page of the same lesson" in results:
                ctx, page = throttled_page(browser)
                page.goto(f"{base}/mkdocs/index.html", wait_until="load")
                results["MkDocs page of the same lesson"].append(page.evaluate("performance.now()"))
                ctx.close()
        browser.close()
    server.shutdown()
    shutil.rmtree(work, ignore_errors=True)
    print(f"\nslow 4G + 4x CPU, 375 px, median of {args.runs} runs\n")
    print("| page | time to interactive |")
    print("|---|---|")
    for name, times in results.items():
        print(f"| {name} | {statistics.median(times):,.0f} ms |")
    print(f"\n(the scorm-again LMS page itself took {statistics.median(lms_load):,.0f} ms to load before the launch;"
          " the package is timed from the launch)")
    if len(results) == 2:
        ours, peer = (statistics.median(t) for t in results.values())
        print(f"\nMkDocs / toolkit: {peer / ours:.2f}x")


if __name__ == "__main__":
    main()
