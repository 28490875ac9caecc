"""What every page template knows about its reader (see proposals.access.capabilities)."""

from django.contrib.auth.models import AnonymousUser

from proposals.access import capabilities


def reader(request) -> dict:
    # A request refused before the authentication middleware ran (a bad Host header, answered
    # by the 400 page) has no user: it is read as an anonymous visitor's.
    return {"may": capabilities(getattr(request, "user", AnonymousUser()))}
