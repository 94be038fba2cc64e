"""Atom feed of newly published missions: public data only, like the catalogue."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from soscience.core.markdown import render_markdown
from soscience.missions.models import Mission

FEED_SIZE = 50
EXCERPT_WORDS = 60


def plain_excerpt(markdown_text: str, words: int = EXCERPT_WORDS) -> str:
    """The first words of a Markdown text as plain text (for feeds and meta tags)."""
    text = strip_tags(render_markdown(markdown_text))
    return Truncator(" ".join(text.split())).words(words, truncate="…")


class NewMissionsFeed(Feed):
    feed_type = Atom1Feed
    title = _("SoScience: new missions")
    subtitle = _(
        "Science and engineering missions for the social and solidarity economy, newest first."
    )
    link = reverse_lazy("missions:catalogue")

    def items(self) -> QuerySet[Mission]:
        # Only what the catalogue shows: published missions, no organisation details
        # beyond the public name (which the feed does not even use).
        return (
            Mission.objects.published()
            .prefetch_related("domains")
            .order_by("-published_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, item: Mission) -> str:
        return item.title

    def item_description(self, item: Mission) -> str:
        return plain_excerpt(item.problem)

    def item_link(self, item: Mission) -> str:
        return reverse("missions:detail", kwargs={"pk": item.pk})

    def item_pubdate(self, item: Mission) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Mission) -> dt.datetime | None:
        # Atom requires <updated> on each entry; a published order no longer changes.
        return item.published_at

    def item_categories(self, item: Mission) -> list[str]:
        return [domain.name for domain in item.domains.all()]
