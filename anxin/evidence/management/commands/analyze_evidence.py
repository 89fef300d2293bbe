"""Analyse one claim photo against reference pictures, without a database.

python manage.py analyze_evidence --reference listing/ --reference ship.jpg --claim claim.jpg --json

Reuse is checked against ``--seen`` photos (pHash and local features, so crops and mirrors count)
or, with ``--use-index``, against this installation's persisted reuse index (read only: the
command never adds to it; earlier photos are loaded from storage to verify a candidate).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import cv2
from django.core.management.base import BaseCommand, CommandError, CommandParser

from anxin.evidence.analysis import analyze
from anxin.evidence.detectors.base import EvidenceImage, UnreadableImage
from anxin.evidence.detectors.reference_match import ReferenceSet
from anxin.evidence.detectors.reuse import ImageLoader
from anxin.evidence.hashindex import FeatureIndex, HashIndex, local_features

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif", ".bmp", ".tif", ".tiff"}


def _files(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES))
        elif path.is_file():
            found.append(path)
        else:
            raise CommandError(f"no such file or directory: {raw}")
    return found


def _load(path: Path) -> EvidenceImage:
    try:
        return EvidenceImage.from_path(str(path))
    except UnreadableImage as exc:
        raise CommandError(str(exc)) from exc


class Command(BaseCommand):
    help = "Check one claim image for AI labels, copies of reference pictures, reuse and forensic traces."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reference", action="append", default=[], help="listing/shipping picture or folder"
        )
        parser.add_argument(
            "--shipping", action="append", default=[], help="this order's shipping picture or folder"
        )
        parser.add_argument(
            "--seen", action="append", default=[], help="earlier evidence to check reuse against"
        )
        parser.add_argument(
            "--use-index",
            action="store_true",
            help="check reuse against the persisted reuse index (ANXIN_EVIDENCE_INDEX_DIR) as well",
        )
        parser.add_argument("--claim", required=True, help="the claim photo")
        parser.add_argument("--json", action="store_true", help="print the full report as JSON")
        parser.add_argument("--heatmap", help="write the change heat map (PNG) here when the claim is a copy")

    def handle(self, *args: Any, **options: Any) -> None:
        references = ReferenceSet()
        for kind, paths in (("listing", options["reference"]), ("shipping", options["shipping"])):
            for path in _files(paths):
                references.add(path.name, _load(path).bgr, kind=kind)
        index, features, seen = HashIndex(), FeatureIndex(), {}
        for path in _files(options["seen"]):
            image = _load(path)
            index.add(path.name, analyze(image, want_heatmap=False).hashes)
            features.add(path.name, local_features(image.bgr))
            seen[path.name] = image.bgr
        load_earlier: ImageLoader = seen.get
        if options["use_index"]:
            if seen:
                raise CommandError("--use-index and --seen cannot be combined")
            from anxin.evidence import services

            features, load_earlier = services.reuse_store().index(), services.earlier_photo
        report = analyze(
            _load(Path(options["claim"])),
            references=references,
            index=index,
            feature_index=features,
            load_earlier=load_earlier,
        )
        if options["heatmap"] and report.heatmap is not None:
            cv2.imwrite(options["heatmap"], report.heatmap)
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"risk: {report.risk}")
        for signal in report.reasons:
            self.stdout.write(f"  [{signal.strength}] {signal.check}: {signal.message}")
