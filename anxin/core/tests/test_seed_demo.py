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
