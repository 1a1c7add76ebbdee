"""The questionnaire's URLs, mounted at /interview/ outside the language prefixes."""

from django.urls import path

from . import questionnaire

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
    path("", questionnaire.missing, name="missing"),
    # Last: a token never contains a slash, so it cannot shadow the paths above.
    path("<str:token>/", questionnaire.start, name="start"),
]
