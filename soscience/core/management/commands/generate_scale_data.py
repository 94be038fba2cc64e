"""Fill the database with a synthetic platform at scale, for the benchmarks.

    manage.py generate_scale_data --size small       # 1,000 missions, 5,000 volunteers...
    manage.py generate_scale_data --size national    # 100,000 missions, 500,000 volunteers...
    manage.py generate_scale_data --volunteers 200 --missions 40 --updates 200 --hours 400

Every count of a preset can be changed. The same options and seed give the same data
(dated from today). It writes fake people who all share one password (printed at the
end), so it refuses to run when settings.DEBUG is off unless told it is not production,
and on a database that already has missions unless --append. See soscience/core/scale/.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from soscience.core.scale import PRESETS, Report, generate
from soscience.core.scale.generate import MATCHING_INDEX_AUTO_LIMIT
from soscience.core.scale.sink import TableStat
from soscience.core.scale.world import NAMED, PASSWORD, TOTP_SECRET
from soscience.missions.models import Mission

COUNTS = (
    "campuses",
    "volunteers",
    "organisations",
    "missions",
    "updates",
    "hours",
    "events",
    "applications",
    "notifications",
)
DEFAULT_SEED = 8


class Command(BaseCommand):
    help = "Generate a synthetic platform at scale (small or national) for the benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--size",
            choices=sorted(PRESETS),
            default="small",
            help="Preset (default small: a hundredth of national).",
        )
        for name in COUNTS:
            parser.add_argument(
                f"--{name}",
                type=int,
                default=None,
                help=f"Number of {name} (default: the preset's).",
            )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"Random seed (default {DEFAULT_SEED}: the same data every run).",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=5000,
            help="Rows per COPY or INSERT batch (default 5000).",
        )
        parser.add_argument(
            "--append", action="store_true", help="Add to a database that already has missions."
        )
        parser.add_argument(
            "--i-know-this-is-not-production",
            action="store_true",
            dest="not_production",
            help="Run even though settings.DEBUG is off (never on a real platform).",
        )
        parser.add_argument(
            "--matching-index",
            choices=("auto", "build", "skip"),
            default="auto",
            help=f"Build the matching index at the end (auto: up to "
            f"{MATCHING_INDEX_AUTO_LIMIT:,} matchable volunteers).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["not_production"]:
            raise CommandError(
                "Refusing to run with DEBUG off: this writes fake people who share one "
                "password. On a throwaway database, add --i-know-this-is-not-production."
            )
        if Mission.objects.exists() and not options["append"]:
            raise CommandError(
                "This database already has missions. Use an empty database, or --append to "
                "add to it."
            )
        sizes = PRESETS[options["size"]].with_overrides(**{name: options[name] for name in COUNTS})
        if problems := sizes.validate():
            raise CommandError("; ".join(problems))
        verbose = options["verbosity"] > 0
        self.stdout.write(f"Generating: {self._sizes_line(sizes)}, seed {options['seed']}.")
        report = generate(
            sizes=sizes,
            seed=options["seed"],
            batch_size=options["batch_size"],
            matching_index=options["matching_index"],
            on_write=self._progress if options["verbosity"] > 1 else None,
            say=self.stdout.write if verbose else lambda _text: None,
        )
        from soscience.core.page_cache import GROUPS, pages_changed
        from soscience.impact.freshness import figures_changed

        # Rows written with COPY send no signal: cached figures and pages are stale.
        figures_changed()
        pages_changed(*GROUPS)
        if verbose:
            self._report(report)

    @staticmethod
    def _sizes_line(sizes: Any) -> str:
        return ", ".join(f"{getattr(sizes, name):,} {name}" for name in COUNTS)

    def _progress(self, stat: TableStat) -> None:
        self.stdout.write(f"  {stat.table:<40} {stat.rows:>11,} rows {stat.seconds:8.2f} s")

    def _report(self, report: Report) -> None:
        width = max(len(t.table) for t in report.tables)
        line = f"{'table':<{width}}  {'rows':>11}  {'seconds':>8}  {'rows/s':>9}"
        self.stdout.write("")
        self.stdout.write(line)
        self.stdout.write("-" * len(line))
        for t in sorted(report.tables, key=lambda t: -t.rows):
            self.stdout.write(
                f"{t.table:<{width}}  {t.rows:>11,}  {t.seconds:>8.2f}  {t.rate:>9,.0f}"
            )
        self.stdout.write("-" * len(line))
        self.stdout.write(
            f"{'total':<{width}}  {report.rows:>11,}  {report.seconds:>8.2f}  {report.rate:>9,.0f}"
        )
        self.stdout.write(
            f"Included: planning {report.planning_seconds:.1f} s, indexes created again "
            f"{report.index_seconds:.1f} s, foreign keys checked {report.verify_seconds:.1f} s. "
            f"Then VACUUM and ANALYZE {report.analyze_seconds:.1f} s."
        )
        self.stdout.write(f"Database size: {report.database_bytes / 1e6:,.0f} MB.")
        if report.matching_seconds is not None:
            self.stdout.write(
                f"Matching index built: {report.matchable:,} volunteers "
                f"in {report.matching_seconds:.1f} s."
            )
        else:
            self.stdout.write(
                f"Matching index NOT built ({report.matchable:,} matchable volunteers): run "
                "`manage.py matching_rebuild_index` (or --queue for the worker) before "
                "measuring the suggestions pages."
            )
        self.stdout.write("")
        self.stdout.write(self.style.WARNING(f"Every generated account's password: {PASSWORD}"))
        self.stdout.write(
            f"Named accounts (TOTP secret of the coordinator and supervisor: {TOTP_SECRET}):"
        )
        for email in NAMED:
            made = "created" if email in report.named else "already there, kept"
            self.stdout.write(f"  {email}  ({made})")
