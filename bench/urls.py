"""The tracker's URLs and the floor page bench/scale.py measures every page against.

The floor is what the framework costs with nothing to read: the middleware, the context
processors and base.html, rendered with an empty context. For an anonymous visitor it runs no
query (bench/scale.py prints its query count to show it).
"""

from django.shortcuts import render
from django.urls import path

from tracker.urls import urlpatterns as tracker_urlpatterns


def floor(request):
    return render(request, "base.html", {})


urlpatterns = [path("bench/floor/", floor, name="bench-floor"), *tracker_urlpatterns]
