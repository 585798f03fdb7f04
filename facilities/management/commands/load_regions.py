"""Load the shipped region tree: in bulk on an empty table, otherwise a dry-run diff that --apply carries out."""
import time
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from facilities.models import Region
from facilities.regions.services import apply as apply_diff
from facilities.regions.services import attached_counts, load_fresh, plan
from facilities.regions.tables import DATA, EDITION, read_target

SHOWN = 20


class Command(BaseCommand):
    help = "载入行政区划（现行县级 + 全部乡镇）；已有数据时先列出差异，--apply 执行 / Load regions; diff first, --apply to change"

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="执行差异（迁移记录） / apply the diff")
        parser.add_argument("--effective", type=date.fromisoformat, default=EDITION,
                            help="变更生效日期，默认为数据版本日期 / date the changes take effect")
        parser.add_argument("--counties", type=Path, default=DATA / "adcodes.csv")
        parser.add_argument("--townships", type=Path, default=DATA / "townships_2023.csv")
        parser.add_argument("--changes", type=Path, default=DATA / "region_changes.csv")
        parser.add_argument("--no-townships", action="store_true", help="只载入县级以上 / county level and above only")
        parser.add_argument("--townships-within", default=settings.REGION_TOWNSHIPS_WITHIN,
                            help="只载入该代码前缀下的乡镇（测试用） / only the townships under this prefix")

    def handle(self, *args, apply: bool, effective: date, counties, townships, changes, no_townships,
               townships_within, **options):
        started = time.monotonic()
        target = read_target(counties, None if no_townships else townships, changes=changes,
                             townships_within=townships_within)
        if not Region.objects.exists():
            count = load_fresh(target, effective)
            self.stdout.write(f"行政区划：载入 {count} 条，用时 {time.monotonic() - started:.1f} 秒 / "
                              f"regions: loaded {count} in {time.monotonic() - started:.1f}s")
            return
        diff = plan(target)
        if diff.empty:
            self.stdout.write("行政区划已是最新 / regions are up to date")
            return
        self._show(diff, effective, options["verbosity"])
        if not apply:
            self.stdout.write("以上为预览，未作修改；确认后加 --apply 执行 / dry run: nothing changed; run with --apply")
            return
        made = apply_diff(target, diff, effective)
        moved = sum(sum(c.moved.values()) for c in made if c.kind == "abolished")
        self.stdout.write(f"已执行 {len(made)} 项变更，迁移 {moved} 条记录，{len(diff.split)} 项待决定，"
                          f"用时 {time.monotonic() - started:.1f} 秒 / applied {len(made)} changes, moved {moved} "
                          f"records, {len(diff.split)} waiting for a decision")

    def _show(self, diff, effective, verbosity):
        names = dict(Region.objects.values_list("code", "full_name"))
        sections = [
            ("新设 added", [(c, "") for c in diff.added]),
            ("更名 renamed", [(c, f"{a} → {b}") for c, a, b in diff.renamed]),
            ("改变隶属 moved", [(c, f"{a} → {b}") for c, a, b in diff.moved]),
            ("撤销 abolished", [(c, f"{names.get(c, '')} → {s}") for c, s in diff.abolished]),
            ("待决定 split", [(c, f"{names.get(c, '')} → ? {' '.join(s)}") for c, s in diff.split]),
        ]
        for title, lines in sections:
            self.stdout.write(f"{title}: {len(lines)}")
            for code, text in lines if verbosity > 1 else lines[:SHOWN]:
                counts = attached_counts(code, effective) if title[:2] in ("撤销", "待决") else {}
                moving = "；".join(f"{k} {n}" for k, n in counts.items())
                self.stdout.write(f"  {code} {text}{'  [' + moving + ']' if moving else ''}")
            if verbosity <= 1 and len(lines) > SHOWN:
                self.stdout.write(f"  …（另 {len(lines) - SHOWN} 条，-v 2 全部列出 / {len(lines) - SHOWN} more)")
