"""The Check report made from the browser: built in a thread (one read-only workspace
connection of its own) while the page shows which section is being written, then offered
as HTML and PDF. Reports are written to a private temporary folder (owner only) that goes
when the server stops: they hold what citizens said."""

from __future__ import annotations

import logging
import secrets
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from servicecheck.engine.memory import out_of_memory
from servicecheck.io.errors import InputError, WorkspaceUnavailable
from servicecheck.web.problems import unavailable

LOG = logging.getLogger("servicecheck.web")
KEEP = 4  # reports kept per server; older ones are deleted as new ones start
# Reports made at once per server: each holds a core for its length (seconds to minutes), so a
# person pressing the button again, or a script posting in a loop, must not start more. A
# person's second start while theirs is being made is shown the one being made.
AT_ONCE = 2


class Busy(Exception):
    """As many reports as the server makes at once are being made."""


@dataclass
class ReportJob:
    """One report being made, or made."""

    id: str
    folder: Path
    started_by: str
    step: str = "starting"
    done: bool = False
    error: str | None = None
    pdf_error: str | None = None
    files: dict[str, Path] = field(default_factory=dict)
    service: str | None = None  # the key of the service it is of (the file's name says it)

    @property
    def progress(self) -> tuple[int, int]:
        """Steps done, of all steps: each section of the report, then the PDF."""
        from servicecheck.report.build import SECTION_NAMES

        steps = (*SECTION_NAMES, "the PDF")
        if self.done:
            return len(steps), len(steps)
        return (steps.index(self.step) if self.step in steps else 0), len(steps)


class Reports:
    """The reports of one server, in a private temporary folder."""

    def __init__(self) -> None:
        self.root: Path | None = None  # made (0700) with the first report
        self.jobs: dict[str, ReportJob] = {}
        self._lock = threading.Lock()

    def start(self, workspace: Path, service: str | None, user: str) -> ReportJob:
        """A new report, or the one this person is having made already; Busy when the server
        is making as many as it makes at once."""
        job_id = secrets.token_urlsafe(12)
        with self._lock:
            making = [j for j in self.jobs.values() if not j.done]
            mine = [j for j in making if j.started_by == user]
            if mine:
                return mine[-1]
            if len(making) >= AT_ONCE:
                raise Busy()
            if self.root is None:
                self.root = Path(tempfile.mkdtemp(prefix="servicecheck-reports-"))
            job = ReportJob(job_id, self.root / job_id, user, service=service)
            job.folder.mkdir(mode=0o700)
            self.jobs[job_id] = job
            # the oldest finished reports go; one being made is never deleted under it
            finished = [k for k, j in self.jobs.items() if j.done]
            for old in finished[:max(0, len(self.jobs) - KEEP)]:
                shutil.rmtree(self.jobs.pop(old).folder, ignore_errors=True)
        threading.Thread(target=self._build, args=(job, workspace, service),
                         daemon=True).start()
        return job

    def _build(self, job: ReportJob, workspace: Path, service: str | None) -> None:
        from servicecheck.engine.workspace import Workspace
        from servicecheck.report.build import print_pdf, write_report

        def tell(name: str) -> None:
            job.step = name

        try:
            with Workspace(workspace, read_only=True) as ws:
                key = service if service in ws.services() else None
                made = write_report(ws, job.folder / "check.html", service=key, progress=tell)
            job.files["html"] = made.path
            job.step = "the PDF"
            try:
                job.files["pdf"] = print_pdf(made.path, made.path.with_suffix(".pdf"))
            # no Chromium, or it failed: the HTML still stands
            except InputError as exc:
                job.pdf_error = str(exc)
            except (OSError, subprocess.SubprocessError) as exc:
                # the type only: the message names the server's own files and folders
                LOG.warning("the PDF could not be printed (%s)", type(exc).__name__)
                job.pdf_error = ("the browser that prints it failed "
                                 f"({type(exc).__name__}); the HTML report is complete")
        except WorkspaceUnavailable as exc:
            said = unavailable(exc)  # after "The report could not be made:"
            job.error = said[:1].lower() + said[1:]
        except InputError as exc:
            job.error = str(exc)
        except Exception as exc:
            # the type only: a message could carry a citizen's words into the log
            LOG.error("a report failed (%s)", type(exc).__name__)
            ran_out = out_of_memory(exc, run_again=None)
            job.error = (str(ran_out) if ran_out is not None
                         else f"the report could not be made ({type(exc).__name__})")
        finally:
            job.done = True

    def close(self) -> None:
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
