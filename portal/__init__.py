"""My Say: children in care tell their reviewing officer what they think."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Flask, g, request, session
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user

from portal.config import PROJECT_ROOT, Config


def create_app(config: Config | None = None) -> Flask:
    config = config or Config.from_env()
    app = Flask(
        __name__,
        instance_path=str(config.instance_dir),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    from portal.text import PortalRequest

    app.request_class = PortalRequest
    app.config.update(
        PORTAL=config,
        SECRET_KEY=config.secret_key,
        MAX_CONTENT_LENGTH=config.max_upload_mb * 1024 * 1024,
        SESSION_COOKIE_NAME="mysay_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.is_production,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=config.absolute_hours),
        WTF_CSRF_TIME_LIMIT=config.absolute_hours * 3600,
        USE_SESSION_FOR_NEXT=True,
        TESTING=config.env == "testing",
        SEND_FILE_MAX_AGE_DEFAULT=3600,
    )
    if config.proxy_count:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Rate limits and the audit trail need the visitor's address, not the proxy's.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.proxy_count,
                                x_proto=config.proxy_count, x_host=config.proxy_count)
    config.instance_dir.mkdir(parents=True, exist_ok=True)
    config.upload_dir.mkdir(parents=True, exist_ok=True)

    from portal import access, db, errors, i18n, security
    from portal.numbers import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route is added

    db.init_app(app, config.database_url)
    security.init_app(app)
    i18n.init_app(app)
    _init_login(app)
    access.init_app(app)
    errors.init_app(app)
    _register_blueprints(app)
    _template_helpers(app)

    from portal import cli

    cli.init_app(app)
    from portal import jobs

    jobs.init_app(app)
    return app


def _init_login(app: Flask) -> None:
    from portal.accounts import sessions

    manager = LoginManager()
    manager.login_view = "accounts.sign_in"
    manager.login_message = _l("Sign in to see that page.")
    manager.login_message_category = "info"
    # Sessions live on the server (accounts.sessions), so Flask-Login's own checks are not needed.
    manager.session_protection = None
    manager.user_loader(sessions.load)
    manager.init_app(app)
    app.extensions["portal.login_manager"] = manager


def _register_blueprints(app: Flask) -> None:
    from portal.accounts.two_step import bp as two_step
    from portal.accounts.views import bp as accounts
    from portal.audit_trail.views import bp as audit_trail
    from portal.casework.child_import import bp as child_import
    from portal.casework.children import bp as children
    from portal.casework.day import bp as day
    from portal.casework.views import bp as casework
    from portal.consultations.adult_views import bp as on_behalf
    from portal.consultations.views import bp as consultations
    from portal.exports.views import bp as exports
    from portal.jobs.views import bp as jobs
    from portal.messages.safety_views import bp as safety
    from portal.messages.views import bp as messages
    from portal.pages.views import bp as pages
    from portal.planning.views import bp as planning
    from portal.reports.annual_views import bp as annual
    from portal.reports.import_903 import bp as import_903
    from portal.reports.views import bp as reports
    from portal.retention_views import bp as retention
    from portal.reviews.plan_views import bp as my_plan
    from portal.reviews.views import bp as reviews
    from portal.speech.views import bp as speech
    from portal.voice.views import bp as voice

    app.register_blueprint(pages)
    app.register_blueprint(accounts)
    app.register_blueprint(two_step)
    app.register_blueprint(consultations)
    app.register_blueprint(on_behalf)
    app.register_blueprint(messages)
    app.register_blueprint(safety)
    app.register_blueprint(reviews)
    app.register_blueprint(my_plan)
    app.register_blueprint(casework)
    app.register_blueprint(children)
    app.register_blueprint(child_import)
    app.register_blueprint(day)
    app.register_blueprint(reports)
    app.register_blueprint(import_903)
    app.register_blueprint(annual)
    app.register_blueprint(retention)
    app.register_blueprint(exports)
    app.register_blueprint(audit_trail)
    app.register_blueprint(voice)
    app.register_blueprint(jobs)
    app.register_blueprint(planning)
    app.register_blueprint(speech)


def _storage_owner() -> str:
    """A per-person key for text kept in the browser while offline, so one child's words
    never fill in another's page on a shared phone. Derived, not the account id."""
    import hashlib
    import hmac

    from flask import current_app

    if not current_user.is_authenticated:
        return "none"
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"owner:{current_user.id}".encode(), hashlib.sha256).hexdigest()[:16]


def i18n_reviewed() -> frozenset[str]:
    from portal.i18n import REVIEWED

    return REVIEWED


def _template_helpers(app: Flask) -> None:
    from flask_babel import format_date, format_datetime

    from portal import clock
    from portal.accounts import preferences

    app.jinja_env.globals.update(
        format_date=format_date,
        format_datetime=format_datetime,
        html_classes=preferences.html_classes,
        display_settings=preferences.current,
        idle_deadline=lambda: g.get("idle_deadline"),
        now_date=clock.today,
        storage_owner=_storage_owner,
        reviewed_languages=i18n_reviewed(),
    )
    from portal.text import typed_text

    app.jinja_env.filters["typed"] = typed_text
    app.jinja_env.filters["fromiso"] = date.fromisoformat
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    def staff_open_flags() -> int:
        from portal.messages.queries import open_flag_count

        return open_flag_count(current_user) if current_user.is_staff else 0

    app.jinja_env.globals["staff_open_flags"] = staff_open_flags

    from portal.menu import current_section, staff_menu

    app.jinja_env.globals.update(staff_menu=staff_menu, current_section=current_section)

    @app.context_processor
    def people():
        signed_in = current_user.is_authenticated
        role = current_user.role if signed_in else None
        return {
            "signed_in": signed_in,
            "role": role,
            # The quick-exit button shows to children and to anyone not signed in.
            "childrens_page": role in (None, "child"),
            "idle_warning_seconds": app.config["PORTAL"].idle_warning_minutes * 60,
            "current_path": request.path,
        }

    @app.before_request
    def remember_nothing_from_old_sessions():
        # Flask's session is permanent so its cookie carries an expiry (absolute timeout).
        session.permanent = True
