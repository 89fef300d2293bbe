from django.core.management import call_command

from anxin.catalog.models import Brand
from anxin.workorders.models import WorkOrder


def test_demo_data_loads_once_and_again_changes_nothing(db):
    call_command("seed_demo")
    counts = (Brand.objects.count(), WorkOrder.objects.count())
    assert set(Brand.objects.values_list("name", flat=True)) == {"乐创", "千百饰", "昌尔特"}
    assert len(set(WorkOrder.objects.values_list("status", flat=True))) >= 5
    assert WorkOrder.objects.exclude(attention=[]).exists()
    call_command("seed_demo")
    assert (Brand.objects.count(), WorkOrder.objects.count()) == counts
