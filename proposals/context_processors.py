"""What every page template knows about its reader (see proposals.access.capabilities)."""

from proposals.access import capabilities


def reader(request) -> dict:
    return {"may": capabilities(request.user)}
