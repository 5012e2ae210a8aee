"""Throughput and latency of a signed-in child's home page, and of sending a poem, under
gunicorn on this machine, beside a bare Flask hello-world measured in the same run.

The ratio (portal home page / bare Flask) is the figure; the aim is at least 0.5.
Needs wrk (Debian: apt-get install wrk). Run: .venv/bin/python bench/throughput.py
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
WORKERS = os.cpu_count() or 2
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


STARTUP_SECONDS = float(os.environ.get("BENCH_STARTUP_SECONDS", "300"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(app: str, port: int, env: dict, started: list[subprocess.Popen]) -> None:
    """Start gunicorn in its own process group (added to ``started`` at once, so the
    caller always stops it) and wait until it answers.

    A cold start (importing WeasyPrint, Pillow, the translations; the first request of
    each worker) can take many seconds on a small machine: each try may time out, and
    only the overall deadline, or gunicorn exiting, is a failure."""
    process = subprocess.Popen([str(GUNICORN), "--workers", str(WORKERS), "--threads", "4",
                                "--bind", f"127.0.0.1:{port}", "--log-level", "warning", app],
                               cwd=ROOT, env={**os.environ, **env}, start_new_session=True)
    started.append(process)
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn ({app}) exited with {process.returncode}")
        try:
            requests.get(f"http://127.0.0.1:{port}/", timeout=10)
            return
        except requests.RequestException:  # refused, reset, or read timed out
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn ({app}) did not answer within {STARTUP_SECONDS:.0f} s")


def stop(process: subprocess.Popen) -> None:
    """Stop gunicorn and its workers: the whole process group, by force if need be."""
    for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue


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
    """Send poems as fast as ``clients`` threads can, as one child. Every answer is
    counted by status: 302 is sent; 429 is the portal's sending limit for one child."""
    latencies, statuses, problems = [], Counter(), []
    stop_at = time.monotonic() + SECONDS

    def loop():
        session = requests.Session()
        session.cookies.update(cookie_jar)
        try:
            while time.monotonic() < stop_at:
                started = time.perf_counter()
                response = session.post(base + "/my-say/poem", allow_redirects=False, timeout=60,
                                        data={"csrf_token": token, "visibility": "isro",
                                              "text": "A short poem\nabout my week"})
                latencies.append((time.perf_counter() - started) * 1000)
                statuses[response.status_code] += 1
        except requests.RequestException as exc:
            problems.append(repr(exc))

    threads = [threading.Thread(target=loop) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if not latencies:
        raise RuntimeError(f"no poem was answered: {problems[:3]}")
    latencies.sort()
    return {"rate": len(latencies) / SECONDS, "p50": statistics.median(latencies),
            "p99": latencies[max(int(len(latencies) * 0.99) - 1, 0)],
            "statuses": dict(sorted(statuses.items())), "problems": problems}


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("install wrk first: apt-get install wrk")
    tmp = Path(tempfile.mkdtemp())
    env = {"PORTAL_ENV": "development", "PORTAL_INSTANCE_DIR": str(tmp),
           "PORTAL_DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
           "PORTAL_UPLOAD_DIR": str(tmp / "uploads"), "PORTAL_DEMO_PASSWORD": "bench password 1",
           "PORTAL_SIGN_IN_TRIES_PER_ADDRESS": "100000 per minute"}
    flask = [str(Path(sys.executable).with_name("flask")), "--app", "portal"]
    started: list[subprocess.Popen] = []
    # Killed from outside (timeout, CI), still stop the servers: SIGTERM runs the finally.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        for command in ("init-db", "demo"):
            done = subprocess.run([*flask, command], cwd=ROOT, env={**os.environ, **env},
                                  capture_output=True, text=True, check=False)
            if done.returncode:
                sys.exit(f"flask {command} failed:\n{done.stderr[-2000:]}")
        bare_port, portal_port = free_port(), free_port()
        serve("bench.hello:app", bare_port, {}, started)
        serve("portal:create_app()", portal_port, env, started)
        portal = f"http://127.0.0.1:{portal_port}"
        hello = wrk(f"http://127.0.0.1:{bare_port}/")
        browser = requests.Session()
        page = browser.get(f"{portal}/sign-in", timeout=60).text
        signed_in = browser.post(f"{portal}/sign-in", allow_redirects=False, timeout=60, data={
            "csrf_token": TOKEN.search(page).group(1), "username": "child.demo",
            "password": "bench password 1"})
        if signed_in.status_code != 302:
            sys.exit(f"signing in as child.demo answered {signed_in.status_code}")
        cookie = "; ".join(f"{c.name}={c.value}" for c in browser.cookies)
        home = wrk(f"{portal}/", cookie)
        token = TOKEN.search(browser.get(f"{portal}/my-say/poem", timeout=60).text).group(1)
        poems = send_poems(portal, browser.cookies, token)
    finally:
        for process in reversed(started):
            stop(process)
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"gunicorn, {WORKERS} workers x 4 threads, {SECONDS} s each, on {os.cpu_count()} cores")
    print(f"{'':30}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    print(f"{'bare Flask hello-world':30}{hello['rate']:>10.0f}{hello['p50']:>10.1f}"
          f"{hello['p99']:>10.1f}")
    print(f"{'child home page (signed in)':30}{home['rate']:>10.0f}{home['p50']:>10.1f}"
          f"{home['p99']:>10.1f}   errors: {home['errors']}")
    print(f"{'send a poem (16 clients)':30}{poems['rate']:>10.0f}{poems['p50']:>10.1f}"
          f"{poems['p99']:>10.1f}   answers: {poems['statuses']} "
          f"(302 sent, 429 over one child's sending limit)")
    if poems["problems"]:
        print(f"  {len(poems['problems'])} poem client(s) stopped early: {poems['problems'][0]}")
    print(f"home page / bare Flask = {home['rate'] / hello['rate']:.2f} (aim: at least 0.50)")


if __name__ == "__main__":
    main()
