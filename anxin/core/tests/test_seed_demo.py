from django.core.management import call_command

from anxin.catalog.models import Brand
from anxin.workorders.models import WorkOrder


def test_demo_data_loads_once_and_again_changes_nothing(db, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (Brand.objects.count(), WorkOrder.objects.count())
    assert set(Brand.objects.values_list("name", flat=True)) == {"乐创", "千百饰", "昌尔特"}
    assert len(set(WorkOrder.objects.values_list("status", flat=True))) >= 5
    assert WorkOrder.objects.exclude(attention=[]).exists()
    call_command("seed_demo")
    assert (Brand.objects.count(), WorkOrder.objects.count()) == counts


def test_demo_logins_are_not_created_when_debug_is_off(db, settings):
    import pytest
    from django.core.management.base import CommandError

    from anxin.accounts.models import User

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.filter(username="admin").exists()


def test_demo_logins_are_not_created_in_production_even_with_debug(db, settings):
    import pytest
    from django.core.management.base import CommandError

    from anxin.accounts.models import User

    settings.DEBUG, settings.ANXIN_ENV = True, "production"
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_one_demo_order_is_completed_through_the_visit_with_its_full_report(db, settings):
    from anxin.parts.selectors import order_parts_used
    from anxin.pricing.choices import PriceState
    from anxin.pricing.selectors import order_payments, order_price_state
    from anxin.reports.models import ServiceReport
    from anxin.visits.completion import completion_missing, signoff_current
    from anxin.workorders.choices import Status

    settings.DEBUG = True
    call_command("seed_demo")
    order = WorkOrder.objects.get(status=Status.COMPLETED)
    assert completion_missing(order) == []
    signoff = signoff_current(order)
    assert signoff is not None and signoff.signature_sha256
    assert order_price_state(order) == PriceState.APPROVED and order_payments(order).exists()
    used = order_parts_used(order)
    assert used and used[0].new_serial.startswith("LECH-DEMO-") and used[0].removed_serial
    assert ServiceReport.objects.filter(order=order).exists()
    assert WorkOrder.objects.filter(status=Status.AWAITING_APPROVAL).exists()
