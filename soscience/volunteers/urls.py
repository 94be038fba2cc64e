"""The volunteers app's pages. Written to be included at the site's root (see the report
of issue 3): campuses, volunteer profiles and the skills taxonomy each have their prefix."""

from django.urls import path

from soscience.volunteers.views import campuses, profiles, skills

app_name = "volunteers"
urlpatterns = [
    # campuses and their ambassadors (coordinators)
    path("campuses/", campuses.campus_list, name="campus_list"),
    path("campuses/new/", campuses.campus_create, name="campus_create"),
    path("campuses/<int:pk>/edit/", campuses.campus_edit, name="campus_edit"),
    path("campuses/<int:pk>/ambassadors/", campuses.ambassador_add, name="ambassador_add"),
    path(
        "campuses/<int:pk>/ambassadors/<int:user_pk>/remove/",
        campuses.ambassador_remove_view,
        name="ambassador_remove",
    ),
    # volunteer profiles
    path("volunteers/profile/", profiles.profile, name="profile"),
    path("volunteers/<int:pk>/", profiles.volunteer_detail, name="volunteer_detail"),
    # the skills taxonomy
    path("skills/", skills.skill_list, name="skill_list"),
    path("skills/new/", skills.skill_create_view, name="skill_create"),
    path("skills/suggest/", skills.skill_suggest, name="skill_suggest"),
    path("skills/unmatched/", skills.unmatched_terms, name="unmatched_terms"),
    path("skills/<int:pk>/edit/", skills.skill_edit, name="skill_edit"),
    path("skills/<int:pk>/merge/", skills.skill_merge_view, name="skill_merge"),
]
