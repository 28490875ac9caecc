"""The WSGI application, as gunicorn loads it in each worker (deploy/gunicorn.conf.py).

Once loaded, with the URL configuration and so every view, model and admin, what was loaded
is moved out of the garbage collector's sight (gc.freeze): its periodic full collection
otherwise walked all of Django's objects again and added about 100 ms to one request in
ten or twenty (bench/scale.py's 95th percentiles).
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 (imports the views now, not at the first request)
gc.freeze()
