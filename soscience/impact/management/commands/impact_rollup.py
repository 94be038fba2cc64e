"""Check or rebuild the sums of validated hours the impact figures add up.

manage.py impact_rollup            # check: lists where the sums and the entries disagree
manage.py impact_rollup --rebuild  # compute every sum again from the entries

The services and signals keep the sums in step (soscience.impact.rollup); a bulk load or a
change made with raw SQL does not: rebuild after one (generate_scale_data does it itself).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from soscience.impact import rollup
from soscience.impact.freshness import figures_changed

SHOWN = 20  # differences listed; the count says how many there are


class Command(BaseCommand):
    help = "Check (or --rebuild) the sums of validated hours of the impact figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rebuild", action="store_true", help="Compute every sum again from the entries."
        )

    def handle(self, *args: Any, rebuild: bool, **options: Any) -> None:
        if rebuild:
            rows = rollup.rebuild()
            figures_changed()
            self.stdout.write(f"Sums of validated hours rebuilt: {rows} rows.")
            return
        wrong = rollup.differences()
        if not wrong:
            self.stdout.write("The sums of validated hours match the entries.")
            return
        for (mission, volunteer, year), (kept, live) in sorted(wrong.items())[:SHOWN]:
            self.stdout.write(
                f"mission {mission}, volunteer {volunteer}, {year}: "
                f"sum {kept if kept is not None else 'missing'}, "
                f"entries {live if live is not None else 'none'}"
            )
        raise CommandError(
            f"{len(wrong)} sums of validated hours differ from the entries: "
            "run manage.py impact_rollup --rebuild."
        )
