"""Every staff page that shows a child's record or content writes who looked, and when,
to the audit trail. A staff route that takes a child (or a child's thing) and is not in
this table fails the test, so a new page cannot forget."""
from sqlalchemy import select

from portal import db
from portal.access import rule_for
from portal.audit import AuditEvent

# endpoint -> (path built from the demo's ids, the audit action it must write)
READS = {
    "pages.child": ("/children/{sam}", "staff.viewed_child"),
    "children.edit_child": ("/children/{sam}/edit", "staff.viewed_child_record"),
    "children.links": ("/children/{sam}/links", "staff.viewed_links"),
    "children.cease": ("/children/{sam}/cease", "staff.viewed_child_record"),
    "casework.export_bundle": ("/children/{sam}/bundle.pdf", "staff.exported_bundle"),
    "casework.new_contact": ("/children/{sam}/contacts/new", "staff.viewed_contacts"),
    "casework.new_challenge": ("/children/{sam}/challenges/new", "staff.viewed_challenge"),
    "casework.edit_challenge": ("/challenges/{challenge}", "staff.viewed_challenge"),
    "consultations.thing": ("/things/{thing}", "staff.viewed_submission"),
    "consultations.file": ("/files/{thing}/full", "staff.viewed_file"),
    "messages.conversation": ("/conversations/{conversation}", "staff.viewed_messages"),
    "messages.attachment": ("/message-files/{conversation}/{message}", "staff.viewed_file"),
    "on_behalf.observations": ("/children/{ruby}/observations", "staff.viewed_observations"),
    "reviews.schedule": ("/children/{sam}/schedule-review", "staff.viewed_schedule"),
    "reviews.record": ("/reviews/{review}/record", "staff.viewed_review"),
    "reviews.plans": ("/reviews/{review}/plans", "staff.viewed_plans"),
    "reviews.letter": ("/reviews/{review}/letter", "staff.viewed_letter_editor"),
    "reviews.read": ("/letters/{letter}", "staff.viewed_letter"),
    "reviews.pdf": ("/letters/{letter}/letter.pdf", "staff.viewed_letter_pdf"),
    "my_plan.child_plan": ("/children/{sam}/plan", "staff.viewed_plan"),
    "voice.advocate_requests": ("/children/{sam}/advocate-requests", "staff.viewed_advocacy"),
}
# Staff pages about one child that only a manager may open (walked as manager.demo).
MANAGER_READS = {
    "exports.child_file": ("/children/{sam}/export", "staff.viewed_child_export"),
}
# Pages about many children at once, whose reads are written without one child's id.
LISTS = {
    "reports.return_903": ("/reports/903", "staff.viewed_903"),
    "reports.return_903_csv": ("/reports/903/2025/Reviews.csv", "staff.exported_903"),
    "annual.document": ("/reports/annual", "staff.viewed_annual_report"),
    "annual.quotes": ("/reports/annual/quotes", "staff.viewed_quotes"),
    "safety.safety": ("/safety", "staff.viewed_flags"),
    "audit_trail.csv_file": ("/audit.csv", "staff.exported_audit"),
}


def _ids(app, demo, make) -> dict:
    from portal.accounts.models import Child
    from portal.consultations.models import Submission
    from portal.messages.models import Message
    from portal.reviews.models import Letter

    with app.app_context():
        sam = db.session().scalars(select(Child).where(Child.reference == "DEMO-0001")).one()
        ruby = db.session().scalars(select(Child).where(Child.reference == "DEMO-0004")).one()
        letter = db.session().scalars(select(Letter).where(Letter.child_id == sam.id)).first()
        thing = db.session().scalars(select(Submission).where(
            Submission.child_id == sam.id, Submission.file_id.is_not(None))).first()
    message = make.message(sam, "a drawing for you", attachment=_png())
    with app.app_context():
        message = db.session().get(Message, message.id)
        return {"sam": sam.id, "ruby": ruby.id, "letter": letter.id, "review": letter.review_id,
                "thing": thing.id, "challenge": make.challenge(sam),
                "conversation": message.conversation_id, "message": message.id}


def _png() -> bytes:
    from tests.helpers import png_bytes

    return png_bytes()


def _as_isro(app):
    from tests.helpers import sign_in

    client = app.test_client()
    sign_in(client, "isro.demo")
    return client


def test_every_staff_page_about_a_child_is_in_the_table(app):
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            access = rule_for(rule.endpoint)
            if access is None or access.public or access.roles is None:
                continue
            staff = {"isro", "manager"} & {r.value for r in access.roles}
            about_a_child = access.child_arg or access.subject_arg
            if staff and about_a_child and "GET" in rule.methods:
                assert rule.endpoint in READS or rule.endpoint in MANAGER_READS, (
                    f"{rule.endpoint} must be audited: add it here")


def test_every_staff_read_of_a_child_is_audited(app, demo, make):
    ids = _ids(app, demo, make)
    isro = _as_isro(app)
    with app.app_context():
        isro_id = db.session().scalar(select(AuditEvent.actor_id).where(
            AuditEvent.action == "sign_in").order_by(AuditEvent.id.desc()).limit(1))
    for endpoint, (path, action) in READS.items():
        with app.app_context():
            before = db.session().scalar(select(AuditEvent.id).order_by(
                AuditEvent.id.desc()).limit(1))
        response = isro.get(path.format(**ids))
        assert response.status_code == 200, (endpoint, response.status_code)
        with app.app_context():
            written = db.session().scalars(select(AuditEvent).where(
                AuditEvent.id > before, AuditEvent.action == action)).all()
        assert written, f"{endpoint}: no {action} event"
        assert all(e.actor_id == isro_id and e.child_id for e in written), endpoint


def test_the_903_return_and_the_safety_page_are_audited_too(app, demo, signed_in):
    from tests.helpers import sign_in

    manager = app.test_client()
    sign_in(manager, "manager.demo")
    for endpoint, (path, action) in LISTS.items():
        assert manager.get(path).status_code == 200, endpoint
        with app.app_context():
            assert db.session().scalars(select(AuditEvent).where(
                AuditEvent.action == action)).first(), endpoint


def test_every_managers_read_of_a_child_is_audited(app, demo, make):
    from tests.helpers import sign_in

    ids = _ids(app, demo, make)
    manager = app.test_client()
    sign_in(manager, "manager.demo")
    for endpoint, (path, action) in MANAGER_READS.items():
        assert manager.get(path.format(**ids)).status_code == 200, endpoint
        with app.app_context():
            written = db.session().scalars(select(AuditEvent).where(
                AuditEvent.action == action)).all()
        assert written and all(e.child_id == ids["sam"] for e in written), endpoint
