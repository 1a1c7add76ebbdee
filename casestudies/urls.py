from django.urls import path

from . import views

app_name = "casestudies"

urlpatterns = [
    path("unternehmen/<slug:slug>/", views.company_detail, name="company"),
]
