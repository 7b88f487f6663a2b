from django.urls import path

from analysis import views

app_name = "analysis"

urlpatterns = [
    path("tiers/", views.tier_review, name="tiers"),
    path("tiers/prepare/", views.tier_review_prepare, name="tiers_prepare"),
    path("tiers/proposals/<int:pk>/decide/", views.proposal_decide, name="proposal_decide"),
    path("risk/", views.churn_list, name="churn"),
    path("accounts/<int:pk>/criteria/", views.criteria_edit, name="criteria"),
]
