import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anxin.settings")
application = get_wsgi_application()

# In production, refuse to serve with demo secrets, generated keys, demo logins or deploy warnings.
from anxin.core.checks import production_guard  # noqa: E402

production_guard()
