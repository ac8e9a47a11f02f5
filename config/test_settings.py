"""Settings for pytest: the same app, with fast hashing and no manifest for static files.

Two runs side by side on one machine (two checkouts, or `make test` twice) must not share
anything that outlives a test: each run has its own PostgreSQL test database and each
process its own media folder. The workers of one pytest-xdist run share the run's id;
pytest-django adds the worker's name (_gw0 …) to the database name.
"""

import atexit
import os
import shutil
import tempfile
import uuid

os.environ.setdefault("SECRET_KEY", "test-secret-key-" + "x" * 40)
os.environ.setdefault("DEBUG", "false")

from config.settings import *  # noqa: E402,F403

RUN_ID = os.environ.get("PYTEST_XDIST_TESTRUNUID", uuid.uuid4().hex)[:12]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# SQLite's test database is in memory, this process's own; a server's is named per run.
if "sqlite" not in DATABASES["default"]["ENGINE"]:  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": f"test_xjx_{RUN_ID}"}  # noqa: F405

# A process started by a test (the Celery worker) is handed the folder of its test.
MEDIA_ROOT = os.environ.get("TEST_MEDIA_ROOT") or ""
if not MEDIA_ROOT:
    MEDIA_ROOT = tempfile.mkdtemp(prefix=f"xjx-test-media-{RUN_ID}-")
    atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)

# Briefings in tests set the full fonts, as on a machine where `manage.py briefing_fonts`
# hasn't run (CI's): a developer's cut faces in var/fonts don't change what tests see.
# tests/reports/test_briefing_content.py cuts its own.
BRIEFING_FONTS_DIR = os.path.join(MEDIA_ROOT, "no-briefing-fonts")
