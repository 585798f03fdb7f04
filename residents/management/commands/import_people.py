"""Import people and stays from a sheet on disk: print the preview, and apply it with --apply."""
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from residents.imports.services import import_apply, import_preview


def _problem_line(problem) -> str:
    where = f"第 {problem.row} 行" if problem.row else "整个文件"
    column = f"{problem.letter} · {problem.column}" if problem.letter else problem.column
    return " · ".join(part for part in (where, column, problem.reason) if part)


class Command(BaseCommand):
    help = "从 .xlsx 或 .csv 导入人员和入住记录（默认只预览） / Import people and stays from a sheet (preview unless --apply)"

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help=".xlsx 或 .csv 文件")
        parser.add_argument("--user", required=True, metavar="USERNAME", help="以该用户的身份和权限导入 / username to act as")
        parser.add_argument("--apply", action="store_true", help="没有问题时写入 / write when there are no problems")

    def handle(self, *args, file, user, apply, **options):
        by = User.objects.filter(username=user).first()
        if by is None:
            raise CommandError(f"找不到用户 {user} / no such user")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件 {file} / no such file")
        try:
            with path.open("rb") as handle:
                preview = import_preview(user=by, file=File(handle, name=path.name))
                for problem in preview.problems:
                    self.stdout.write(_problem_line(problem))
                if preview.problems:
                    raise CommandError(f"表中有 {len(preview.problems)} 个问题，没有导入 / {len(preview.problems)} problems, nothing imported")
                self.stdout.write(
                    f"可以导入：新增 {preview.new_people} 人，已登记 {preview.existing_people} 人（跳过），入住 {preview.new_stays} 条"
                )
                if preview.ignored_columns:
                    self.stdout.write("已忽略的列：" + "、".join(preview.ignored_columns))
                if not apply:
                    self.stdout.write("只是预览；加 --apply 才会写入 / preview only; add --apply to write")
                    return
                result = import_apply(user=by, file=File(handle, name=path.name))
        except PermissionDenied as exc:
            raise CommandError(str(exc) or "permission denied") from exc
        if not result.applied:
            for problem in result.problems:
                self.stdout.write(_problem_line(problem))
            raise CommandError("导入失败，没有写入任何内容 / import failed, nothing written")
        self.stdout.write(self.style.SUCCESS(
            f"已导入：新增 {result.created_people} 人，已登记 {result.skipped_people} 人（跳过），入住 {result.created_stays} 条"
        ))
