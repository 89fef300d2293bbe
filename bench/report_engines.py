"""The PDF library comparison behind ADR 22: WeasyPrint (HTML + CSS) vs ReportLab (platypus), same page.

    taskset -c 1 env OMP_NUM_THREADS=1 .venv/bin/python bench/report_engines.py --runs 10

One A4 report, the same for both: a heading, a line of order facts, a 12-row checklist table, 6 photos
(3000x4000 JPEGs shrunk by Pillow to 640 px before embedding, as anxin.reports.sections does) and a
paragraph of advice, in the bundled font (anxin/reports/fonts). No Django, no database: only the
libraries. Prints one JSON line per engine: wall and CPU p50/p95 (ms) for the whole report and for the
PDF step alone (thumbnails made once beforehand), PDF size, and whether pypdf extracts the Chinese text.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from anxin.testing.report_photos import phone_photo  # noqa: E402

FONT = ROOT / "anxin" / "reports" / "fonts" / "AnxinReportSans-GB2312.ttf"
TITLE = "安心售后 上门服务报告"
FACTS = "工单号 WO20261203-000123 品牌 昌尔特 燃气热水器 型号 JSQ25-13 技师 王** 工号 T1001"
ADVICE = "硬水地区建议每12个月除垢一次；镁棒使用24个月后更换。"
ROWS = [
    ("燃气泄漏检测", "合格", "无泄漏"),
    ("烟道与排气", "合格", "排气顺畅"),
    ("点火", "不合格", "点火针积碳，已清理"),
    ("水压", "0.25 MPa", "范围 0.1–0.6"),
    ("镁棒/水垢", "需更换", "镁棒剩余 20%"),
    ("漏电保护", "合格", "动作正常"),
] * 2


def thumbnail(data: bytes, edge: int = 640) -> bytes:
    source = Image.open(io.BytesIO(data))
    source.draft("RGB", (edge, edge))
    image = source.convert("RGB")
    image.thumbnail((edge, edge), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=88)
    return out.getvalue()


def weasyprint_pdf(thumbs: list[bytes]) -> bytes:
    from weasyprint import HTML

    images = "".join(f'<img src="data:image/jpeg;base64,{base64.b64encode(t).decode()}">' for t in thumbs)
    rows = "".join(f"<tr><td>{a}</td><td>{b}</td><td>{c}</td></tr>" for a, b, c in ROWS)
    html = f"""<html><head><style>
      @font-face {{ font-family: R; src: url({FONT.as_uri()}); }}
      @page {{ size: A4; margin: 15mm; }} body {{ font-family: R; font-size: 10pt; }}
      table {{ width: 100%; border-collapse: collapse; }} td {{ border: 0.5pt solid #999; padding: 2px; }}
      img {{ width: 56mm; height: 42mm; object-fit: cover; margin: 1mm; }}
    </style></head><body><h1>{TITLE}</h1><p>{FACTS}</p><table>{rows}</table>{images}<p>{ADVICE}</p></body></html>"""
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def reportlab_pdf(thumbs: list[bytes]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Image as Picture
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    if "R" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("R", str(FONT)))
    body = ParagraphStyle("body", fontName="R", fontSize=10, leading=14, wordWrap="CJK")
    title = ParagraphStyle("title", fontName="R", fontSize=18, leading=24)
    out = io.BytesIO()
    story = [
        Paragraph(TITLE, title),
        Paragraph(FACTS, body),
        Table(
            [[Paragraph(cell, body) for cell in row] for row in ROWS],
            style=[("GRID", (0, 0), (-1, -1), 0.5, "#999999")],
        ),
        *[Picture(io.BytesIO(t), width=56 * mm, height=42 * mm) for t in thumbs],
        Paragraph(ADVICE, body),
    ]
    SimpleDocTemplate(out, pagesize=A4).build(story)
    return out.getvalue()


def _runs(fn: Callable[[], bytes], n: int) -> tuple[list[float], list[float], bytes]:
    fn()  # warm-up: imports, font parsing
    walls, cpus, pdf = [], [], b""
    for _ in range(n):
        wall, cpu = time.perf_counter(), time.process_time()
        pdf = fn()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return walls, cpus, pdf


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    photos = [phone_photo(seed, 3000, 4000) for seed in range(6)]
    thumbs = [thumbnail(p) for p in photos]
    for name, engine in (("weasyprint", weasyprint_pdf), ("reportlab", reportlab_pdf)):
        walls, cpus, pdf = _runs(lambda e=engine: e([thumbnail(p) for p in photos]), args.runs)  # type: ignore[misc]
        pdf_walls, pdf_cpus, _ = _runs(lambda e=engine: e(thumbs), args.runs)  # type: ignore[misc]
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        print(
            json.dumps(
                {
                    "engine": name,
                    "runs": args.runs,
                    "report_wall_ms_p50": round(statistics.median(walls)),
                    "report_wall_ms_p95": round(_p95(walls)),
                    "report_cpu_ms_p50": round(statistics.median(cpus)),
                    "report_cpu_ms_p95": round(_p95(cpus)),
                    "pdf_only_cpu_ms_p50": round(statistics.median(pdf_cpus)),
                    "pdf_only_wall_ms_p50": round(statistics.median(pdf_walls)),
                    "pdf_kb": round(len(pdf) / 1024),
                    "chinese_text_extracted": all(
                        s in text for s in ("燃气泄漏检测", "镁棒使用24个月后更换", "WO20261203-000123")
                    ),
                    "load1": round(os.getloadavg()[0], 2),
                }
            )
        )


if __name__ == "__main__":
    main()
