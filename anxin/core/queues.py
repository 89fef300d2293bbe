"""Extra Huey queues beside djhuey's default one, each drained by its own worker process.

``evidence`` takes image and video analysis: a slow or huge file there cannot hold up
acknowledgements and offers on the main queue, and its worker runs under a memory cap
(``run_evidence_worker``). Configured like ``HUEY`` (settings.HUEY_EVIDENCE).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from huey import Huey
from huey.utils import load_class


def huey_from_settings(config: dict[str, Any]) -> Huey:
    options = dict(config)
    name = options.pop("name")
    backend = load_class(options.pop("huey_class", "huey.RedisHuey"))
    options.pop("consumer", None)
    options.update(options.pop("connection", {}))
    return backend(name, **options)


evidence_huey = huey_from_settings(settings.HUEY_EVIDENCE)


def evidence_db_task(**task_options: Any) -> Callable[[Callable[..., Any]], Any]:
    """Like djhuey's ``db_task`` but on the evidence queue: fresh DB connections around each task."""

    def decorator(fn: Callable[..., Any]) -> Any:
        @wraps(fn)
        def inner(*args: Any, **kwargs: Any) -> Any:
            if not evidence_huey.immediate:
                close_old_connections()
            try:
                return fn(*args, **kwargs)
            finally:
                if not evidence_huey.immediate:
                    close_old_connections()

        task = evidence_huey.task(**task_options)(inner)
        task.call_local = fn
        return task

    return decorator
