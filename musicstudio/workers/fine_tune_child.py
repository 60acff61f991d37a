"""The fine-tune process: runs one :func:`musicstudio.generators.fine_tune.job.fine_tune` away from the
app's process and reports over a pipe. No Qt here.

Events (here -> app) are the dataclasses of :mod:`.messages`: one of :class:`ModelFolder`, :class:`Stage`,
:class:`Reading`, :class:`EpochProgress` or :class:`EpochEnded` for each of the fine-tune's progress dicts,
then exactly one of :class:`Finished` (a dict: folder, name, backend, valid_before, valid_after, measure,
epochs, seconds), :class:`Cancelled` (``resume``: the folder to resume, "" when nothing was saved yet) or
:class:`Failed`. Cancel: the app raises its lane's shared counter (see :mod:`.job_lane`); the fine-tune
stops within a training batch, keeping the last whole epoch for a resume.
"""

from __future__ import annotations

import logging

from musicstudio.workers.job_lane import LaneToken
from musicstudio.workers.messages import (
    Cancelled,
    EpochEnded,
    EpochProgress,
    Failed,
    Finished,
    ModelFolder,
    Reading,
    Stage,
)

log = logging.getLogger(__name__)


def message_for(event: dict):
    """The message for one of the fine-tune's progress dicts (None for a kind the app does not show)."""
    kind = event["kind"]
    if kind == "folder":
        return ModelFolder(event["out"], event["name"])
    if kind == "stage":
        return Stage(event["text"])
    if kind == "reading":
        return Reading(event["done"], event["total"])
    if kind == "progress":
        return EpochProgress(event["epoch"], event["epochs"], float(event["done"]))
    if kind == "epoch":
        return EpochEnded(event)
    return None


def run(_commands, events, job, job_id: int, cancelled_upto) -> None:
    """Fine-tune ``job`` (a FineTuneJob), the lane's job ``job_id``; ``_commands`` is None (it only talks)."""
    logging.basicConfig(level=logging.WARNING, format="musicstudio fine-tune: %(message)s")
    from musicstudio.generators.checkpoint import CheckpointError
    from musicstudio.generators.devices import DeviceError
    from musicstudio.generators.fine_tune.folder import FineTuneCancelled, FineTuneError
    from musicstudio.generators.fine_tune.job import fine_tune, unfinished

    out = [""]

    def send(event: dict) -> None:
        message = message_for(event)
        if isinstance(message, ModelFolder):
            out[0] = message.out
        if message is not None:
            events.send(message)

    try:
        result = fine_tune(job, send, LaneToken(job_id, cancelled_upto))
    except FineTuneCancelled:
        from pathlib import Path
        events.send(Cancelled(job_id, out[0] if out[0] and unfinished(Path(out[0])) else ""))
    except (FineTuneError, CheckpointError, DeviceError) as e:
        events.send(Failed(job_id, str(e)))
    except MemoryError:
        events.send(Failed(job_id, "there is not enough memory for this fine-tune"))
    except OSError as e:  # a full disk, a folder that cannot be written: the base model is untouched
        where = f" ({e.filename})" if e.filename else ""
        events.send(Failed(job_id, f"could not read or write the fine-tune's files{where}: {e.strerror or e}; "
                                   "the base model is untouched, and Resume goes on from the last whole epoch"))
    except Exception as e:  # a bug: shown to the user and logged, never swallowed
        log.exception("the fine-tune failed")
        events.send(Failed(job_id, f"internal error: {type(e).__name__}: {e}"))
    else:
        events.send(Finished(job_id, {
            "folder": str(result.folder), "name": result.name, "backend": result.backend,
            "valid_before": result.valid_before, "valid_after": result.valid_after, "measure": result.measure,
            "epochs": result.epochs, "seconds": result.seconds}))
    finally:
        events.close()
