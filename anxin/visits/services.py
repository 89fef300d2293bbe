"""Writes of the visit: start and fill a checklist, complete it (then it is frozen), photos, diagnosis,
and the loader of the shipped standards (checklists, fault codes)."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anxin.accounts.models import User
from anxin.accounts.permissions import require
from anxin.catalog.models import Brand, FaultCode, ProductCategory
from anxin.core.exceptions import Conflict, ValidationFailed
from anxin.core.images import attachment_image_ingest
from anxin.pricing.services import signature_validate
from anxin.visits.choices import InspectionStatus, ItemKind, NoSignatureReason, PhotoRole, VisitKind
from anxin.visits.completion import completion_missing, missing_refuse
from anxin.visits.models import (
    ChecklistItem,
    ChecklistTemplate,
    Diagnosis,
    Inspection,
    InspectionResult,
    SignOff,
    VisitPhoto,
)
from anxin.visits.permissions import COMPLETE, DIAGNOSE, INSPECT
from anxin.visits.selectors import (
    fault_codes_for_order,
    inspection_latest,
    standards_data,
    templates_for_order,
)
from anxin.workorders.choices import Event, Status
from anxin.workorders.models import Attachment, WorkOrder
from anxin.workorders.services import workorder_transition

# The technician is at the device: before arrival nothing can be inspected, after completion nothing changes.
ON_SITE_STATUSES = frozenset({Status.ON_SITE, Status.DIAGNOSED, Status.AWAITING_APPROVAL, Status.IN_REPAIR})
MAX_TEXT = 2000
MAX_PHOTO_BYTES = 20 * 1024 * 1024


def _on_site(order: WorkOrder) -> None:
    if order.status not in ON_SITE_STATUSES:
        raise Conflict(
            _("工单状态为「%(status)s」：技师到场后、完工前才能记录检测")
            % {"status": Status(order.status).label},
            code="not_on_site",
            field="number",
        )


@transaction.atomic
def inspection_start(*, actor: User, order: WorkOrder, template: ChecklistTemplate) -> Inspection:
    """Start a run of ``template`` on the order, or resume the open run of the same kind (idempotent)."""
    require(actor, INSPECT, order)
    _on_site(order)
    if template.pk not in {t.pk for t in templates_for_order(order=order)}:
        raise ValidationFailed(
            _("该检测模板不适用于此工单的设备"), code="template_not_applicable", field="template_id"
        )
    open_run = order.inspections.filter(kind=template.kind, status=InspectionStatus.IN_PROGRESS).first()
    if open_run is not None:
        return open_run
    try:
        with transaction.atomic():
            return Inspection.objects.create(
                order=order,
                template=template,
                kind=template.kind,
                started_by=actor,
                started_at=timezone.now(),
            )
    except IntegrityError:  # a concurrent start won: resume that one
        return order.inspections.get(kind=template.kind, status=InspectionStatus.IN_PROGRESS)


def _locked_open(inspection: Inspection) -> Inspection:
    """The inspection row locked for this transaction; 409 once it is completed (it is evidence)."""
    locked = Inspection.objects.select_for_update().select_related("order", "template").get(pk=inspection.pk)
    if locked.status != InspectionStatus.IN_PROGRESS:
        raise Conflict(_("检测已完成，记录不能再修改"), code="inspection_completed", field="inspection_id")
    return locked


@dataclass(frozen=True)
class _Judged:
    passed: bool | None = None
    number: Decimal | None = None
    choice: str = ""
    text: str = ""
    out_of_range: bool = False
    failed: bool = False


_TRUE = {"true", "1", "pass", "yes", "ok", "合格"}
_FALSE = {"false", "0", "fail", "no", "不合格"}


def _pass_fail(value: object) -> _Judged:
    if isinstance(value, bool):
        passed = value
    elif str(value).strip().lower() in _TRUE:
        passed = True
    elif str(value).strip().lower() in _FALSE:
        passed = False
    else:
        raise ValidationFailed(_("请选择合格或不合格"), code="invalid_value", field="value")
    return _Judged(passed=passed, failed=not passed)


def reading_out_of_range(item: ChecklistItem, number: Decimal) -> bool:
    return (item.min_value is not None and number < item.min_value) or (
        item.max_value is not None and number > item.max_value
    )


def _reading(item: ChecklistItem, value: object) -> _Judged:
    try:
        number = Decimal(str(value).strip().replace("，", "."))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("读数必须是数字"), code="invalid_value", field="value") from None
    if not number.is_finite() or abs(number) >= Decimal("10000000"):
        raise ValidationFailed(_("读数必须是数字"), code="invalid_value", field="value")
    number = number.quantize(Decimal("0.001"))
    out = reading_out_of_range(item, number)
    return _Judged(number=number, out_of_range=out, failed=out)


def _choice(item: ChecklistItem, value: object) -> _Judged:
    option = next((o for o in item.options if o.get("value") == str(value)), None)
    if option is None:
        raise ValidationFailed(_("不是此项目的选项"), code="invalid_value", field="value")
    return _Judged(choice=str(value), failed=bool(option.get("fails")))


def _text(value: object) -> _Judged:
    text = str(value or "").strip()
    if len(text) > MAX_TEXT:
        raise ValidationFailed(_("文字记录不能超过 2000 字"), code="too_long", field="value")
    return _Judged(text=text)


def result_judge(item: ChecklistItem, value: object) -> _Judged:
    """Parse ``value`` for the item's kind and judge it against the item's own limits and options."""
    if value is None or (isinstance(value, str) and not value.strip() and item.kind != ItemKind.TEXT):
        raise ValidationFailed(_("请填写检测结果"), code="required", field="value")
    if item.kind == ItemKind.PASS_FAIL:
        return _pass_fail(value)
    if item.kind == ItemKind.READING:
        return _reading(item, value)
    if item.kind == ItemKind.CHOICE:
        return _choice(item, value)
    if item.kind == ItemKind.TEXT:
        return _text(value)
    raise ValidationFailed(_("拍照项目请上传照片"), code="photo_item", field="value")


def _item_of(inspection: Inspection, item_code: str) -> ChecklistItem:
    item = inspection.template.items.filter(code=item_code).first()
    if item is None:
        raise ValidationFailed(
            _("检测清单中没有项目 %(item)s") % {"item": item_code}, code="unknown_item", field="item_code"
        )
    return item


def _result_save(
    *, inspection: Inspection, item: ChecklistItem, judged: _Judged, actor: User
) -> InspectionResult:
    result, _created = InspectionResult.objects.update_or_create(
        inspection=inspection,
        item=item,
        defaults={
            "passed": judged.passed,
            "number": judged.number,
            "choice": judged.choice,
            "text": judged.text,
            "out_of_range": judged.out_of_range,
            "failed": judged.failed,
            "recorded_by": actor,
            "recorded_at": timezone.now(),
        },
    )
    return result


@transaction.atomic
def inspection_record(
    *, actor: User, inspection: Inspection, item_code: str, value: object
) -> InspectionResult:
    """Record (or correct, while the run is open) one item's answer; 409 once the run is completed."""
    require(actor, INSPECT, inspection.order)
    locked = _locked_open(inspection)
    _on_site(locked.order)
    item = _item_of(locked, item_code)
    return _result_save(inspection=locked, item=item, judged=result_judge(item, value), actor=actor)


@transaction.atomic
def inspection_complete(*, actor: User, inspection: Inspection) -> Inspection:
    """Freeze the run: every required item answered (photo items: a photo taken). 409 naming what is missing."""
    require(actor, INSPECT, inspection.order)
    locked = _locked_open(inspection)
    answered = set(locked.results.values_list("item_id", flat=True))
    missing = [str(item) for item in locked.template.items.filter(required=True) if item.pk not in answered]
    if missing:
        raise Conflict(
            _("还有 %(count)s 项未完成：%(items)s")
            % {"count": len(missing), "items": "、".join(missing[:5])},
            code="checklist_incomplete",
            field="items",
        )
    now = timezone.now()
    updated = Inspection.objects.filter(pk=locked.pk, status=InspectionStatus.IN_PROGRESS).update(
        status=InspectionStatus.COMPLETED, completed_at=now
    )
    if updated != 1:  # unreachable under the row lock; kept as the conditional update's check
        raise Conflict(_("检测已完成，记录不能再修改"), code="inspection_completed", field="inspection_id")
    locked.status, locked.completed_at = InspectionStatus.COMPLETED, now
    return locked


@transaction.atomic
def photo_add(
    *,
    actor: User,
    order: WorkOrder,
    role: str,
    data: bytes,
    filename: str,
    inspection: Inspection | None = None,
    item_code: str = "",
) -> VisitPhoto:
    """Store a photo of the visit as an order attachment (re-encoded: no GPS position, bounded size).

    An item photo belongs to an open inspection; taking it answers a photo item of the checklist.
    """
    require(actor, INSPECT, order)
    _on_site(order)
    if role not in PhotoRole.values:
        raise ValidationFailed(_("照片用途只能是维修前、维修后或检测项"), code="invalid_role", field="role")
    if len(data) > MAX_PHOTO_BYTES:
        raise ValidationFailed(_("照片不能超过 20 MB"), code="too_large", field="file")
    item = None
    if role == PhotoRole.ITEM:
        if inspection is None:
            raise ValidationFailed(_("检测项照片需要指定检测记录"), code="required", field="inspection_id")
        inspection = _locked_open(inspection)
        item = _item_of(inspection, item_code)
    elif inspection is not None:
        inspection = None  # before/after photos belong to the order, whatever run was open
    picture = attachment_image_ingest(filename=filename, data=data, content_type="")
    attachment = Attachment(
        order=order,
        filename=re.split(r"[\\/]", filename or "")[-1].strip()[:200] or "photo",  # no folder part; encrypted
        content_type=picture.content_type,
        size=len(picture.data),
        sha256=hashlib.sha256(data).hexdigest(),  # of what the phone sent
    )
    attachment.file.save(
        f"visit-{role}-{attachment.sha256[:16]}{picture.suffix}", ContentFile(picture.data), save=False
    )
    attachment.save()
    photo = VisitPhoto.objects.create(
        order=order, attachment=attachment, role=role, inspection=inspection, item=item, taken_by=actor,
        created_at=timezone.now(),
    )  # fmt: skip
    if item is not None and item.kind == ItemKind.PHOTO and inspection is not None:
        _result_save(inspection=inspection, item=item, judged=_Judged(), actor=actor)
    return photo


def _fault_codes_checked(order: WorkOrder, given: list[str]) -> list[FaultCode]:
    """The brand's codes for the device, sorted by code; any other code is refused by name."""
    wanted = sorted({c.strip().upper() for c in given if c.strip()})
    known = {c.code.upper(): c for c in fault_codes_for_order(order=order)}
    unknown = [c for c in wanted if c not in known]
    if unknown:
        raise ValidationFailed(
            _("不是该品牌该品类的故障代码：%(codes)s") % {"codes": "、".join(unknown)},
            code="unknown_fault_code",
            field="fault_codes",
        )
    return [known[c] for c in wanted]


@transaction.atomic
def diagnosis_record(*, actor: User, order: WorkOrder, fault_codes: list[str], cause: str) -> Diagnosis:
    """Record (or correct, until completion) the diagnosis: codes from the brand's table and the cause.

    It needs the order's inspection completed first when a checklist exists for the device; an order
    still ``on_site`` moves to ``diagnosed`` (the DIAGNOSE transition, one timeline row).
    """
    require(actor, DIAGNOSE, order)
    _on_site(order)
    cause = (cause or "").strip()
    if len(cause) > MAX_TEXT:
        raise ValidationFailed(_("故障原因不能超过 2000 字"), code="too_long", field="cause")
    codes = _fault_codes_checked(order, fault_codes)
    if not codes and not cause:
        raise ValidationFailed(_("请选择故障代码或填写故障原因"), code="required", field="fault_codes")
    has_checklist = any(t.kind == VisitKind.INSPECTION for t in templates_for_order(order=order))
    if has_checklist and inspection_latest(order=order, kind=VisitKind.INSPECTION) is None:
        raise Conflict(_("请先完成上门检测清单再填写诊断"), code="checklist_required", field="inspection")
    diagnosis, _created = Diagnosis.objects.update_or_create(
        order=order, defaults={"cause": cause, "recorded_by": actor, "recorded_at": timezone.now()}
    )
    diagnosis.fault_codes.set(codes)
    if order.status == Status.ON_SITE:
        workorder_transition(order=order, event=Event.DIAGNOSE, actor=actor)
    return diagnosis


# --- completion ------------------------------------------------------------------------------------------


@transaction.atomic
def visit_complete(
    *,
    actor: User,
    order: WorkOrder,
    signature: bytes = b"",
    no_signature_reason: str = "",
    note: str = "",
) -> SignOff:
    """The customer signs off the repair on the technician's phone (or he records why not), then COMPLETE.

    Everything else completion requires must be done first (409 ``completion_incomplete`` naming it):
    nobody is asked to sign for work that is not finished. The signature is checked and re-encoded as an
    approval's is, stored encrypted with its SHA-256; the COMPLETE guard then sees the sign-off.
    """
    require(actor, COMPLETE, order)
    order = WorkOrder.objects.select_for_update().get(pk=order.pk)  # two taps: one sign-off, one completion
    if order.status != Status.IN_REPAIR:
        raise Conflict(
            _("工单状态为「%(status)s」：维修中的工单才能完工签字") % {"status": Status(order.status).label},
            code="not_in_repair",
            field="number",
        )
    missing_refuse(completion_missing(order, include_signoff=False))
    note = (note or "").strip()
    if len(note) > 300:
        raise ValidationFailed(_("说明不能超过 300 字"), code="too_long", field="note")
    png = b""
    if signature:
        png = signature_validate(signature)
        no_signature_reason = ""
    elif no_signature_reason not in NoSignatureReason.values:
        raise ValidationFailed(
            _("请客户签名，或选择未签字的原因"), code="signature_required", field="signature"
        )
    signoff = SignOff.objects.create(
        order=order,
        signature_png=base64.b64encode(png).decode() if png else "",
        signature_sha256=hashlib.sha256(png).hexdigest() if png else "",
        no_signature_reason=no_signature_reason,
        note=note,
        recorded_by=actor,
        signed_at=timezone.now(),
    )
    text = _("客户签字确认完工") if png else str(NoSignatureReason(no_signature_reason).label)
    workorder_transition(order=order, event=Event.COMPLETE, actor=actor, note=text)
    return signoff


def signoff_signature(signoff: SignOff) -> bytes:
    """The sign-off PNG (decrypted), for the report."""
    return base64.b64decode(signoff.signature_png) if signoff.signature_png else b""


# --- the shipped standards -------------------------------------------------------------------------------


@dataclass
class StandardsLoaded:
    """What one run of the loader added (a second run adds nothing)."""

    categories: list[str] = field(default_factory=list)
    templates: list[str] = field(default_factory=list)
    fault_codes: int = 0


def _template_load(spec: dict[str, Any], category: ProductCategory, report: StandardsLoaded) -> None:
    if ChecklistTemplate.objects.filter(key=spec["key"], version=spec["version"]).exists():
        return  # a loaded version is never changed: inspections may already refer to it
    template = ChecklistTemplate.objects.create(
        key=spec["key"], version=spec["version"], kind=spec["kind"], category=category,
        name=spec["name"], name_en=spec.get("name_en", ""),
    )  # fmt: skip
    for raw in spec["items"]:
        item = ChecklistItem(
            template=template,
            position=raw["position"],
            code=raw["code"],
            label=raw["label"],
            label_en=raw.get("label_en", ""),
            hint=raw.get("hint", ""),
            kind=raw["kind"],
            unit=raw.get("unit", ""),
            min_value=None if raw.get("min") is None else Decimal(str(raw["min"])),
            max_value=None if raw.get("max") is None else Decimal(str(raw["max"])),
            options=raw.get("options", []),
            required=raw.get("required", True),
            severity=raw.get("severity", "none"),
            fix=raw.get("fix", ""),
            fix_en=raw.get("fix_en", ""),
        )
        item.full_clean(exclude=["template"])
        item.save()
    report.templates.append(f"{template.key} v{template.version}")


def _fault_codes_load(category: ProductCategory, rows: list[list[str]], report: StandardsLoaded) -> None:
    """Every brand selling the category gets the starter codes it lacks; a brand's own edits are kept."""
    brands = Brand.objects.filter(models__category=category).distinct()
    for brand in brands:
        for code, name, name_en, description in rows:
            _row, created = FaultCode.objects.get_or_create(
                brand=brand,
                category=category,
                code=code,
                defaults={"name": name, "name_en": name_en, "description": description},
            )
            report.fault_codes += int(created)


@transaction.atomic
def standards_load() -> StandardsLoaded:
    """Load the shipped checklists and starter fault codes (idempotent; see docs/visits.md)."""
    data = standards_data()
    report = StandardsLoaded()
    categories: dict[str, ProductCategory] = {}
    for spec in data["categories"]:
        category, created = ProductCategory.objects.get_or_create(
            code=spec["code"], defaults={"name": spec["name"], "name_en": spec.get("name_en", "")}
        )
        categories[spec["code"]] = category
        if created:
            report.categories.append(spec["code"])
    for spec in data["checklists"]:
        _template_load(spec, categories[spec["category"]], report)
    for category_code, rows in data["fault_codes"].items():
        _fault_codes_load(categories[category_code], rows, report)
    return report


@transaction.atomic
def template_new_version(*, template: ChecklistTemplate) -> ChecklistTemplate:
    """A copy of ``template``'s newest version as the next version, items included, to edit in the admin.

    Versions with inspections are frozen; this is how a checklist changes without rewriting old visits.
    The new version is inactive until the brand activates it (then it replaces the older ones).
    """
    newest = (
        ChecklistTemplate.objects.select_for_update().filter(key=template.key).order_by("-version").first()
    )
    assert newest is not None  # ``template`` itself has the key
    copy = ChecklistTemplate.objects.create(
        key=newest.key, version=newest.version + 1, kind=newest.kind, category=newest.category,
        brand=newest.brand, product_model=newest.product_model, name=newest.name, name_en=newest.name_en,
        active=False,
    )  # fmt: skip
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            template=copy,
            position=i.position,
            code=i.code,
            label=i.label,
            label_en=i.label_en,
            hint=i.hint,
            kind=i.kind,
            unit=i.unit,
            min_value=i.min_value,
            max_value=i.max_value,
            options=i.options,
            required=i.required,
            severity=i.severity,
            fix=i.fix,
            fix_en=i.fix_en,
        )  # fmt: skip
        for i in newest.items.all()
    )
    return copy


def template_in_use(template: ChecklistTemplate) -> bool:
    return template.inspections.exists()
