"""A lane of jobs that a worker process runs newest first, and how the process sees that one was cancelled.

A :class:`JobLane` lives in the app: the id of its current job and a counter shared with the process,
"every job up to this id is cancelled". Raising the counter cancels the current job or supersedes the ones
before a new job, without a message through the pipe (the process may be busy for minutes); the process
reads it through a :class:`LaneToken` between steps. The generation service keeps one lane for generation
and one for the VAE studio (a slider move supersedes the move before it, never a generation); the fine-tune
service keeps one for its single job. No Qt here: the token is used in the worker processes.
"""

from __future__ import annotations

from musicstudio.generators.interface import CancelToken, GenerationCancelled


class JobLane:
    """The current job's id (None when there is none) and the shared "cancelled up to" counter."""

    def __init__(self) -> None:
        self.current: int | None = None
        self.cancelled_upto = None   # made for each process by share()

    def share(self, context, last_id: int):
        """A new shared counter for a process about to start (``context``: its multiprocessing context):
        every job up to ``last_id`` is over, except the current one."""
        self.cancelled_upto = context.RawValue("q", last_id if self.current is None else self.current - 1)
        return self.cancelled_upto

    def begin(self, job_id: int) -> None:
        """``job_id`` is current; every job before it is superseded."""
        self._cancel_upto(job_id - 1)
        self.current = job_id

    def ask_to_stop(self) -> None:
        """Tell the process to stop the current job; it stays current until the process answers."""
        if self.current is not None:
            self._cancel_upto(self.current)

    def cancel(self) -> int | None:
        """Stop and forget the current job; its id, or None when there was none."""
        self.ask_to_stop()
        return self.forget()

    def cancel_all(self, last_id: int) -> None:
        """Every job up to ``last_id`` is cancelled, and none is current."""
        self._cancel_upto(last_id)
        self.current = None

    def forget(self) -> int | None:
        """No job is current any more (it is over, or its process is gone); the id it had, or None."""
        job_id, self.current = self.current, None
        return job_id

    def ends(self, job_id: int) -> bool:
        """``job_id`` is over: whether it was the current job (which then is no longer)."""
        if job_id != self.current or job_id is None:
            return False
        self.current = None
        return True

    def _cancel_upto(self, job_id: int) -> None:
        if self.cancelled_upto is not None:
            self.cancelled_upto.value = job_id


class LaneToken(CancelToken):
    """In the process: cancelled once the app raises the lane's shared counter to this job's id (or by
    :meth:`cancel`). ``cancelled`` is what the fine-tune reads; ``check()`` what a generator calls."""

    def __init__(self, job_id: int, cancelled_upto):
        super().__init__()
        self.job_id, self.shared = job_id, cancelled_upto

    @property
    def cancelled(self) -> bool:
        return self.shared.value >= self.job_id or super().cancelled

    def check(self) -> None:
        if self.cancelled:
            raise GenerationCancelled()
