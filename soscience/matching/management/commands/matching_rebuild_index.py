"""Rebuild the matching indexes now (operators), or queue them for the worker: the
matchable volunteers' (the suggestions) and the published missions' ("missions for me").

manage.py matching_rebuild_index            # build both in this process, even if up to date
manage.py matching_rebuild_index --if-dirty # only those whose data changed since their build
manage.py matching_rebuild_index --queue    # let the worker do it
manage.py matching_rebuild_index --missions # the missions' index only (--volunteers: theirs)

After loading data in bulk (a restore, generated data: no signal tells the indexes), run
it without --if-dirty.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from soscience.matching.missions_index import index_file_path, missions_index_refresh
from soscience.matching.models import MatchingIndexState
from soscience.matching.services import index_rebuild, index_size_bytes
from soscience.matching.tasks import matching_index_rebuild, matching_missions_refresh


class Command(BaseCommand):
    help = "Rebuild the matching indexes: matchable volunteers (suggestions), published missions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-dirty", action="store_true",
            help="Rebuild only what changed since the last build.",
        )  # fmt: skip
        parser.add_argument(
            "--queue", action="store_true",
            help="Queue the tasks for the worker instead of building in this process.",
        )  # fmt: skip
        only = parser.add_mutually_exclusive_group()
        only.add_argument("--volunteers", action="store_true", help="The volunteers' only.")
        only.add_argument("--missions", action="store_true", help="The missions' only.")

    def handle(
        self, *args: Any, if_dirty: bool = False, queue: bool = False, volunteers: bool = False,
        missions: bool = False, **opts: Any,
    ) -> None:  # fmt: skip
        if not missions:
            self._volunteers(if_dirty, queue)
        if not volunteers:
            self._missions(if_dirty, queue)

    def _volunteers(self, if_dirty: bool, queue: bool) -> None:
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

    def _missions(self, if_dirty: bool, queue: bool) -> None:
        if queue:
            result = matching_missions_refresh.enqueue()
            self.stdout.write(f"Queued the missions index refresh ({result.id}).")
            return
        done = missions_index_refresh(force=not if_dirty)
        if done.skipped or not done.written:
            self.stdout.write(f"Missions index v{done.version} is up to date.")
            return
        path = index_file_path(MatchingIndexState.load(MatchingIndexState.MISSIONS))
        size = path.stat().st_size / 1e6 if path and path.is_file() else 0.0
        self.stdout.write(
            f"Missions index v{done.version}: {done.missions} missions "
            f"in {done.seconds:.1f} s ({size:.1f} MB)."
        )
