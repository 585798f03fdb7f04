"""One export in a fresh process, so its peak memory (ru_maxrss) is its own.

    python -m bench.export_child csv|xlsx|floor|floor-zip YYYY-MM-01 USERNAME

Prints one JSON line: seconds, bytes, lines, peak and baseline resident memory (MiB).
`csv` and `xlsx` go through the real download path (subsidies.exports.views.batch_list_download:
scoped selectors, export_selectors rows, exports.py, access record); `floor` is PostgreSQL's own
`COPY (query) TO STDOUT` of the same lines and columns; `floor-zip` the same, then deflated, as the
zip inside an .xlsx is (the floor of the .xlsx).
"""
import json
import os
import sys
import time
import zlib
from datetime import date

from bench.processes import backend_cpu, backend_pid, rss_mib

FLOOR_SQL = """
COPY (
  SELECT to_char(b.month, 'YYYY-MM') AS 月份, r.full_name AS 行政区划, COALESCE(f.name, t.name) AS 申报单位,
         p.name AS 姓名, p.id_number AS 身份证号码, l.item AS 项目, l.support_form AS 供养方式, l.category AS 生活自理能力,
         l.days AS 计发天数, l.amount AS 金额, l.previous_amount AS 上月金额, to_char(l.adjusts_month, 'YYYY-MM') AS 补差月份,
         l.flags::text AS 提示
  FROM subsidies_claimline l
  JOIN subsidies_claimbatch b ON b.id = l.batch_id
  JOIN facilities_region r ON r.code = b.region_id
  JOIN residents_person p ON p.id = l.person_id
  LEFT JOIN facilities_facility f ON f.id = b.facility_id
  LEFT JOIN facilities_region t ON t.code = b.township_id
  WHERE b.month = %s AND b.region_id LIKE %s
  ORDER BY b.region_id, b.id, p.name, p.id, l.item, l.adjusts_month
) TO STDOUT WITH (FORMAT csv, HEADER)
"""


def main() -> None:
    fmt, month_text, username = sys.argv[1:4]
    prefix = sys.argv[4] if len(sys.argv) > 4 else "62"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import RequestFactory

    from accounts.models import User
    from subsidies.exports.views import batch_list_download
    from subsidies.selectors import BatchFilters

    month = date.fromisoformat(month_text)
    user = User.objects.get(username=username)
    backend = backend_pid()
    baseline = rss_mib()
    cpu = time.process_time() + backend_cpu(backend)
    started = time.perf_counter()
    if fmt in ("floor", "floor-zip"):
        with connection.cursor() as cursor, cursor.cursor.copy(FLOOR_SQL, [month, prefix + "%"]) as copy:
            chunks = []
            for chunk in copy:
                chunks.append(bytes(chunk))
            content = b"".join(chunks)
        size, lines = len(content), content.count(b"\n") - 1
        if fmt == "floor-zip":  # an .xlsx is zipped XML: deflate the rows as its writer does (level 6)
            size = len(zlib.compress(content, 6))
    else:
        request = RequestFactory().get("/subsidies/export/")
        request.user = user
        request.session = {}
        response = batch_list_download(request, filters=BatchFilters(month=month, region=prefix), fmt=fmt,
                                       full_ids=False)
        content = response.content
        size = len(content)
        lines = None
    seconds = time.perf_counter() - started
    cpu = time.process_time() + backend_cpu(backend) - cpu
    print(json.dumps({"format": fmt, "seconds": seconds, "cpu_s": cpu, "bytes": size, "lines": lines,
                      "peak_mib": rss_mib(), "baseline_mib": baseline}))


if __name__ == "__main__":
    main()
