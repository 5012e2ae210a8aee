"""Commands: flask --app portal init-db | demo | demo-code | create-account."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from portal import clock, db, migrate
from portal.accounts import codes, operations
from portal.accounts.models import Role


def init_app(app: Flask) -> None:
    app.cli.add_command(init_db)
    app.cli.add_command(demo)
    app.cli.add_command(demo_code)
    app.cli.add_command(create_account)
    app.cli.add_command(import_reviews)
    app.cli.add_command(export_903_reviews)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(sweep_uploads)
    app.cli.add_command(add_child)
    app.cli.add_command(link_person)
    app.cli.add_command(import_children)
    app.cli.add_command(import_903)
    from portal.messages.cli import check_flags, safety_scan

    app.cli.add_command(safety_scan)
    app.cli.add_command(check_flags)
    from portal.retention import command as retention

    app.cli.add_command(retention)
    from portal.jobs.cli import run_jobs, worker

    app.cli.add_command(worker)
    app.cli.add_command(run_jobs)


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database to the latest migration."""
    from portal.crypto import keys_for

    config = current_app.config["PORTAL"]
    migrate.upgrade(config.database_url, data_keys=keys_for(config))
    click.echo("Database is up to date.")


@click.command("demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) if already loaded.")
def demo(if_empty: bool) -> None:
    """Load demo people, children and reviews, and print their sign-ins."""
    from portal import demo as demo_data

    config = current_app.config["PORTAL"]
    if config.is_production:
        raise click.ClickException(demo_data.NOT_IN_PRODUCTION)
    # Development only: the sign-ins are kept in the instance folder so every start can
    # print them again (passwords themselves are stored only as argon2 hashes).
    notes = config.instance_dir / "demo-sign-ins.txt"
    if operations.find_account("isro.demo") is not None:
        if if_empty:
            click.echo(notes.read_text() if notes.exists() else "Demo data is already loaded.")
            return
        raise click.ClickException("Demo data is already loaded.")
    result = demo_data.load(config.demo_password, config.demo_totp_secret)
    lines = ["Demo sign-ins (every password is the same):"]
    lines += [f"  {username:<15} {who}" for username, who in result.usernames]
    lines += [f"  password:          {result.password}",
              f"  staff TOTP secret: {result.totp_secret}",
              "  staff second-factor code now: flask --app portal demo-code"]
    notes.write_text("\n".join(lines) + "\n")
    notes.chmod(0o600)
    click.echo("\n".join(lines))


@click.command("demo-code")
@with_appcontext
def demo_code() -> None:
    """Print the current second-factor code of the demo staff accounts."""
    if current_app.config["PORTAL"].is_production:
        raise click.ClickException("Not available in production.")
    account = operations.find_account("isro.demo")
    if account is None or not account.totp_secret:
        raise click.ClickException("Load the demo data first: flask --app portal demo")
    click.echo(codes.current_totp(account.totp_secret))


@click.command("create-account")
@with_appcontext
@click.option("--role", type=click.Choice([r.value for r in Role if r is not Role.CHILD]),
              required=True)
@click.option("--username", required=True)
@click.option("--name", "display_name", required=True, help="Name shown to others.")
@click.option("--email")
@click.option("--phone")
def create_account(role: str, username: str, display_name: str, email: str | None,
                   phone: str | None) -> None:
    """Create an adult's account and print a one-time setup code (valid 14 days).

    Children's accounts are made by their ISRO from the child's page, with a sign-in card.
    """
    try:
        account = operations.create_account(Role(role), username, display_name, email=email,
                                            phone=phone)
    except operations.NotAllowed as exc:
        raise click.ClickException(str(exc)) from exc
    code = operations.issue_setup_code(account)
    db.session().commit()
    base = current_app.config["PORTAL"].base_url
    click.echo(f"Created {role} {account.username}.")
    click.echo(f"Setup code, valid {operations.SETUP_CODE_DAYS} days: {code}")
    click.echo(f"They set their password at {base}/start")


@click.command("import-reviews")
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
@with_appcontext
def import_reviews(csv_file) -> None:
    """Import past reviews from a CSV (the portal's columns or a DfE 903 Reviews.csv).

    Every line is checked first; a file with any error imports nothing.
    """
    from portal.reviews import importer

    try:
        count = importer.import_reviews(csv_file)
    except importer.ImportFailed as failed:
        for error in failed.errors:
            click.echo(error, err=True)
        raise click.ClickException(f"nothing was imported: {len(failed.errors)} line(s) "
                                   "need fixing") from failed
    click.echo(f"Imported {count} reviews.")


@click.command("export-903-reviews")
@click.option("--year", type=int, required=True,
              help="Collection year by the year it starts: 2025 is 1 April 2025 to 31 March 2026.")
@click.argument("out", type=click.File("w", encoding="utf-8", lazy=True))
@with_appcontext
def export_903_reviews(year: int, out) -> None:
    """Write the SSDA903 Reviews table (CHILD, DOB, REVIEW, REVIEW_CODE) for a year.

    Rows that break the DfE's rules 167, 440 or 441 are held back and listed.
    """
    from portal.reviews import return903

    rows, problems = return903.build(year)
    out.write(return903.as_csv(rows))
    start, end = return903.collection_year(year)
    click.echo(f"Collection year {start:%d/%m/%Y} to {end:%d/%m/%Y}: exported {len(rows)} "
               f"reviews.")
    if problems:
        click.echo(f"Held back {len(problems)} reviews that the DfE would refuse:", err=True)
        for p in problems:
            click.echo(f"  {p.reference} {p.review_date:%d/%m/%Y}: {p.message}. {p.fix}.",
                       err=True)


@click.command("backup")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(out: Path) -> None:
    """Back up the SQLite database and the upload folder into one .tar.gz file."""
    from portal import backup

    config = current_app.config["PORTAL"]
    try:
        backup.backup(config.database_url, config.upload_dir, out)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backed up the database and uploads to {out}.")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the current data without asking.")
@with_appcontext
def restore_command(archive: Path, yes: bool) -> None:
    """Restore a backup made with `backup` (stop the site first)."""
    from portal import backup

    config = current_app.config["PORTAL"]
    if not yes:
        click.confirm("This replaces the current database and uploads. Continue?", abort=True)
    db.engine().dispose()
    try:
        backup.restore(config.database_url, config.upload_dir, archive)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo("Restored. Start the site again.")


@click.command("sweep-uploads")
@click.option("--delete", is_flag=True, help="Delete the files found (default: list them).")
@with_appcontext
def sweep_uploads(delete: bool) -> None:
    """Find stored files no record names (left by a crash mid-upload) and temporaries."""
    from portal.media.serving import app_store
    from portal.retention import stored_names

    store = app_store()  # the folder, or the bucket of PORTAL_STORAGE_URL
    found = store.orphans(stored_names())
    for path in found:
        click.echo(f"{'deleting' if delete else 'orphan'} {path}")
        if delete:
            store.remove_orphan(path)
    swept = store.sweep_temporaries(3600) if delete else 0
    click.echo(f"{len(found)} orphan file(s), {swept} temporary file(s) removed.")


@click.command("add-child")
@click.option("--name", required=True, help="The name the child likes to be called.")
@click.option("--born", type=click.DateTime(["%Y-%m-%d"]), required=True, help="yyyy-mm-dd")
@click.option("--looked-after-since", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--isro", "isro_username", required=True, help="Username of their ISRO.")
@click.option("--reference", help="The council's child reference (for the SSDA903 return).")
@click.option("--language", default="en", help="e.g. ar, ps, fa_AF, ti")
@with_appcontext
def add_child(name, born, looked_after_since, isro_username, reference, language) -> None:
    """Add a child looked after, with their first review's statutory due date."""
    from portal.accounts.models import Role
    from portal.i18n import LANGUAGE_NAMES
    from portal.reviews import operations as reviews

    isro = operations.find_account(isro_username)
    if isro is None or isro.role is not Role.ISRO:
        raise click.ClickException(f"{isro_username!r} is not an ISRO's username")
    if language not in LANGUAGE_NAMES:
        raise click.ClickException(f"unknown language {language!r}")
    child = operations.create_child(name, born.date(), looked_after_since.date(), isro=isro,
                                    language=language, reference=reference or None)
    kind, due = reviews.next_due(child)
    reviews.add_review(child, due, kind=kind)
    db.session().commit()
    click.echo(f"Added child {child.id}; first review due by {due:%d/%m/%Y}. Their ISRO makes "
               "their sign-in card from the child's page.")


@click.command("link")
@click.option("--person", "username", required=True, help="A carer's or advocate's username.")
@click.option("--child", "reference", required=True, help="The child's council reference.")
@click.option("--ends", type=click.DateTime(["%Y-%m-%d"]), help="End an existing link on this day.")
@with_appcontext
def link_person(username, reference, ends) -> None:
    """Link a carer or advocate to a child (or end the link with --ends)."""

    from sqlalchemy import select

    from portal.accounts.models import Child, Link, LinkKind

    person = operations.find_account(username)
    child = db.session().scalar(select(Child).where(Child.reference == reference))
    if person is None or person.role not in (LinkKind.CARER, LinkKind.ADVOCATE) or child is None:
        raise click.ClickException("give a carer's or advocate's username and a child reference")
    if ends:
        current = db.session().scalars(select(Link).where(
            Link.account_id == person.id, Link.child_id == child.id, Link.ends_on.is_(None)))
        for row in current:
            operations.end_link(row, ends.date())
        message = "Link ended."
    else:
        operations.link(person, child, LinkKind(person.role), clock.today())
        message = "Linked."
    db.session().commit()
    click.echo(message)


@click.command("import-children")
@click.argument("csv_file", type=click.File("rb"))
@click.option("--dry-run", is_flag=True, help="Only say what would change.")
@with_appcontext
def import_children(csv_file, dry_run: bool) -> None:
    """Add and update children from the case-management system's CSV (matched by reference).

    Every line is checked first; a file with any error imports nothing. See README,
    "Importing children", for the columns.
    """
    from portal.casework import importer

    preview = importer.read(csv_file)
    counts = preview.counts
    click.echo(f"{preview.lines} line(s): {counts.added} to add, {counts.changed} to change, "
               f"{counts.ended} ceased, {counts.linked} link(s) to add.")
    shown = 5
    for title, items in (
            ("Added", [f"line {c.row.line}: {c.row.reference}" for c in preview.added]),
            ("Changed", [f"line {c.row.line}: {c.row.reference}: {', '.join(c.changed_fields)}"
                         for c in preview.changed]),
            ("Ceased", [f"line {c.row.line}: {c.row.reference} on {c.row.ceased_on:%Y-%m-%d} "
                        f"({c.row.ceased_reason})" for c in preview.ended]),
            ("Linked", [f"line {c.row.line}: {c.row.reference}: {kind} {person.username}"
                        for c, person, kind in preview.linked])):
        if items:
            click.echo(f"{title}:")
            for item in items[:shown]:
                click.echo(f"  {item}")
            if len(items) > shown:
                click.echo(f"  ... and {len(items) - shown} more")
    for error in preview.errors:
        click.echo(str(error), err=True)
    if preview.errors:
        raise click.ClickException(f"nothing was imported: {len(preview.errors)} problem(s) "
                                   "to fix in the file")
    if dry_run:
        click.echo("Dry run: nothing was imported.")
        return
    done = importer.apply(preview, None)
    db.session().commit()
    click.echo(f"Imported: {done.added} added, {done.changed} changed, {done.ended} ceased, "
               f"{done.linked} linked.")


@click.command("import-903")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_903(files: tuple[Path, ...]) -> None:
    """Import the council's SSDA903 tables (Header, Episodes, UASC, Reviews CSV files).

    Every line of every file is checked first; any error imports nothing.
    """
    from portal.reports import ssda903

    preview = ssda903.read([(path.name, path.read_bytes()) for path in files])
    for error in preview.errors:
        click.echo(str(error), err=True)
    if preview.errors:
        raise click.ClickException(f"nothing was imported: {len(preview.errors)} problem(s) "
                                   "to fix in the files")
    for name, kind in preview.files.items():
        click.echo(f"{name}: the {kind} table")
    if preview.nothing_to_do:
        click.echo("Nothing to change: My Say has all of it already.")
        return
    done = ssda903.apply(preview, None)
    db.session().commit()
    click.echo(f"Imported: {done}.")
