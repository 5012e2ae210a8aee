"""Reading what children sent, and who may see each thing."""
from __future__ import annotations

from sqlalchemy import select

from portal import access, db
from portal.accounts.models import Account, Role
from portal.consultations.models import Kind, Submission, Visibility


def submission(submission_id: int) -> Submission | None:
    return db.session().get(Submission, submission_id)


def draft_form(child_id: int) -> Submission | None:
    return db.session().scalar(
        select(Submission).where(Submission.child_id == child_id,
                                 Submission.kind == Kind.FORM.value,
                                 Submission.status == "draft")
        .order_by(Submission.created_at.desc()).limit(1)
    )


def sent_by_child(child_id: int) -> list[Submission]:
    return list(db.session().scalars(
        select(Submission).where(Submission.child_id == child_id, Submission.status == "sent")
        .order_by(Submission.sent_at.desc(), Submission.id.desc())
    ))


def for_review(child_id: int, review_id: int | None) -> list[Submission]:
    """What was sent for a review (or, with no review, everything not yet tied to one)."""
    query = select(Submission).where(Submission.child_id == child_id,
                                     Submission.status == "sent")
    query = query.where(Submission.review_id == review_id if review_id is not None
                        else Submission.review_id.is_(None))
    return list(db.session().scalars(query.order_by(Submission.sent_at.desc())))


def may_see(account: Account, item: Submission) -> bool:
    """The one rule for a child's submission: the child; their ISRO and managers once sent;
    their carer only when the child chose to share it; and whoever entered it, while they
    are still linked to the child."""
    role = account.role
    if role is Role.CHILD:
        return item.child.account_id == account.id
    if not access.can_see_child(account, item.child_id):
        return False
    if item.entered_by_id == account.id:
        return True
    if not item.is_sent:
        return False
    if role in (Role.ISRO, Role.MANAGER):
        return True
    if role is Role.CARER:
        return item.visibility == Visibility.ISRO_AND_CARER.value
    return False


def draft_by(author_id: int, child_id: int, questionnaire: str) -> Submission | None:
    """An adult's unsent form about a child (an observation, a helped form, an advocate's)."""
    return db.session().scalar(
        select(Submission).where(Submission.child_id == child_id,
                                 Submission.entered_by_id == author_id,
                                 Submission.questionnaire == questionnaire,
                                 Submission.status == "draft")
        .order_by(Submission.created_at.desc()).limit(1))


def sent_by(author_id: int, child_ids: list[int]) -> dict[int, list[Submission]]:
    """What this adult has sent about each child, newest first."""
    found: dict[int, list[Submission]] = {c: [] for c in child_ids}
    if child_ids:
        for item in db.session().scalars(
                select(Submission).where(Submission.entered_by_id == author_id,
                                         Submission.child_id.in_(child_ids),
                                         Submission.status == "sent")
                .order_by(Submission.sent_at.desc())):
            found[item.child_id].append(item)
    return found


def may_see_id(account: Account, submission_id: int) -> bool:
    item = submission(submission_id)
    return item is not None and may_see(account, item)


def is_childs(child_id: int, submission_id: int) -> bool:
    found = submission(submission_id)
    return found is not None and found.child_id == child_id
