"""The fine-tune process: runs one :func:`musicstudio.generators.fine_tune.job.fine_tune` away from the
app's process and reports over a pipe. No Qt here.

Events (here -> app): ``("event", dict)`` for each of the fine-tune's progress dicts, then exactly one of
``("finished", dict)`` (folder, name, backend, valid_before, valid_after, measure, epochs, seconds),
``("cancelled", out)`` (the folder to resume, "" when nothing was saved yet) or ``("failed", message)``.
Cancel: the app sets the shared flag; the fine-tune stops within a training batch, keeping the last whole
epoch for a resume.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


class SharedFlag:
    """``cancelled`` once the app sets the shared value."""

    def __init__(self, value):
        self.value = value

    @property
    def cancelled(self) -> bool:
        return bool(self.value.value)


def run(job, events, cancel_value) -> None:
    logging.basicConfig(level=logging.WARNING, format="musicstudio fine-tune: %(message)s")
    from musicstudio.generators.checkpoint import CheckpointError
    from musicstudio.generators.devices import DeviceError
    from musicstudio.generators.fine_tune.folder import FineTuneCancelled, FineTuneError
    from musicstudio.generators.fine_tune.job import fine_tune, unfinished

    out = [""]

    def send(event: dict) -> None:
        if event["kind"] == "folder":
            out[0] = event["out"]
        events.send(("event", event))

    try:
        result = fine_tune(job, send, SharedFlag(cancel_value))
    except FineTuneCancelled:
        from pathlib import Path
        events.send(("cancelled", out[0] if out[0] and unfinished(Path(out[0])) else ""))
    except (FineTuneError, CheckpointError, DeviceError) as e:
        events.send(("failed", str(e)))
    except MemoryError:
        events.send(("failed", "there is not enough memory for this fine-tune"))
    except OSError as e:  # a full disk, a folder that cannot be written: the base model is untouched
        where = f" ({e.filename})" if e.filename else ""
        events.send(("failed", f"could not read or write the fine-tune's files{where}: {e.strerror or e}; "
                               "the base model is untouched, and Resume goes on from the last whole epoch"))
    except Exception as e:  # a bug: shown to the user and logged, never swallowed
        log.exception("the fine-tune failed")
        events.send(("failed", f"internal error: {type(e).__name__}: {e}"))
    else:
        events.send(("finished", {"folder": str(result.folder), "name": result.name, "backend": result.backend,
                                  "valid_before": result.valid_before, "valid_after": result.valid_after,
                                  "measure": result.measure, "epochs": result.epochs, "seconds": result.seconds}))
    finally:
        events.close()
