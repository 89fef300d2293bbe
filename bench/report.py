"""Service report PDF generation time: p50/p95 over N reports with 6 phone-sized photos, on one core.

    taskset -c 1 env OMP_NUM_THREADS=1 .venv/bin/python bench/report.py --reports 20
    taskset -c 1 env OMP_NUM_THREADS=1 .venv/bin/python bench/report.py --photo-size 1600x1200  # as intake stores them

Builds a fresh SQLite database in a temporary folder (migrations, one brand, technician and a completed
order), stores 6 synthetic JPEGs (default 3000x4000, quality 90, ~3 MB each: gradients, shapes and sensor
noise so they compress like photos, not like flat colour) as the order's pictures, then issues N report
versions with ``service_report_generate`` — render (sections + Pillow thumbnails + WeasyPrint), SHA-256,
file and row, timeline event — timing each one's wall and CPU time. The first report is a warm-up
(WeasyPrint and the fonts load once per process) and is reported apart. Also times the two halves
(``report_content``: queries and photo thumbnails; ``report_pdf``: layout and PDF) on the same order.

Prints one JSON line (``--out FILE`` also writes it): p50/p95 wall and CPU in ms, the PDF size, the
1-minute load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(data_dir: str) -> None:
    os.environ.update(
        {
            "ANXIN_DATA_DIR": data_dir,
            "DJANGO_SETTINGS_MODULE": "anxin.settings",
            "ANXIN_LOG_LEVEL": "WARNING",
        }
    )
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)


def _order(photos: list[bytes]) -> Any:
    import hashlib

    from django.core.files.base import ContentFile

    from anxin.accounts.models import User
    from anxin.catalog.models import Brand, ProductCategory
    from anxin.intake.services import RepairRequest, request_submit
    from anxin.network.models import ServicePoint, Technician
    from anxin.workorders.choices import Channel, Event, Status
    from anxin.workorders.models import Attachment, WorkOrder
    from anxin.workorders.services import workorder_event_record

    Brand.objects.create(code="changerte", name="昌尔特")
    ProductCategory.objects.create(code="gas-water-heater", name="燃气热水器")
    point = ServicePoint.objects.create(
        name="北京朝阳网点", county_code="110105", latitude=39.9, longitude=116.47
    )
    user = User.objects.create_user(username="tech", role="technician", display_name="王师傅")
    technician = Technician.objects.create(user=user, service_point=point, employee_no="T1001")
    request = RepairRequest(
        channel=Channel.API,
        phone="13800138000",
        name="张伟",
        address="北京市朝阳区建国路88号",
        brand="昌尔特",
        category="燃气热水器",
        description="热水器点火后熄火",
    )
    order = request_submit(request=request).order
    # Stored as taken (visit photos of the second round may be): the worst case for the report.
    for n, data in enumerate(photos):
        attachment = Attachment(
            order=order,
            filename=f"photo{n}.jpg",
            content_type="image/jpeg",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )
        attachment.file.save(f"photo{n}.jpg", ContentFile(data), save=False)
        attachment.save()
    WorkOrder.objects.filter(pk=order.pk).update(technician=technician, status=Status.COMPLETED)
    order = WorkOrder.objects.select_related(
        "brand", "category", "device__product_model", "technician__user", "technician__service_point"
    ).get(pk=order.pk)
    workorder_event_record(order=order, event=Event.COMPLETE, actor=None, to_status=Status.COMPLETED)
    return order


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _timed(fn: Any) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=20)
    parser.add_argument("--photos", type=int, default=6)
    parser.add_argument("--photo-size", default="3000x4000", help="WIDTHxHEIGHT of each photo")
    parser.add_argument("--out", help="also write the JSON line to this file")
    args = parser.parse_args()
    width, height = (int(v) for v in args.photo_size.split("x"))
    load_before = os.getloadavg()[0]

    with tempfile.TemporaryDirectory(prefix="anxin-bench-report-") as data_dir:
        _setup(data_dir)
        from anxin.reports.render import report_pdf
        from anxin.reports.sections import report_content
        from anxin.reports.services import service_report_generate
        from anxin.testing.report_photos import phone_photo

        photos = [phone_photo(seed, width, height) for seed in range(args.photos)]
        order = _order(photos)
        first_wall, first_cpu, _ = _timed(lambda: service_report_generate(order=order))
        walls, cpus, sizes = [], [], []
        for _ in range(args.reports):
            wall, cpu, report = _timed(lambda: service_report_generate(order=order))
            walls.append(wall)
            cpus.append(cpu)
            sizes.append(report.size)
        content_cpu = [_timed(lambda: report_content(order))[1] for _ in range(5)]
        content = report_content(order)
        pdf_cpu = [_timed(lambda: report_pdf(content))[1] for _ in range(5)]

    result = {
        "bench": "report",
        "reports": args.reports,
        "photos": args.photos,
        "photo_size": args.photo_size,
        "photo_mb_avg": round(statistics.mean(len(p) for p in photos) / 1e6, 2),
        "wall_ms_p50": round(statistics.median(walls)),
        "wall_ms_p95": round(_pct(walls, 0.95)),
        "cpu_ms_p50": round(statistics.median(cpus)),
        "cpu_ms_p95": round(_pct(cpus, 0.95)),
        "first_report_wall_ms": round(first_wall),
        "first_report_cpu_ms": round(first_cpu),
        "sections_cpu_ms_p50": round(statistics.median(content_cpu)),
        "pdf_cpu_ms_p50": round(statistics.median(pdf_cpu)),
        "pdf_kb": round(statistics.median(sizes) / 1024),
        "cpus_allowed": len(os.sched_getaffinity(0)),
        "omp_num_threads": os.environ.get("OMP_NUM_THREADS", ""),
        "load1_before": round(load_before, 2),
        "load1_after": round(os.getloadavg()[0], 2),
    }
    line = json.dumps(result)
    print(line)
    if args.out:
        Path(args.out).write_text(line + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
