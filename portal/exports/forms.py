"""The reason a manager gives for exporting a child's file (kept in the audit trail)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

REASON_LIMIT = 500


class ExportReasonForm(FlaskForm):
    reason = TextAreaField(
        _l("Why are you making this export?"),
        description=_l("For example: a subject access request from the young person, "
                       "received on 3 March. This is kept in the audit trail."),
        validators=[DataRequired(_l("Enter why you are making this export")),
                    Length(max=REASON_LIMIT,
                           message=_l("Enter %(max)d characters or fewer"))],
        render_kw={"rows": 3})
