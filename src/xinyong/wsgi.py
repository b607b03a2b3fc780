"""WSGI entry point, served by gunicorn through `xinyong serve`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinyong.settings")
application = get_wsgi_application()
