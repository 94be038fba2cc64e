"""The API's response and query shapes. Each output lists exactly what the matching page
shows to the same reader (see the serialisers in ``serialise.py``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class Error(Schema):
    detail: str
    code: str


class ValidationErrorOut(Error):
    errors: list[dict] = Field(default_factory=list)


class Index(Schema):
    version: str
    openapi: str
    documentation: str
    feed: str


class PageMeta(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    next: str | None
    previous: str | None


class Named(Schema):
    slug: str
    name: str


class SkillNeed(Named):
    level: int
    level_label: str


class Organisation(Schema):
    name: str
    country: str
    website: str
    social_mission: str


class MissionSummary(Schema):
    id: int
    url: str
    title: str
    organisation_name: str
    country: str
    country_name: str
    city: str
    work_mode: str
    work_mode_label: str
    start_date: dt.date
    end_date: dt.date
    weeks: int
    team_size: int
    hours_per_week: int
    domains: list[Named]
    skills: list[SkillNeed]
    published_at: dt.datetime | None


class MissionDetail(MissionSummary):
    languages: list[str]
    results_licence: str
    results_licence_label: str
    campuses: list[Named]
    context: str
    problem: str
    objectives: str
    deliverables: str
    out_of_scope: str
    # None when the organisation asked not to be named (a "discreet" mission).
    organisation: Organisation | None


class MissionPage(PageMeta):
    items: list[MissionSummary]


class MissionFilters(Schema):
    domain: str | None = Field(None, max_length=80, description="Domain slug")
    country: str | None = Field(None, max_length=2, description="ISO 3166-1 alpha-2 code")
    remote: bool = Field(False, description="Only missions that can be done remotely")
    skill: str | None = Field(None, max_length=80, description="Skill slug")
    campus: str | None = Field(None, max_length=50, description="Campus slug")
    q: str | None = Field(None, max_length=200, description="Words to find in the texts")


class Paging(Schema):
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(20, ge=1, le=100)


class EventOut(Schema):
    slug: str
    url: str | None
    title: str
    description: str
    speakers: str
    campus: Named | None
    online: bool
    room: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    audience: str
    audience_label: str
    status: str


class EventPage(PageMeta):
    items: list[EventOut]


class EventFilters(Schema):
    campus: str | None = Field(None, max_length=50, description="Campus slug")
    past: bool = Field(False, description="Past events instead of coming ones")


class Hours(Schema):
    hours: Decimal
    value: Decimal


class CountryCount(Schema):
    code: str
    name: str
    count: int


class Testimonial(Schema):
    text: str
    organisation: str
    answered_on: dt.date


class ImpactOut(Schema):
    missions_launched: int
    missions_closed: int
    organisations_served: int
    volunteers_engaged: int
    hours: Hours
    beneficiaries: int
    countries: list[CountryCount]
    testimonials: list[Testimonial]


class Licence(Schema):
    value: str
    label: str
    allows: str
    url: str


class CaseFile(Schema):
    title: str
    kind: str
    original_name: str
    size: int
    description: str
    url: str


class CaseSummary(Schema):
    slug: str
    url: str
    title: str
    organisation_name: str
    country: str
    country_name: str
    domains: list[Named]


class CaseDetail(CaseSummary):
    closed_on: dt.date | None
    problem: str
    solution: str
    results: str
    licence: Licence
    files: list[CaseFile]


class CasePage(PageMeta):
    items: list[CaseSummary]


class CaseFilters(Schema):
    domain: str | None = Field(None, max_length=80)
    country: str | None = Field(None, max_length=2)
    q: str | None = Field(None, max_length=200)


# Authenticated: what the token's owner sees on their own pages.


class Me(Schema):
    name: str
    email: str
    roles: list[str]
    language: str


class VolunteerSkill(Named):
    level: int
    level_label: str


class Availability(Schema):
    start: dt.date
    end: dt.date
    hours_per_week: int


class Profile(Schema):
    kind: str
    kind_label: str
    campus: Named | None
    programme: str
    year: int | None
    city: str
    country: str
    country_name: str
    languages: list[str]
    domains: list[Named]
    bio: str
    consent_matching_at: dt.datetime | None
    notify: str
    campus_digest: bool
    skills: list[VolunteerSkill]
    availabilities: list[Availability]


class ApplicationOut(Schema):
    id: int
    mission_id: int
    mission_title: str
    # Only while the mission is in the public catalogue, as on the page.
    mission_url: str | None
    status: str
    status_label: str
    applied_at: dt.datetime | None
    answer_by: dt.date | None
    reason: str | None
    reason_detail: str | None


class ApplicationPage(PageMeta):
    items: list[ApplicationOut]


class MissionForMe(Schema):
    mission: MissionSummary
    fit: str
    fit_label: str
    reasons: list[str]
    gaps: list[str]
    application_status: str | None


class MissionsForMe(Schema):
    has_profile: bool
    matchable: bool
    offered: int
    language: str
    missions: list[MissionForMe]


class NeedOut(Schema):
    id: int
    url: str
    title: str
    status: str
    status_label: str
    organisation_id: int
    organisation_name: str
    submitted_at: dt.datetime
    country: str
    city: str
    deadline: dt.date | None
    domains: list[Named]
    problem: str
    context: str
    already_tried: str
    desired_outcome: str
    decline_reason: str | None
    decline_detail: str | None
    duplicate_of: int | None


class NeedPage(PageMeta):
    items: list[NeedOut]


class NewsOut(Schema):
    id: int
    mission_id: int
    mission_title: str
    url: str
    author: str
    body: str
    created_at: dt.datetime


class NewsPage(PageMeta):
    items: list[NewsOut]


class NewsFilters(Schema):
    mission: int | None = Field(None, ge=1, le=2**62, description="Only this mission's news")


# The JSON Feed 1.1 of open missions (https://jsonfeed.org/version/1.1).


class FeedMission(Schema):
    organisation: str
    country: str
    city: str
    work_mode: str
    start_date: dt.date
    end_date: dt.date
    team_size: int
    hours_per_week: int
    languages: list[str]
    domains: list[str]
    skills: list[str]
    campuses: list[str]
    applications_close_on: dt.date | None


class FeedItem(Schema):
    id: str
    url: str
    title: str
    content_text: str
    summary: str
    date_published: str | None
    date_modified: str
    tags: list[str]
    soscience: FeedMission = Field(..., alias="_soscience")


class JsonFeed(Schema):
    version: str
    title: str
    home_page_url: str
    feed_url: str
    description: str
    language: str
    items: list[FeedItem]


# What any operation may answer besides its success: a refused token, bad parameters, the
# rate limit. Declared on each operation so the schema lists every status it can return.
ERRORS: dict[int, type[Schema]] = {401: Error, 422: ValidationErrorOut, 429: Error}
NOT_FOUND: dict[int, type[Schema]] = {404: Error, **ERRORS}
