"""The public questionnaire a company contact reaches through a personal link.

Outside the i18n URL patterns: it speaks the language of the request. Every
page here is private (never cached, no Referer sent on), and every failure to
open one (wrong, expired, revoked link; a session that lost access) shows the
same neutral page with status 404, which tells nothing about what exists."""

from __future__ import annotations

import contextlib
import functools

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import answers, interview_states, photos, tokens
from .models import InterviewRequest
from .models import InterviewStatus as S
from .questionnaire_access import grant, granted_request
from .questionnaire_forms import AnswersForm, DeclineForm, PhotoUploadForm, field_name


def private_page(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store, private"
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


def unavailable(request: HttpRequest) -> HttpResponse:
    return render(request, "casestudies/interview/unavailable.html", status=404)


def with_interview(view):
    """Resolve the request this session may open, and speak its language."""

    @functools.wraps(view)
    def wrapped(request, public_id: str, *args, **kwargs):
        interview = granted_request(request, public_id)
        if interview is None:
            return unavailable(request)
        with translation.override(interview.language):
            return view(request, interview, *args, **kwargs)

    return private_page(wrapped)


@private_page
@require_GET
def start(request: HttpRequest, token: str) -> HttpResponse:
    interview = tokens.request_for_token(token)
    if interview is None:
        return unavailable(request)
    grant(request, interview)
    # "Opened" is recorded by the page behind the redirect, which needs the
    # session cookie: mail scanners that fetch links without keeping cookies
    # do not count as the contact opening the questionnaire.
    return redirect("interview:questionnaire", public_id=interview.public_id)


def _questions(interview: InterviewRequest):
    return list(interview.questions.select_related("answer").order_by("sort_order", "pk"))


def _answers_form(interview: InterviewRequest, data=None) -> AnswersForm:
    return AnswersForm(
        data,
        questions=_questions(interview),
        editable=answers.editable_question_ids(interview),
    )


def _page(request, interview, form, *, status=200, message="", upload_form=None):
    total = len(form.questions)
    answered = sum(1 for q in form.questions if (form[field_name(q)].value() or "").strip())
    context = {
        "interview": interview,
        "form": form,
        "answered": answered,
        "total": total,
        "editable": interview.status in interview_states.EDITABLE,
        "finished": interview.status not in interview_states.EDITABLE,
        "message": message,
        "upload_form": upload_form or PhotoUploadForm(),
        "photos": list(interview.photos.all()),
    }
    return render(request, "casestudies/interview/questionnaire.html", context, status=status)


@with_interview
@require_http_methods(["GET", "POST"])
def questionnaire(request: HttpRequest, interview: InterviewRequest) -> HttpResponse:
    if request.method == "GET":
        if interview.status == S.SENT:
            # A second tab at the same moment may have opened it already.
            with contextlib.suppress(interview_states.TransitionNotAllowed):
                interview_states.mark_opened(interview)
        return _page(request, interview, _answers_form(interview))
    if interview.status not in interview_states.EDITABLE:
        return _page(
            request,
            interview,
            _answers_form(interview),
            status=409,
            message=gettext("These answers can no longer be changed."),
        )
    form = _answers_form(interview, request.POST)
    submitting = request.POST.get("action") == "submit"
    if not form.is_valid():
        return _page(request, interview, form, status=400)
    # What was written is kept even if the submission is not complete yet.
    try:
        answers.save_answers(interview, form.texts(), answers.Revision.from_post(request.POST))
    except answers.AnswersLocked as locked:
        return _page(request, interview, _answers_form(interview), status=409, message=str(locked))
    if not submitting:
        return _page(
            request,
            interview,
            _answers_form(interview),
            message=gettext("Saved. You can come back to this page at any time."),
        )
    form.require_all()
    if not form.is_valid():
        return _page(request, interview, form, status=400)
    try:
        interview_states.submit(interview)
    except interview_states.TransitionNotAllowed:
        interview.refresh_from_db()
        return _page(
            request,
            interview,
            _answers_form(interview),
            status=409,
            message=gettext("These answers have already been submitted."),
        )
    return redirect("interview:questionnaire", public_id=interview.public_id)


@with_interview
@require_POST
def autosave(request: HttpRequest, interview: InterviewRequest) -> JsonResponse:
    """One field at a time, from the questionnaire's script (CSRF header
    required), with the tab's revision: a stale save is answered as saved."""
    try:
        question_id = int(request.POST.get("question", ""))
    except ValueError:
        return JsonResponse({"ok": False, "message": gettext("Not saved.")}, status=400)
    question = next((q for q in _questions(interview) if q.pk == question_id), None)
    if question is None:
        return JsonResponse({"ok": False, "message": gettext("Not saved.")}, status=400)
    form = _answers_form(interview, {field_name(question): request.POST.get("text", "")})
    form.is_valid()
    if field_name(question) in form.errors:
        return JsonResponse({"ok": False, "message": " ".join(form.errors[field_name(question)])}, status=400)
    try:
        answers.save_answers(
            interview,
            {question.pk: form.cleaned_data[field_name(question)]},
            answers.Revision.from_post(request.POST),
        )
    except answers.AnswersLocked as locked:
        return JsonResponse({"ok": False, "message": str(locked)}, status=409)
    answered = interview.questions.filter(answer__isnull=False).exclude(answer__text="").count()
    total = interview.questions.count()
    return JsonResponse(
        {
            "ok": True,
            "message": gettext("Saved at %(time)s.")
            % {"time": formats.time_format(timezone.localtime(), "TIME_FORMAT")},
            "progress": gettext("%(answered)s of %(total)s answered")
            % {"answered": answered, "total": total},
        }
    )


@with_interview
@require_POST
def upload_photos(request: HttpRequest, interview: InterviewRequest) -> HttpResponse:
    upload_form = PhotoUploadForm(request.POST, request.FILES)
    form = _answers_form(interview)
    if not upload_form.is_valid():
        return _page(request, interview, form, status=400, upload_form=upload_form)
    try:
        stored = photos.store_photos(
            interview,
            upload_form.cleaned_data["files"],
            caption=upload_form.cleaned_data["caption"],
            credit=upload_form.cleaned_data["credit"],
        )
    except photos.PhotoRejected as rejected:
        upload_form.add_error("files", rejected.message)
        return _page(request, interview, form, status=400, upload_form=upload_form)
    interview.refresh_from_db()
    message = translation.ngettext("%(count)s photo received.", "%(count)s photos received.", len(stored)) % {
        "count": len(stored)
    }
    return _page(request, interview, _answers_form(interview), message=message)


@with_interview
@require_http_methods(["GET", "POST"])
def decline(request: HttpRequest, interview: InterviewRequest) -> HttpResponse:
    can_decline = interview_states.can(interview, S.DECLINED)
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and can_decline and form.is_valid():
        # Submitted or withdrawn meanwhile: the page it redirects to says what it is now.
        with contextlib.suppress(interview_states.TransitionNotAllowed):
            interview_states.decline(interview, reason=form.cleaned_data["reason"])
        return redirect("interview:questionnaire", public_id=interview.public_id)
    return render(
        request,
        "casestudies/interview/decline.html",
        {"interview": interview, "form": form, "can_decline": can_decline},
        status=400 if request.method == "POST" else 200,
    )
