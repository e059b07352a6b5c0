from django.urls import path

from claims import views

app_name = "claims"

urlpatterns = [
    path("", views.story_list, name="story-list"),
    path("stories/new/", views.story_create, name="story-create"),
    path("stories/<slug:slug>/", views.story_detail, name="story-detail"),
    path("stories/<slug:slug>/add/", views.story_add_articles, name="story-add-articles"),
    path("stories/<slug:slug>/progress/", views.story_progress, name="story-progress"),
    path("stories/<slug:slug>/analyze/", views.story_analyze_again, name="story-analyze"),
    path("stories/<slug:slug>/claims/", views.claim_list, name="claim-list"),
    path("stories/<slug:slug>/claims/<int:claim_id>/", views.claim_detail, name="claim-detail"),
    path(
        "stories/<slug:slug>/claims/<int:claim_id>/review/",
        views.claim_review,
        name="claim-review",
    ),
    path("stories/<slug:slug>/export/<str:fmt>/", views.story_export, name="story-export"),
]
