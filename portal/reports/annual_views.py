"""The annual report as a document (HTML, tagged PDF, a CSV per table), and the pages
where a manager writes its narrative, keeps its action plan and picks quotes."""
from __future__ import annotations

import csv
import io
from datetime import date

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal import access, audit, clock, db
from portal.accounts.models import Role
from portal.consultations.models import Submission
from portal.media import pipeline
from portal.numbers import parse_date, parse_id
from portal.reports import annual, plan, suppress, voice
from portal.reports.views import _bars

bp = Blueprint("annual", __name__, url_prefix="/reports/annual")
SHOW_SMALL = "shown"  # ?small=shown: an internal copy, with numbers under 5
PDF_OPTIONS = {"pdf_tags": True}  # tagged, so a screen reader follows its headings
NARRATIVE_LABELS = {
    "introduction": _l("Introduction"), "caseloads": _l("Caseloads"),
    "timeliness": _l("Timeliness"), "activity": _l("Activity by month"),
    "profile": _l("The children looked after"), "participation": _l("Participation"),
    "voice": _l("The voice of the children"), "challenges": _l("Challenges"),
    "plan": _l("Action plan"),
}
RAG_CHOICES = [SelectChoice("red", _l("Red")), SelectChoice("amber", _l("Amber")),
               SelectChoice("green", _l("Green"))]


class ActionForm(FlaskForm):
    row = HiddenField()
    need = TextAreaField(_l("What needs to happen"), validators=[
        DataRequired(_l("Enter what needs to happen")), Length(max=4000)], render_kw={"rows": 3})
    who = StringField(_l("Who"), validators=[DataRequired(_l("Enter who will do it")),
                                             Length(max=200)])
    by_when = DateField(_l("By when"), validators=[InputRequired(_l("Enter the date"))])
    will_see = TextAreaField(_l("What we will see"), validators=[
        DataRequired(_l("Enter what we will see")), Length(max=4000)], render_kw={"rows": 3})
    rag = RadioField(_l("RAG rating"), choices=RAG_CHOICES,
                     validators=[InputRequired(_l("Choose a rating"))])
    done = BooleanField(_l("Done: nothing more to carry into next year"))


class RowForm(FlaskForm):
    row = HiddenField()


class CarryForm(FlaskForm):
    """Only the CSRF token."""


def _narrative_form(texts: dict[str, str], data=None) -> FlaskForm:
    class NarrativeForm(FlaskForm):
        pass

    for key in plan.NARRATIVE_SECTIONS:
        setattr(NarrativeForm, key, TextAreaField(
            NARRATIVE_LABELS[key], default=texts.get(key, ""),
            validators=[Optional(), Length(max=plan.NARRATIVE_LIMIT,
                                           message=_l("Write up to 20,000 characters"))],
            render_kw={"rows": 6}))
    return NarrativeForm(formdata=data)


class QuoteForm(FlaskForm):
    submission = StringField(
        _l("Number of what the child sent"),
        description=_l("The number at the end of its address in My Say, after /things/."),
        validators=[DataRequired(_l("Enter the number of what the child sent"))])
    words = TextAreaField(
        _l("The words to quote"),
        description=_l("Copy them from what the child sent. No names or places."),
        validators=[DataRequired(_l("Enter the words to quote")),
                    Length(max=voice.QUOTE_LIMIT)], render_kw={"rows": 3})
    agreed = BooleanField(_l("The child agreed to these words being shared in the report"))


class QuoteChangeForm(FlaskForm):
    quote = HiddenField()
    action = HiddenField()


def _range() -> tuple[date, date]:
    """The period asked for; by default the last whole financial year."""
    this_year = plan.report_year(clock.today())
    start, end = date(this_year - 1, 4, 1), date(this_year, 3, 31)
    start = parse_date(request.args.get("from"), earliest=2000, latest=2100) or start
    end = parse_date(request.args.get("to"), earliest=2000, latest=2100) or end
    return (start, end) if start <= end else (end, start)


def _period_args(start: date, end: date, **more) -> dict:
    return {"from": start.isoformat(), "to": end.isoformat(), **more}


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        abort(404)


def _document(start: date, end: date, hide_small: bool) -> dict:
    sections = annual.build(start, end, hide_small=hide_small)
    # The report shows children's words when a manager picked agreed quotes.
    audit.staff_viewed("staff.viewed_annual_report", child_id=None,
                       subject=f"annual:{start}:{end}")
    return {"sections": sections, "start": start, "end": end, "hide_small": hide_small,
            "year": plan.report_year(start),
            "pdf_args": _period_args(start, end, **({} if hide_small else {"small": SHOW_SMALL})),
            "charts": {t.key: _bars(t.chart) for s in sections for t in s.tables}}


@bp.route("")
@access.allow(Role.MANAGER)
def document():
    start, end = _range()
    hide_small = request.args.get("small") != SHOW_SMALL
    return render_template("reports/annual.html", **_document(start, end, hide_small))


@bp.route("/report.pdf")
@access.allow(Role.MANAGER)
def pdf():
    start, end = _range()
    hide_small = request.args.get("small") != SHOW_SMALL
    html = render_template("reports/annual_pdf.html", **_document(start, end, hide_small))
    from weasyprint import HTML

    pipeline.refuse_cut_off_pictures()  # importing WeasyPrint told Pillow to patch them up
    document = HTML(string=html).write_pdf(**PDF_OPTIONS)
    return Response(document, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="annual-report-{start}-{end}.pdf"',
        "Cache-Control": "private, no-store"})


@bp.route("/<key>.csv")
@access.allow(Role.MANAGER)
def csv_table(key: str):
    """One table of the report, as the Reports page gives its own: small numbers always
    hidden, since a file leaves the team."""
    start, end = _range()
    table = next((t for t in annual.all_tables(start, end) if t.key == key), None)
    if table is None:
        abort(404)
    table = suppress.table(table)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.columns)
    writer.writerows(table.rows)
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{key}-{start}-{end}.csv"'})


@bp.route("/<int:year>/narrative", methods=["GET", "POST"])
@access.allow(Role.MANAGER)
def narrative(year: int):
    _check_year(year)
    form = _narrative_form(plan.narratives(year), request.form if request.method == "POST"
                           else None)
    if form.validate_on_submit():
        plan.save_narratives(year, current_user, {key: form[key].data
                                                  for key in plan.NARRATIVE_SECTIONS})
        db.session().commit()
        return redirect(url_for(".document", **_period_args(date(year, 4, 1),
                                                            date(year + 1, 3, 31))))
    return render_template("reports/annual_narrative.html", form=form, year=year,
                           keys=plan.NARRATIVE_SECTIONS)


@bp.route("/<int:year>/plan", methods=["GET", "POST"])
@access.allow(Role.MANAGER)
def action_plan(year: int):
    _check_year(year)
    editing = plan.row(year, parse_id(request.values.get("row")))
    form = ActionForm(obj=editing) if request.method == "GET" and editing else ActionForm()
    if editing is not None and request.method == "GET":
        form.row.data, form.rag.data = str(editing.id), editing.rag.value
    if form.validate_on_submit():
        plan.save_row(year, current_user, editing, need=form.need.data.strip(),
                      who=form.who.data.strip(), by_when=form.by_when.data,
                      will_see=form.will_see.data.strip(), rag=form.rag.data,
                      done=bool(form.done.data))
        db.session().commit()
        return redirect(url_for(".action_plan", year=year))
    return render_template("reports/annual_plan.html", year=year, form=form, editing=editing,
                           rows=plan.rows(year), remove=RowForm(), carry=CarryForm(),
                           labels=plan.RAG_LABELS)


@bp.route("/<int:year>/plan/remove", methods=["POST"])
@access.allow(Role.MANAGER)
def remove_action(year: int):
    _check_year(year)
    form = RowForm()
    found = plan.row(year, parse_id(form.row.data)) if form.validate_on_submit() else None
    if found is not None:
        plan.remove_row(found, current_user)
        db.session().commit()
    return redirect(url_for(".action_plan", year=year))


@bp.route("/<int:year>/plan/carry", methods=["POST"])
@access.allow(Role.MANAGER)
def carry(year: int):
    _check_year(year)
    if CarryForm().validate_on_submit() and year < 2100:
        plan.carry_forward(year, current_user)
        db.session().commit()
        return redirect(url_for(".action_plan", year=year + 1))
    return redirect(url_for(".action_plan", year=year))


@bp.route("/quotes", methods=["GET", "POST"])
@access.allow(Role.MANAGER)
def quotes():
    start, end = _range()
    form = QuoteForm()
    if form.validate_on_submit():
        item = db.session().get(Submission, parse_id(form.submission.data) or 0)
        if item is None:
            form.submission.errors.append(_("There is nothing sent with that number"))
        else:
            try:
                voice.pick_quote(item, current_user, form.words.data,
                                 child_agreed=bool(form.agreed.data))
            except voice.NotTheirWords:
                form.words.errors.append(_("These words are not in what the child sent"))
            else:
                db.session().commit()
                return redirect(url_for(".quotes", **_period_args(start, end)))
    found = voice.quotes(start, end, agreed_only=False)
    audit.staff_viewed("staff.viewed_quotes", child_id=None, subject=f"quotes:{start}:{end}")
    return render_template("reports/annual_quotes.html", form=form, quotes=found, start=start,
                           end=end, change=QuoteChangeForm())


@bp.route("/quotes/change", methods=["POST"])
@access.allow(Role.MANAGER)
def change_quote():
    start, end = _range()
    form = QuoteChangeForm()
    quote = db.session().get(voice.Quote, parse_id(form.quote.data) or 0) \
        if form.validate_on_submit() else None
    if quote is not None and form.action.data in ("agree", "withdraw", "remove"):
        if form.action.data == "remove":
            voice.remove_quote(quote, current_user)
        else:
            voice.set_agreed(quote, current_user, form.action.data == "agree")
        db.session().commit()
    return redirect(url_for(".quotes", **_period_args(start, end)))
