"""The public questionnaire a company contact reaches through a personal link.

Outside the i18n URL patterns: it speaks the language of the request. Every
page here is private (never cached, no Referer sent to other sites), and
every failure to open one (wrong, expired, revoked link; a session that lost
access) shows the same neutral page with status 404, which tells nothing
about what exists. Too many wrong links from one network get a page of their
own (status 429; see tokens.py for the rules).

Bad input never costs what was saved: a form with an error saves the valid
answers and shows the rest as typed, next to its error; an upload Django
refuses before any view runs (too many files, too much data), a form whose
security token expired, a double or replayed submission: each gets a page
that says what happened, in the contact's language."""

from __future__ import annotations

import contextlib
import functools
import logging

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from django.views import csrf as django_csrf
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blog.sentences import one_full_stop
from casestudies.interviews import answers, photos, statuses, tokens
from casestudies.interviews import states as interview_states
from casestudies.interviews.models import InterviewRequest
from casestudies.interviews.models import InterviewStatus as S
from casestudies.interviews.questionnaire.access import grant, granted_public_id, granted_request
from casestudies.interviews.questionnaire.forms import (
    AnswersForm,
    DeclineForm,
    PhotoUploadForm,
    field_name,
    one_kind_of_line_break,
    text_digest,
)

logger = logging.getLogger("casebook")

# The link and the neutral pages: nothing at all goes out as a Referer. The
# pages behind the redirect hold forms, and a browser sends "Origin: null"
# with a form posted from a no-referrer page, which Django's CSRF check
# (rightly) refuses; so there the Referer stays on our own site, where the
# URL names only the request's public id, and never leaves it.
NO_REFERRER = "no-referrer"
SAME_ORIGIN = "same-origin"


def private_page(view=None, *, referrer_policy: str = NO_REFERRER):
    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            return _private(response, referrer_policy)

        return wrapped

    return decorate(view) if view is not None else decorate


def _private(response: HttpResponse, referrer_policy: str = NO_REFERRER) -> HttpResponse:
    response["Cache-Control"] = "no-store, private"
    # The innermost decision stands: a neutral page keeps its no-referrer.
    response.headers.setdefault("Referrer-Policy", referrer_policy)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def visitors_language(request: HttpRequest) -> str:
    """For pages shown before we know whose request it is: the browser's language.

    (The URL has no language prefix, which LocaleMiddleware reads as German.)"""
    return translation.get_language_from_request(request, check_path=False)


def in_visitors_language(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        with translation.override(visitors_language(request)):
            return view(request, *args, **kwargs)

    return wrapped


def unavailable(request: HttpRequest) -> HttpResponse:
    with translation.override(visitors_language(request)):
        return render(request, "casestudies/interview/unavailable.html", status=404)


def with_interview(view):
    """Resolve the request this session may open, and speak its language."""

    @functools.wraps(view)
    def wrapped(request, public_id: str, *args, **kwargs):
        interview = granted_request(request, public_id)
        if interview is None:
            return _private(unavailable(request))
        with translation.override(interview.language):
            return view(request, interview, *args, **kwargs)

    return private_page(wrapped, referrer_policy=SAME_ORIGIN)


def body_read_first(refused_view):
    """Read the form before the CSRF check does, so that Django's refusals become our pages.

    Django refuses a form with more files than DATA_UPLOAD_MAX_NUMBER_FILES
    (or more data or fields than allowed) while the CSRF middleware reads
    it, with a bare "400 Bad Request". Here the view is exempt from the
    middleware, reads the form first, and on such a refusal hands over to
    `refused_view(request, refused=..., **url_kwargs)`, which only shows a
    page and changes nothing; everything else goes through the same CSRF
    check (csrf_protect) as before."""

    def decorate(view):
        protected = csrf_protect(view)

        @csrf_exempt
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                request.upload_handlers.insert(0, photos.BoundedPhotoUpload(request))
                try:
                    request.POST  # noqa: B018 (reading it parses the whole form)
                    request.FILES  # noqa: B018
                except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent) as refused:
                    logger.warning("Questionnaire form refused while reading it: %s", refused)
                    # What Django does on these, so that nothing reads the half-parsed form.
                    request._mark_post_parse_error()
                    return refused_view(request, *args, refused=refused, **kwargs)
            return protected(request, *args, **kwargs)

        return wrapped

    return decorate


def _refusal_message(refused: Exception) -> str:
    if isinstance(refused, TooManyFilesSent):
        return str(photos.too_many_files_at_once().message)
    return gettext(
        "What you sent was too large to be received. Nothing was changed; what you saved before "
        "is still here. Please shorten your answers and send them again."
    )


def _refusal_status(refused: Exception) -> int:
    return 413 if isinstance(refused, RequestDataTooBig) else 400


# The link ---------------------------------------------------------------------


@private_page
@in_visitors_language
@require_GET
def missing(request: HttpRequest) -> HttpResponse:
    return unavailable(request)


@private_page
@in_visitors_language
@require_GET
def start(request: HttpRequest, token: str) -> HttpResponse:
    # Following one's own link again (the email is still open) is no guess.
    public_id = granted_public_id(request, token)
    if public_id is not None:
        return redirect("interview:questionnaire", public_id=public_id)
    if (refused := link_blocked(request)) is not None:
        return refused
    interview = tokens.request_for_token(token)
    if interview is None:
        return wrong_link(request)
    grant(request, interview)
    # "Opened" is recorded by the page behind the redirect, which needs the
    # session cookie: mail scanners that fetch links without keeping cookies
    # do not count as the contact opening the questionnaire.
    return redirect("interview:questionnaire", public_id=interview.public_id)


def link_blocked(request: HttpRequest) -> HttpResponse | None:
    """The "too many attempts" page if this network is blocked from opening
    any personal link (questionnaire, sign-off, opt-out) for now."""
    blocked = tokens.links_blocked(request)
    if blocked is None:
        return None
    with translation.override(visitors_language(request)):
        return too_many_attempts(request, blocked, blocked=True)


def wrong_link(request: HttpRequest) -> HttpResponse:
    """A personal link that opened nothing: counted against the network, then
    the neutral 404 page, or the 429 page once the network is over the limit."""
    limited = tokens.count_wrong_link(request)
    if limited is None:
        return unavailable(request)
    with translation.override(visitors_language(request)):
        return too_many_attempts(request, limited, blocked=tokens.links_blocked(request) is not None)


def too_many_attempts(request: HttpRequest, limited: tokens.Limited, *, blocked: bool) -> HttpResponse:
    """`blocked`: no link opens from this network for now (the block rate);
    otherwise only links that do not work get this page, and a working one opens."""
    response = render(
        request,
        "casestudies/interview/too_many_attempts.html",
        {"minutes": limited.minutes, "blocked": blocked},
        status=429,
    )
    response["Retry-After"] = str(limited.retry_after)
    return response


# The questionnaire ------------------------------------------------------------


def _questions(interview: InterviewRequest):
    return list(interview.questions.select_related("answer").order_by("sort_order", "pk"))


def _answers_form(interview: InterviewRequest, data=None) -> AnswersForm:
    return AnswersForm(
        data,
        questions=_questions(interview),
        editable=answers.editable_question_ids(interview),
        submission_round=answers.submission_round(interview),
    )


def _can_answer(interview: InterviewRequest) -> bool:
    # A silent request whose last notice invites an answer is answerable too:
    # the first answer reopens it.
    return interview.status in statuses.EDITABLE or interview_states.late_answer_welcome(interview)


def _form_showing(interview: InterviewRequest, posted: AnswersForm, names=None) -> AnswersForm:
    """The answers as stored now, except `names` (default: every editable one), shown as
    `posted` had them, not stored, with their errors."""
    stored = _answers_form(interview)
    if names is None:
        names = [name for name, field in stored.fields.items() if not field.disabled]
    data = {name: stored[name].value() for name in stored.fields}
    data.update({name: posted.data[name] for name in names if name in data and name in posted.data})
    form = _answers_form(interview, data)
    form.is_valid()
    return form


def _page(request, interview, form, *, status=200, message="", upload_form=None):
    total = len(form.questions)
    answered = sum(1 for q in form.questions if (form[field_name(q)].value() or "").strip())
    can_answer = _can_answer(interview)
    stored_photos = list(interview.photos.all())
    # What the upload before the redirect said (POST, redirect, GET).
    message = message or " ".join(str(note) for note in messages.get_messages(request))
    context = {
        "interview": interview,
        "form": form,
        "answered": answered,
        "total": total,
        "editable": can_answer,
        "finished": not can_answer,
        "answering_late": interview_states.late_answer_welcome(interview),
        "message": message,
        "upload_form": upload_form or PhotoUploadForm(),
        "photos": stored_photos,
        "photos_left": photos.photos_left(photos.counted_photos(interview)),
        # A rejected photo's reason reaches the contact once changes are asked for.
        "show_photo_reviews": interview.status in statuses.EDITABLE,
    }
    return render(request, "casestudies/interview/questionnaire.html", context, status=status)


def _posted_differs_from_stored(interview: InterviewRequest, data) -> bool:
    """Whether a form posted to a closed questionnaire says anything the stored answers do not."""
    for question in _questions(interview):
        posted = data.get(field_name(question))
        if posted is None:
            continue
        answer = getattr(question, "answer", None)
        if one_kind_of_line_break(posted) != (answer.text if answer else ""):
            return True
    return False


def _closed(request, interview: InterviewRequest) -> HttpResponse:
    """A form posted after the answers were submitted (a double click, a replay, an old tab) or declined."""
    interview.refresh_from_db()
    if interview.status in statuses.SUBMITTED:
        if not _posted_differs_from_stored(interview, request.POST):
            # The same answers again: they are in. Show the thank-you page.
            return redirect("interview:questionnaire", public_id=interview.public_id)
        message = gettext(
            "Your answers had already been submitted, so the changes on this page were not saved. "
            "Below are the answers we received."
        )
    else:
        message = gettext("These answers can no longer be changed.")
    return _page(request, interview, _answers_form(interview), status=409, message=message)


def _stale(request, interview: InterviewRequest, posted: AnswersForm) -> HttpResponse:
    """A page from before the last submission: show the current one, with what was typed, unsaved."""
    message = gettext(
        "This page was out of date: your answers have been submitted since it was opened. "
        "Nothing was saved. Please check the answers below and save again."
    )
    return _page(request, interview, _form_showing(interview, posted), status=409, message=message)


@with_interview
def _questionnaire_refused(request, interview: InterviewRequest, refused: Exception) -> HttpResponse:
    return _page(
        request,
        interview,
        _answers_form(interview),
        status=_refusal_status(refused),
        message=_refusal_message(refused),
    )


@body_read_first(_questionnaire_refused)
@with_interview
@require_http_methods(["GET", "POST"])
def questionnaire(request: HttpRequest, interview: InterviewRequest) -> HttpResponse:
    if request.method == "GET":
        if interview.status == S.SENT:
            # A second tab at the same moment may have opened it already.
            with contextlib.suppress(interview_states.TransitionNotAllowed):
                interview_states.mark_opened(interview)
        elif interview.status in statuses.SILENT:
            interview_states.mark_notice_opened(interview)
        return _page(request, interview, _answers_form(interview))
    interview_states.reopen_if_late(interview)
    if interview.status not in statuses.EDITABLE:
        return _closed(request, interview)
    posted = _answers_form(interview, request.POST)
    posted.is_valid()
    submitting = request.POST.get("action") == "submit"
    # What is valid is kept, even when another answer has an error or the
    # submission is not complete yet.
    try:
        saved = answers.save_answers(
            interview,
            posted.texts(),
            answers.Revision.from_post(request.POST),
            page_round=posted.posted_round(),
        )
    except answers.AnswersLocked:
        return _closed(request, interview)
    except answers.AnswersStale:
        return _stale(request, interview, posted)
    unanswered = answers.unanswered_question_ids(interview) if submitting else set()
    if posted.errors or unanswered:
        form = _form_showing(interview, posted, names=posted.errors)
        form.require(unanswered)
        message = gettext("Your other answers have been saved.") if saved else ""
        return _page(request, interview, form, status=400, message=message)
    if not submitting:
        return _page(
            request,
            interview,
            _answers_form(interview),
            message=gettext("Saved. You can come back to this page at any time."),
        )
    try:
        answers.submit_as_shown(interview, posted.shown_texts())
    except answers.AnswersChangedElsewhere as changed:
        return _changed_elsewhere(request, interview, changed.question_ids)
    except interview_states.TransitionNotAllowed:
        return _closed(request, interview)
    return redirect("interview:questionnaire", public_id=interview.public_id)


def _changed_elsewhere(request, interview: InterviewRequest, question_ids: set[int]) -> HttpResponse:
    """A submission from a page that does not show what another tab saved since:
    show the stored answers (this page's own changes are among them) and let
    the contact submit again."""
    stored = _answers_form(interview)
    form = _answers_form(interview, {name: stored[name].value() for name in stored.fields})
    form.is_valid()
    for question in form.questions:
        if question.pk in question_ids:
            form.add_error(field_name(question), gettext("Changed in another tab or window."))
    message = gettext(
        "Nothing was submitted: your answers were changed in another tab or window after this page "
        "was opened. Below are the answers as they are saved now, with your changes from this page. "
        "Please check them and submit again."
    )
    return _page(request, interview, form, status=409, message=message)


@with_interview
def _autosave_refused(request, interview: InterviewRequest, refused: Exception) -> HttpResponse:
    return JsonResponse({"ok": False, "message": _refusal_message(refused)}, status=_refusal_status(refused))


@body_read_first(_autosave_refused)
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
    interview_states.reopen_if_late(interview)
    form = _answers_form(interview, {field_name(question): request.POST.get("text", "")})
    form.is_valid()
    if field_name(question) in form.errors:
        return JsonResponse({"ok": False, "message": " ".join(form.errors[field_name(question)])}, status=400)
    text = form.cleaned_data[field_name(question)]
    try:
        answers.save_answers(interview, {question.pk: text}, answers.Revision.from_post(request.POST))
    except answers.AnswersLocked as locked:
        return JsonResponse({"ok": False, "message": str(locked)}, status=409)
    answered = interview.questions.filter(answer__isnull=False).exclude(answer__text="").count()
    total = interview.questions.count()
    return JsonResponse(
        {
            "ok": True,
            "message": one_full_stop(
                gettext("Saved at %(time)s.")
                % {"time": formats.time_format(timezone.localtime(), "TIME_FORMAT")}
            ),
            "progress": gettext("%(answered)s of %(total)s answered")
            % {"answered": answered, "total": total},
            # The page's record of what it shows for this answer, now saved.
            "shown": text_digest(text),
        }
    )


@with_interview
def _photos_refused(request, interview: InterviewRequest, refused: Exception) -> HttpResponse:
    upload_form = PhotoUploadForm()
    upload_form.full_clean()  # unbound: no errors and no cleaned data of its own
    upload_form.cleaned_data = {}
    upload_form.add_error("files", _refusal_message(refused))
    return _page(
        request,
        interview,
        _answers_form(interview),
        status=_refusal_status(refused),
        upload_form=upload_form,
    )


@body_read_first(_photos_refused)
@with_interview
@require_POST
def upload_photos(request: HttpRequest, interview: InterviewRequest) -> HttpResponse:
    upload_form = PhotoUploadForm(request.POST, request.FILES)
    form = _answers_form(interview)
    if not upload_form.is_valid():
        return _page(request, interview, form, status=400, upload_form=upload_form)
    try:
        result = photos.store_uploads(
            interview,
            upload_form.cleaned_data["files"],
            caption=upload_form.cleaned_data["caption"],
            credit=upload_form.cleaned_data["credit"],
        )
    except photos.PhotoRejected as rejected:
        upload_form.add_error("files", rejected.message)
        return _page(request, interview, form, status=400, upload_form=upload_form)
    notes = []
    if result.photos:
        notes.append(
            translation.ngettext(
                "%(count)s photo received.", "%(count)s photos received.", len(result.photos)
            )
            % {"count": len(result.photos)}
        )
    if result.duplicates:
        notes.append(
            translation.ngettext(
                "%(count)s photo was already among your uploads and was not stored a second time.",
                "%(count)s photos were already among your uploads and were not stored a second time.",
                result.duplicates,
            )
            % {"count": result.duplicates}
        )
    messages.success(request, " ".join(notes))
    # Answered with a redirect: reloading the page that follows sends nothing again.
    return redirect("interview:questionnaire", public_id=interview.public_id)


@with_interview
@require_GET
def photo_thumbnail(request: HttpRequest, interview: InterviewRequest, photo_id: int) -> HttpResponse:
    """The contact's own upload, small, for the list of photos; private like the rest."""
    photo = interview.photos.filter(pk=photo_id).exclude(thumbnail="").first()
    if photo is None:
        raise Http404
    response = FileResponse(photo.thumbnail.open("rb"), content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    return response


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


# A form whose security token failed ---------------------------------------------


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the questionnaire's own page there, Django's everywhere else.

    A contact whose page was open too long, or whose browser blocks cookies,
    learns in their language that nothing saved was lost and how to go on.
    Only a session that may open the request gets its language and a link
    back; anyone else gets the same page in their browser's language, which
    says nothing about what exists."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        match = None
    if match is None or match.namespace != "interview":
        return django_csrf.csrf_failure(request, reason)
    public_id = match.kwargs.get("public_id")
    interview = granted_request(request, public_id) if public_id else None
    with translation.override(interview.language if interview else visitors_language(request)):
        if match.url_name == "autosave":
            message = gettext(
                "Not saved: this page has expired. Please reload it; what you saved before is safe."
            )
            return _private(JsonResponse({"ok": False, "message": message}, status=403), SAME_ORIGIN)
        response = render(
            request, "casestudies/interview/form_expired.html", {"interview": interview}, status=403
        )
    return _private(response, SAME_ORIGIN)
