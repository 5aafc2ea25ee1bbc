"""Routes of the award pages, under /thi-dua/khen-thuong/."""

from django.urls import path

from . import award_views as views

app_name = "awards"
urlpatterns = [
    path("", views.AwardListView.as_view(), name="list"),
    path("de-nghi/", views.ProposalListView.as_view(), name="proposals"),
    path("de-nghi/moi/", views.ProposalCreateView.as_view(), name="propose"),
    path("de-nghi/<int:pk>/", views.proposal_detail, name="proposal"),
    path("quyet-dinh/", views.DecisionListView.as_view(), name="decisions"),
    path("quyet-dinh/moi/", views.DecisionCreateView.as_view(), name="decide"),
    path("quyet-dinh/<int:pk>/", views.decision_detail, name="decision"),
    path("quyet-dinh/<int:pk>/quyet-dinh.docx", views.decision_download, name="docx"),
]
