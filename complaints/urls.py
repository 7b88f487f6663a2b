"""Included under accounts/ (kam/urls.py): the paths are those these pages had when they lived
in the accounts app, so bookmarks, reminders and timeline links keep working."""

from django.urls import path

from complaints import views

app_name = "complaints"

urlpatterns = [
    path("complaints/", views.complaint_list, name="list"),
    path("complaints/deadlines/", views.complaint_deadlines, name="deadlines"),
    path("<int:pk>/complaints/", views.account_complaints, name="account"),
    path("<int:pk>/complaints/new/", views.complaint_edit, name="new"),
    path("<int:pk>/complaints/<int:complaint_pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/complaints/<int:complaint_pk>/edit/", views.complaint_edit, name="edit"),
    path(
        "<int:pk>/complaints/<int:complaint_pk>/resolve/",
        views.complaint_resolve,
        name="resolve",
    ),
    path(
        "<int:pk>/complaints/<int:complaint_pk>/follow-up/",
        views.complaint_follow_up,
        name="follow_up",
    ),
]
