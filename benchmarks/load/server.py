"""The server under load: gunicorn with production settings, on a free port of 127.0.0.1.

`server_environment` is the environment of production as far as a load test can have it:
DEBUG off (templates cached, no query log), whitenoise serving static files from a
STATIC_ROOT collected beforehand (with DEBUG off every page's `{% static %}` needs the
manifest). It differs in three switches an intranet on plain HTTP turns off too: no
redirect to HTTPS, and the session and CSRF cookies not marked Secure, so that the load
generator's cookie jar sends them back over http://.
"""

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from benchmarks.load import procstat

PROJECT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
PR_SET_PDEATHSIG = 1


def server_environment(base, static_root):
    env = dict(base)
    env.update(
        DEBUG="false",
        SECRET_KEY="load-benchmark-only-not-a-secret",
        ALLOWED_HOSTS=HOST,
        STATIC_ROOT=str(static_root),
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
    )
    return env


def collect_static(env):
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=PROJECT,
        env=env,
        check=True,
    )


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _die_with_parent():
    """Run in the child before gunicorn starts: the kernel sends it SIGTERM when the
    runner dies, however it dies, so no server is left behind on the port."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Gunicorn:
    """`gunicorn config.wsgi -w N -b 127.0.0.1:<free port>`, logging to `log_path`."""

    def __init__(self, env, workers, log_path):
        self.env = env
        self.workers = workers
        self.log_path = log_path
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.process = None

    def start(self):
        command = [sys.executable, "-m", "gunicorn", "config.wsgi"]
        command += ["--workers", str(self.workers), "--bind", f"{HOST}:{self.port}"]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=PROJECT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Its own session: a Ctrl-C in the terminal reaches the runner, which
                # stops the server itself (after reading the workers' memory).
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )

    def wait_ready(self, timeout=60):
        """Wait until every worker has booted and the login page answers 200."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}):\n{self.log()}")
            booted = self.log().count("Booting worker")
            if booted >= self.workers and len(self.worker_pids()) >= self.workers:
                try:
                    with urllib.request.urlopen(f"{self.url}/login/", timeout=10) as response:
                        if response.status == 200:
                            return
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{self.log()}")

    def worker_pids(self):
        return procstat.child_pids(self.process.pid)

    def log(self, last_lines=None):
        text = Path(self.log_path).read_text(errors="replace")
        return "\n".join(text.splitlines()[-last_lines:]) if last_lines else text

    def stop(self, timeout=30):
        """SIGTERM (gunicorn lets the workers finish their request), then SIGKILL."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            # The master did not stop: kill its whole session, workers included.
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
