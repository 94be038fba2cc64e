"""Rebuild the matching index now (operators), or queue it for the worker.

manage.py matching_rebuild_index            # build in this process, even if up to date
manage.py matching_rebuild_index --if-dirty # only if profiles changed since the last build
manage.py matching_rebuild_index --queue    # let the worker do it
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from soscience.matching.models import MatchingIndexState
from soscience.matching.services import index_rebuild, index_size_bytes
from soscience.matching.tasks import matching_index_rebuild


class Command(BaseCommand):
    help = "Rebuild the index of matchable volunteers used by the suggestions pages."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-dirty", action="store_true",
            help="Rebuild only if profiles changed since the last build.",
        )  # fmt: skip
        parser.add_argument(
            "--queue", action="store_true",
            help="Queue the task for the worker instead of building in this process.",
        )  # fmt: skip

    def handle(self, *args: Any, if_dirty: bool = False, queue: bool = False, **opts: Any) -> None:
        if queue:
            result = matching_index_rebuild.enqueue()
            self.stdout.write(f"Queued the matching index rebuild ({result.id}).")
            return
        built = index_rebuild(force=not if_dirty)
        if built.skipped:
            self.stdout.write(f"Matching index v{built.version} is up to date.")
            return
        size = index_size_bytes(MatchingIndexState.load()) / 1e6
        self.stdout.write(
            f"Matching index v{built.version}: {built.volunteers} volunteers "
            f"in {built.seconds:.1f} s ({size:.1f} MB)."
        )
