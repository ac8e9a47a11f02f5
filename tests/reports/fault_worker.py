"""The Celery worker of the fault tests: `python -m tests.reports.fault_worker <celery worker
arguments>` (tests/reports/processes.py starts it).

The app's own worker, with the briefing job's timings shortened so that a test sees in
seconds what takes minutes in production, and every PDF render written to a log (the
process id that started it), the first render slowed down if asked (FAULT_SLOW_FIRST_PDF,
seconds) so that a test can kill a worker in the middle of it.
"""

import datetime
import os
import sys
import time
from pathlib import Path

# In seconds; production's are 10, 60 and 300.
HEARTBEAT_EVERY = 0.5
STALE_AFTER = 2
VISIBILITY_TIMEOUT = 3


def main(argv):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    import django

    django.setup()
    from config.celery import app
    from reports import briefing_document
    from reports.services import briefings

    briefings.HEARTBEAT_EVERY = HEARTBEAT_EVERY
    briefings.STALE_AFTER = datetime.timedelta(seconds=STALE_AFTER)
    app.conf.broker_transport_options = {
        **app.conf.broker_transport_options,
        "visibility_timeout": VISIBILITY_TIMEOUT,
        # Look for the messages of dead workers every second, not every 100.
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
    render = briefing_document.briefing_pdf
    render_log = Path(os.environ["FAULT_RENDER_LOG"])
    slow = float(os.environ.get("FAULT_SLOW_FIRST_PDF") or 0)

    def logged_render(html):
        first = not render_log.exists() or not render_log.read_text().strip()
        with render_log.open("a") as log:
            log.write(f"{os.getpid()}\n")
        if first and slow:
            time.sleep(slow)
        return render(html)

    briefing_document.briefing_pdf = logged_render
    app.worker_main(["worker", *argv])


if __name__ == "__main__":
    main(sys.argv[1:])
