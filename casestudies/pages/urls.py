from django.urls import path

from casestudies.pages import views

app_name = "casestudies"

urlpatterns = [
    path("unternehmen/<slug:slug>/", views.company_detail, name="company"),
]
