"""Imports every table so Alembic and the tests see the whole store."""
from portal.accounts.models import Account, AccountSession, Child, Link, SetupCode  # noqa: F401
from portal.accounts.throttle import ThrottleCount  # noqa: F401
from portal.audit import AuditEvent  # noqa: F401
from portal.casework.models import Challenge, Contact, ReadMark  # noqa: F401
from portal.consultations.models import Submission  # noqa: F401
from portal.db import Base  # noqa: F401
from portal.jobs.models import Job  # noqa: F401
from portal.media.models import StoredFile  # noqa: F401
from portal.messages.models import Conversation, Flag, FlagNotice, IsroProfile, Message  # noqa: F401
from portal.planning.models import ReviewPlan  # noqa: F401
from portal.reports.plan import ActionRow, Narrative  # noqa: F401
from portal.reports.ssda903_models import Episode, UascRecord  # noqa: F401
from portal.reports.voice import Quote  # noqa: F401
from portal.reviews.models import (  # noqa: F401
    AgreedPlan,
    Letter,
    LetterVersion,
    PlanAction,
    PlanReport,
    Review,
)
from portal.transcripts.models import Transcript  # noqa: F401
from portal.voice.models import AdvocacyRequest, ReviewFeedback  # noqa: F401
