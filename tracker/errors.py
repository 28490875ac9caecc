"""The page shown when a form's CSRF check fails, in the site's language and look."""

from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render


def csrf_failure(request, reason=""):
    """A 403 that tells a clerk the page expired and how to submit again.

    Django's own page is in English and made for developers; this one renders 403_csrf.html
    with the request, so the header knows who is signed in.
    """
    context = {"no_cookie": reason == REASON_NO_CSRF_COOKIE}
    return render(request, "403_csrf.html", context, status=403)
