from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileRequired, FileSize, MultipleFileField
from wtforms import BooleanField


class SmallNumbersForm(FlaskForm):
    hide = BooleanField(_l("Hide numbers under 5"),
                        description=_l("Shows “fewer than 5” for numbers from 1 to 4, which "
                                       "could identify a child. Downloaded CSV files always "
                                       "hide them."))


MAX_903_BYTES = 20 * 1024 * 1024  # a council's 903 tables, with room to spare


class Import903Form(FlaskForm):
    files = MultipleFileField(
        _l("The 903 CSV files"),
        description=_l("Header, Episodes, UASC and Reviews tables: choose several at once. "
                       "Up to 20 MB each."),
        validators=[FileRequired(_l("Choose the 903 CSV files")),
                    FileSize(MAX_903_BYTES, message=_l("Each file must be smaller than 20 MB"))],
        render_kw={"accept": ".csv,text/csv", "multiple": True})


class ConfirmImport903Form(FlaskForm):
    """Only the CSRF token: the files were kept on the server at the first step."""
