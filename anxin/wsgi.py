import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anxin.settings")
# WSGI servers run requests on threads they reuse, so a kept connection is reused (without a
# PostgreSQL pool: SQLite, or DB_POOL_MAX_SIZE=0); under ASGI it would not be (ADR 31).
os.environ.setdefault("DB_CONN_MAX_AGE", "60")
application = get_wsgi_application()

# In production, refuse to serve with demo secrets, generated keys, demo logins or deploy warnings.
from anxin.core.checks import production_guard  # noqa: E402
from anxin.warmup import warm_up  # noqa: E402

production_guard()
warm_up()  # before the server hands this process its first request
