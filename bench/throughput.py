"""Throughput and latency of a signed-in child's home page, and of sending a poem, under
gunicorn on this machine, beside a bare Flask hello-world measured in the same run.

The ratio (portal home page / bare Flask) is the figure; the aim is at least 0.5.
Needs wrk (Debian: apt-get install wrk). Run: .venv/bin/python bench/throughput.py
"""
from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
WORKERS = os.cpu_count() or 2
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def serve(app: str, port: int, env: dict) -> subprocess.Popen:
    process = subprocess.Popen([str(GUNICORN), "--workers", str(WORKERS), "--threads", "4",
                                "--bind", f"127.0.0.1:{port}", "--log-level", "warning", app],
                               cwd=ROOT, env={**os.environ, **env})
    for _ in range(100):
        try:
            requests.get(f"http://127.0.0.1:{port}/", timeout=1)
            return process
        except requests.ConnectionError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def wrk(url: str, cookie: str | None = None) -> dict:
    command = ["wrk", "-t2", "-c32", f"-d{SECONDS}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}%\s+([\d.]+)(\w+)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rate": rate, "p50": ms("50"), "p99": ms("99"),
            "errors": int(non2xx.group(1)) if non2xx else 0}


def send_poems(base: str, cookie_jar, token: str, clients: int = 16) -> dict:
    latencies, stop = [], time.monotonic() + SECONDS

    def loop():
        session = requests.Session()
        session.cookies.update(cookie_jar)
        while time.monotonic() < stop:
            started = time.perf_counter()
            response = session.post(base + "/my-say/poem", allow_redirects=False, data={
                "csrf_token": token, "text": "A short poem\nabout my week", "visibility": "isro"})
            assert response.status_code == 302, response.status_code
            latencies.append((time.perf_counter() - started) * 1000)

    threads = [threading.Thread(target=loop) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    return {"rate": len(latencies) / SECONDS, "p50": statistics.median(latencies),
            "p99": latencies[int(len(latencies) * 0.99) - 1]}


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("install wrk first: apt-get install wrk")
    tmp = Path(tempfile.mkdtemp())
    env = {"PORTAL_ENV": "development", "PORTAL_INSTANCE_DIR": str(tmp),
           "PORTAL_UPLOAD_DIR": str(tmp / "uploads"), "PORTAL_DEMO_PASSWORD": "bench password 1",
           "PORTAL_SIGN_IN_TRIES_PER_ADDRESS": "100000 per minute"}
    flask = [str(Path(sys.executable).with_name("flask")), "--app", "portal"]
    subprocess.run([*flask, "init-db"], cwd=ROOT, env={**os.environ, **env}, check=True,
                   capture_output=True)
    subprocess.run([*flask, "demo"], cwd=ROOT, env={**os.environ, **env}, check=True,
                   capture_output=True)
    bare = serve("bench.hello:app", 8101, {})
    portal = serve("portal:create_app()", 8102, env)
    try:
        hello = wrk("http://127.0.0.1:8101/")
        browser = requests.Session()
        page = browser.get("http://127.0.0.1:8102/sign-in").text
        browser.post("http://127.0.0.1:8102/sign-in", data={
            "csrf_token": TOKEN.search(page).group(1), "username": "child.demo",
            "password": "bench password 1"})
        cookie = "; ".join(f"{c.name}={c.value}" for c in browser.cookies)
        home = wrk("http://127.0.0.1:8102/", cookie)
        token = TOKEN.search(browser.get("http://127.0.0.1:8102/my-say/poem").text).group(1)
        poems = send_poems("http://127.0.0.1:8102", browser.cookies, token)
    finally:
        for process in (bare, portal):
            process.terminate()
            process.wait()
    print(f"gunicorn, {WORKERS} workers x 4 threads, {SECONDS} s each, on {os.cpu_count()} cores")
    print(f"{'':30}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    print(f"{'bare Flask hello-world':30}{hello['rate']:>10.0f}{hello['p50']:>10.1f}"
          f"{hello['p99']:>10.1f}")
    print(f"{'child home page (signed in)':30}{home['rate']:>10.0f}{home['p50']:>10.1f}"
          f"{home['p99']:>10.1f}   errors: {home['errors']}")
    print(f"{'send a poem (16 clients)':30}{poems['rate']:>10.0f}{poems['p50']:>10.1f}"
          f"{poems['p99']:>10.1f}")
    print(f"home page / bare Flask = {home['rate'] / hello['rate']:.2f} (aim: at least 0.50)")


if __name__ == "__main__":
    main()
