import pytest


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run what the code under test leaves for after its commit, as production does.

    Order events reach sla through the outbox: the kick enqueues the reader on commit, and in
    tests Huey runs it at once. Inside the test's transaction nothing commits, so wrap the calls
    whose SLA reactions a test checks: ``with after_commit(): workorder_transition(...)``.
    """
    return lambda: django_capture_on_commit_callbacks(execute=True)
