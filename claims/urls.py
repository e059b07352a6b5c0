from django.urls import path

from claims import views

app_name = "claims"

urlpatterns = [
    path("", views.story_list, name="story-list"),
    path("stories/<slug:slug>/", views.story_detail, name="story-detail"),
    path("stories/<slug:slug>/progress/", views.story_progress, name="story-progress"),
]
