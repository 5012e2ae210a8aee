"""Commands: flask --app portal worker | run-jobs."""
from __future__ import annotations

import click
import redis
from flask import current_app
from flask.cli import with_appcontext

from portal.jobs import queue, runner


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run what is queued, then stop.")
@with_appcontext
def worker(burst: bool) -> None:
    """Run jobs from Redis (RQ), inside the app. Start one or more beside gunicorn."""
    try:
        queue.work(current_app._get_current_object(), burst=burst)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from error
    except redis.exceptions.ConnectionError as error:
        raise click.ClickException(f"Redis is not reachable at PORTAL_REDIS_URL: {error}") \
            from error


@click.command("run-jobs")
@with_appcontext
def run_jobs() -> None:
    """Run every job that is due, once (for cron or a timer where there is no Redis)."""
    counts = runner.run_due()
    click.echo(", ".join(f"{counts[k]} {k}" for k in ("done", "retry", "failed", "requeued"))
               + ".")
