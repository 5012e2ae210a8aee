"""Settings for My Say, read from PORTAL_* environment variables in this one place.

Tests and scripts build a Config directly (``Config.from_env(...)`` or ``replace``)
and hand it to ``create_app``; nothing else reads the environment.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from portal.office_hours import OfficeHours

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENTS = ("development", "production", "testing")


class ConfigError(RuntimeError):
    """The settings would make an unsafe or broken portal; refuse to start."""


@dataclass(frozen=True)
class Config:
    env: str = "development"
    secret_key: str = ""
    # Encrypts second-factor secrets at rest (Fernet keys, comma-separated; see crypto.py).
    data_key: str = ""
    database_url: str = ""
    upload_dir: Path = PROJECT_ROOT / "uploads"
    # s3://bucket/prefix keeps uploads in S3-compatible object storage instead of
    # upload_dir (portal/media/s3store.py); credentials come from the AWS_* variables.
    storage_url: str | None = None
    s3_endpoint_url: str | None = None
    instance_dir: Path = PROJECT_ROOT / "instance"
    redis_url: str | None = None
    # Where rate limits are counted: Redis when redis_url is set; "memory" (each process
    # on its own) must be chosen explicitly in production.
    rate_limit_storage: str | None = None
    # Minutes of inactivity before a session ends, and the longest a session may last.
    idle_minutes: int = 30
    absolute_hours: int = 12
    # How many minutes before the idle timeout the "stay signed in" warning appears.
    idle_warning_minutes: int = 2
    sign_in_tries_per_account: str = "5 per 15 minutes"
    sign_in_tries_per_address: str = "50 per 15 minutes"
    max_upload_mb: int = 16
    base_url: str = "http://127.0.0.1:5000"
    # How many reverse proxies sit in front (their X-Forwarded-For/-Proto are trusted).
    proxy_count: int = 0
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "My Say <no-reply@mysay.invalid>"
    smtp_starttls: bool = True
    demo_password: str | None = None
    demo_totp_secret: str | None = None
    # Safeguarding: a team mailbox or duty manager told of every flag with the ISRO; how
    # many minutes of office time a flag may wait for acknowledgement before managers are
    # told; the office hours; the council's emergency duty team for nights and weekends.
    duty_email: str | None = None
    # The advocacy service's mailbox, told (with the ISRO) when a child asks for an advocate.
    advocacy_email: str | None = None
    flag_ack_minutes: int = 120
    office_hours: str = "Mon-Fri 09:00-17:00"
    edt_phone: str | None = None
    # How a young person who has left care reaches the leaving-care team (shown to them).
    leaving_care_contact: str | None = None
    # Retention (portal/retention.py, docs/dpia.md section 12): days each kind is kept.
    retain_days_submissions: int = 90  # after staff confirm the export to the case record
    retain_days_drafts: int = 90  # drafts never sent, after their last change
    retain_days_messages: int = 365  # after staff confirm the export
    retain_days_after_care: int = 90  # a child's record, after they cease to be looked after
    retain_days_adults: int = 90  # carers' and advocates' accounts, after their last link
    retain_days_sessions: int = 30  # sessions, setup codes and sign-in counts, once over
    retain_days_audit: int = 730  # audit events
    retain_days_addresses: int = 180  # the IP address on an audit event
    # Transcripts of voice notes (portal/transcripts/): a CTranslate2 Whisper model folder;
    # None turns them off. Each job has a time limit and an address-space cap in megabytes.
    transcribe_model: Path | None = None
    transcribe_timeout_seconds: int = 1200
    transcribe_memory_mb: int = 4096
    # Jobs (portal/jobs/): a running job renews its lease every heartbeat; one not renewed
    # for the lease is taken to have lost its worker and is queued again. The worker (or,
    # without Redis, each web process) sweeps the jobs table every sweep.
    job_heartbeat_seconds: int = 10
    job_lease_seconds: int = 60
    job_sweep_seconds: int = 60

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def hours(self) -> OfficeHours:
        from portal.office_hours import parsed

        return parsed(self.office_hours)

    @classmethod
    def from_env(cls, environ: os._Environ | dict | None = None, **overrides) -> Config:
        env = dict(os.environ if environ is None else environ)
        name = env.get("PORTAL_ENV", "development").strip().lower()
        if name not in ENVIRONMENTS:
            raise ConfigError(f"PORTAL_ENV must be one of {', '.join(ENVIRONMENTS)}, not {name!r}")
        instance_dir = Path(env.get("PORTAL_INSTANCE_DIR", PROJECT_ROOT / "instance"))
        config = cls(
            env=name,
            secret_key=env.get("PORTAL_SECRET_KEY", ""),
            data_key=env.get("PORTAL_DATA_KEY", ""),
            rate_limit_storage=(env.get("PORTAL_RATE_LIMIT_STORAGE") or "").strip().lower()
            or None,
            database_url=env.get("PORTAL_DATABASE_URL", ""),
            upload_dir=Path(env.get("PORTAL_UPLOAD_DIR", PROJECT_ROOT / "uploads")),
            storage_url=env.get("PORTAL_STORAGE_URL") or None,
            s3_endpoint_url=env.get("PORTAL_S3_ENDPOINT_URL") or None,
            instance_dir=instance_dir,
            redis_url=env.get("PORTAL_REDIS_URL") or None,
            idle_minutes=int(env.get("PORTAL_IDLE_MINUTES", 30)),
            absolute_hours=int(env.get("PORTAL_ABSOLUTE_HOURS", 12)),
            base_url=env.get("PORTAL_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
            proxy_count=int(env.get("PORTAL_PROXY_COUNT", 0)),
            sign_in_tries_per_address=env.get("PORTAL_SIGN_IN_TRIES_PER_ADDRESS",
                                              "50 per 15 minutes"),
            smtp_host=env.get("PORTAL_SMTP_HOST") or None,
            smtp_port=int(env.get("PORTAL_SMTP_PORT", 587)),
            smtp_username=env.get("PORTAL_SMTP_USERNAME") or None,
            smtp_password=env.get("PORTAL_SMTP_PASSWORD") or None,
            smtp_from=env.get("PORTAL_SMTP_FROM", "My Say <no-reply@mysay.invalid>"),
            smtp_starttls=env.get("PORTAL_SMTP_STARTTLS", "1").lower() not in ("0", "false",
                                                                              "no"),
            demo_password=env.get("PORTAL_DEMO_PASSWORD") or None,
            demo_totp_secret=env.get("PORTAL_DEMO_TOTP_SECRET") or None,
            duty_email=env.get("PORTAL_DUTY_EMAIL") or None,
            advocacy_email=env.get("PORTAL_ADVOCACY_EMAIL") or None,
            flag_ack_minutes=int(env.get("PORTAL_FLAG_ACK_MINUTES", 120)),
            office_hours=env.get("PORTAL_OFFICE_HOURS") or "Mon-Fri 09:00-17:00",
            edt_phone=env.get("PORTAL_EDT_PHONE") or None,
            leaving_care_contact=env.get("PORTAL_LEAVING_CARE_CONTACT") or None,
            retain_days_submissions=int(env.get("PORTAL_RETAIN_DAYS_SUBMISSIONS", 90)),
            retain_days_drafts=int(env.get("PORTAL_RETAIN_DAYS_DRAFTS", 90)),
            retain_days_messages=int(env.get("PORTAL_RETAIN_DAYS_MESSAGES", 365)),
            retain_days_after_care=int(env.get("PORTAL_RETAIN_DAYS_AFTER_CARE", 90)),
            retain_days_adults=int(env.get("PORTAL_RETAIN_DAYS_ADULTS", 90)),
            retain_days_sessions=int(env.get("PORTAL_RETAIN_DAYS_SESSIONS", 30)),
            retain_days_audit=int(env.get("PORTAL_RETAIN_DAYS_AUDIT", 730)),
            retain_days_addresses=int(env.get("PORTAL_RETAIN_DAYS_ADDRESSES", 180)),
            transcribe_model=Path(env["PORTAL_TRANSCRIBE_MODEL"])
            if env.get("PORTAL_TRANSCRIBE_MODEL") else None,
            transcribe_timeout_seconds=int(env.get("PORTAL_TRANSCRIBE_TIMEOUT_SECONDS", 1200)),
            transcribe_memory_mb=int(env.get("PORTAL_TRANSCRIBE_MEMORY_MB", 4096)),
            job_heartbeat_seconds=int(env.get("PORTAL_JOB_HEARTBEAT_SECONDS", 10)),
            job_lease_seconds=int(env.get("PORTAL_JOB_LEASE_SECONDS", 60)),
            job_sweep_seconds=int(env.get("PORTAL_JOB_SWEEP_SECONDS", 60)),
        )
        return replace(config, **overrides).resolved()

    def resolved(self) -> Config:
        """Fill in development defaults and refuse unsafe production settings."""
        secret_key = self.secret_key
        if self.is_production:
            if len(secret_key) < 32:
                raise ConfigError(
                    "PORTAL_SECRET_KEY must be set to at least 32 random characters in production"
                )
            if not self.database_url:
                raise ConfigError("PORTAL_DATABASE_URL must be set in production")
            if not self.redis_url and self.rate_limit_storage != "memory":
                raise ConfigError(
                    "PORTAL_REDIS_URL must be set in production, so that every process counts "
                    "the same rate limits (or set PORTAL_RATE_LIMIT_STORAGE=memory to accept "
                    "limits counted by each process on its own)")
            if not self.data_key:
                raise ConfigError("PORTAL_DATA_KEY must be set in production: it encrypts "
                                  "staff second-factor secrets (see docs/operations.md)")
            if self.data_key == secret_key:
                raise ConfigError("PORTAL_DATA_KEY must not be the same as PORTAL_SECRET_KEY")
        elif not secret_key:
            secret_key = _development_secret(self.instance_dir)
        from portal.crypto import DataKeyError, parse_keys
        from portal.office_hours import OfficeHours, OfficeHoursError

        if self.data_key:
            try:
                parse_keys(self.data_key)
            except DataKeyError as problem:
                raise ConfigError(str(problem)) from None
        if self.storage_url:
            from portal.media.s3store import parse_url

            try:
                parse_url(self.storage_url)
            except ValueError:
                raise ConfigError("PORTAL_STORAGE_URL must look like s3://bucket/prefix "
                                  "(or be unset, for the upload folder)") from None
        if self.rate_limit_storage not in (None, "memory"):
            raise ConfigError("PORTAL_RATE_LIMIT_STORAGE can only be 'memory' (or unset)")

        try:
            OfficeHours.parse(self.office_hours)
        except OfficeHoursError as problem:
            raise ConfigError(f"PORTAL_OFFICE_HOURS: {problem}") from None
        if self.flag_ack_minutes < 1:
            raise ConfigError("PORTAL_FLAG_ACK_MINUTES must be at least 1")
        for field in fields(self):
            if field.name.startswith("retain_days_") and getattr(self, field.name) < 0:
                raise ConfigError(f"PORTAL_{field.name.upper()} must be a number of days, "
                                  "0 or more")
        if self.transcribe_model is not None and not (
                Path(self.transcribe_model) / "model.bin").is_file():
            raise ConfigError("PORTAL_TRANSCRIBE_MODEL must be the folder of a CTranslate2 "
                              "Whisper model (with model.bin), or unset to turn transcripts off")
        if self.transcribe_timeout_seconds < 1 or self.transcribe_memory_mb < 256:
            raise ConfigError("PORTAL_TRANSCRIBE_TIMEOUT_SECONDS must be at least 1 and "
                              "PORTAL_TRANSCRIBE_MEMORY_MB at least 256")
        if not 1 <= self.job_heartbeat_seconds < self.job_lease_seconds or \
                self.job_sweep_seconds < 1:
            raise ConfigError("PORTAL_JOB_HEARTBEAT_SECONDS must be at least 1 and less than "
                              "PORTAL_JOB_LEASE_SECONDS; PORTAL_JOB_SWEEP_SECONDS at least 1")
        database_url = self.database_url or f"sqlite:///{self.instance_dir / 'portal.sqlite3'}"
        return replace(self, secret_key=secret_key, database_url=database_url)


def _development_secret(instance_dir: Path) -> str:
    """Generate a secret once per checkout and keep it, so sessions survive restarts."""
    path = instance_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key
