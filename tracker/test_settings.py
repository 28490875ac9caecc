"""Settings for the test suite: the project's own, with a fast password hasher.

Tests log in hundreds of times; the production hasher is slow on purpose.
"""

from tracker.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
