"""Every intake request gets its own receipt number; redelivery matching is per submitter."""

import django.db.models.deletion
from django.db import migrations, models

import anxin.core.fields
import anxin.intake.models


def fill_receipts(apps, schema_editor):
    IntakeRequest = apps.get_model("intake", "IntakeRequest")
    for row in IntakeRequest.objects.filter(receipt_number__isnull=True).only("pk").iterator():
        IntakeRequest.objects.filter(pk=row.pk).update(
            receipt_number=anxin.intake.models.new_receipt_number()
        )


def fill_idempotency_requests(apps, schema_editor):
    IdempotencyRecord = apps.get_model("intake", "IdempotencyRecord")
    IntakeRequest = apps.get_model("intake", "IntakeRequest")
    for record in IdempotencyRecord.objects.filter(intake_request__isnull=True).iterator():
        intake = (
            IntakeRequest.objects.filter(order_id=record.order_id, submitted_by_id=record.client_id)
            .order_by("received_at")
            .first()
        )
        if intake is not None:
            record.intake_request = intake
            record.save(update_fields=["intake_request"])


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="intakerequest",
            name="receipt_number",
            field=models.CharField(max_length=24, null=True),
        ),
        migrations.RunPython(fill_receipts, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="intakerequest",
            name="receipt_number",
            field=models.CharField(
                default=anxin.intake.models.new_receipt_number, max_length=24, unique=True
            ),
        ),
        migrations.AddField(
            model_name="intakerequest",
            name="content",
            field=anxin.core.fields.EncryptedTextField(
                blank=True,
                help_text="what this request said (JSON), kept even when it joined an open order",
            ),
        ),
        migrations.RemoveIndex(model_name="intakerequest", name="intake_inta_channel_e5655c_idx"),
        migrations.AddIndex(
            model_name="intakerequest",
            index=models.Index(
                fields=["channel", "submitted_by", "external_ref"], name="intake_req_chan_sub_ref_idx"
            ),
        ),
        migrations.AddField(
            model_name="idempotencyrecord",
            name="intake_request",
            field=models.ForeignKey(
                help_text="what a retry replays",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="intake.intakerequest",
            ),
        ),
        migrations.RunPython(fill_idempotency_requests, migrations.RunPython.noop),
    ]
