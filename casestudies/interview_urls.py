"""The questionnaire's URLs, mounted at /interview/ outside the language prefixes,
and the company's sign-off of the finished case study below /interview/freigabe/."""

from django.urls import path

from casestudies.interviews.questionnaire import opt_out as opt_out_views
from casestudies.interviews.questionnaire import views as questionnaire
from casestudies.signoff import views as signoff_views

app_name = "interview"

urlpatterns = [
    path("r/<str:public_id>/", questionnaire.questionnaire, name="questionnaire"),
    path("r/<str:public_id>/autosave/", questionnaire.autosave, name="autosave"),
    path("r/<str:public_id>/photos/", questionnaire.upload_photos, name="photos"),
    path(
        "r/<str:public_id>/photos/<int:photo_id>/thumbnail/",
        questionnaire.photo_thumbnail,
        name="photo_thumbnail",
    ),
    path("r/<str:public_id>/decline/", questionnaire.decline, name="decline"),
    # In every email to a contact: no more emails from us (casestudies.companies.opt_out).
    path("optout/<str:signed>/", opt_out_views.opt_out, name="opt_out"),
    path("freigabe/s/<str:public_id>/", signoff_views.review, name="signoff"),
    path("freigabe/<str:token>/", signoff_views.start, name="signoff_start"),
    path("", questionnaire.missing, name="missing"),
    # Last: a token never contains a slash, so it cannot shadow the paths above.
    path("<str:token>/", questionnaire.start, name="start"),
]
