"""The job queue: what enqueueing costs a request, and how fast one worker drains it.

Prints, on a file SQLite database in a temporary folder (or PORTAL_BENCH_DATABASE_URL):
- milliseconds to enqueue one job and commit, in-process (running a no-op job) and with
  Redis (pushing its id);
- jobs per second through one real `flask --app portal worker` (RQ forks per job).

Uses Redis db 5 at 127.0.0.1 (BENCH_REDIS_URL), which it empties.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import redis  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from portal import create_app, db, jobs, migrate  # noqa: E402
from portal.config import PROJECT_ROOT, Config  # noqa: E402
from portal.jobs.models import Job, JobState  # noqa: E402
from tests.jobs.sample import append_line  # noqa: E402

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
JOBS = int(os.environ.get("BENCH_JOBS", 200))


def _enqueue_ms(app, n: int) -> float:
    started = time.perf_counter()
    for _ in range(n):
        with app.app_context():
            jobs.enqueue(append_line, os.devnull, "")  # next to nothing: the queue's own cost
            db.session().commit()
    return (time.perf_counter() - started) * 1000 / n


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-jobs-"))
    url = os.environ.get("PORTAL_BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'bench.sqlite3'}"
    migrate.upgrade(url)
    config = Config(env="testing", secret_key="bench-" + "x" * 40, database_url=url,
                    instance_dir=tmp / "instance", upload_dir=tmp / "uploads")
    app = create_app(config)
    connection = redis.Redis.from_url(REDIS_URL)
    connection.flushdb()
    print(f"enqueue + commit, in-process (runs the job): {_enqueue_ms(app, 100):.1f} ms")
    app.config["PORTAL"] = replace(config, redis_url=REDIS_URL)
    print(f"enqueue + commit, with Redis (pushes the id):      {_enqueue_ms(app, JOBS):.1f} ms")
    env = {**os.environ, "PORTAL_ENV": "testing", "PORTAL_SECRET_KEY": config.secret_key,
           "PORTAL_DATABASE_URL": url, "PORTAL_REDIS_URL": REDIS_URL,
           "PORTAL_INSTANCE_DIR": str(config.instance_dir),
           "PORTAL_UPLOAD_DIR": str(config.upload_dir), "PYTHONPATH": str(PROJECT_ROOT)}
    started = time.perf_counter()
    subprocess.run([str(PROJECT_ROOT / ".venv/bin/flask"), "--app", "portal", "worker",
                    "--burst"], cwd=PROJECT_ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    with app.app_context():
        done = db.session().scalar(select(func.count()).where(Job.state == JobState.DONE))
    print(f"one worker, {JOBS} jobs (start-up included): {seconds:.1f} s, "
          f"{JOBS / seconds:.0f} jobs/s; {done - 100} done")
    connection.flushdb()


if __name__ == "__main__":
    main()
