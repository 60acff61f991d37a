"""A job lane: the current job and the shared "cancelled up to" counter the process reads between steps;
and the messages on the pipes survive pickling (they cross to a spawned process)."""

import multiprocessing
import pickle

import pytest

from musicstudio.core.clip import Clip
from musicstudio.generators.interface import GenerationCancelled, GenerationRequest
from musicstudio.workers.generation_job import GenerationJob
from musicstudio.workers.job_lane import JobLane, LaneToken
from musicstudio.workers.messages import Cancelled, DeviceFound, Finished, Generate, Progress, Quit


@pytest.fixture
def lane():
    lane = JobLane()
    lane.share(multiprocessing.get_context("spawn"), 0)
    return lane


def test_a_new_job_supersedes_the_ones_before_it(lane):
    lane.begin(1)
    first = LaneToken(1, lane.cancelled_upto)
    assert not first.cancelled
    lane.begin(2)
    second = LaneToken(2, lane.cancelled_upto)
    assert first.cancelled and not second.cancelled and lane.current == 2
    with pytest.raises(GenerationCancelled):
        first.check()


def test_cancel_forgets_the_job_and_the_process_sees_it(lane):
    lane.begin(3)
    token = LaneToken(3, lane.cancelled_upto)
    assert lane.cancel() == 3 and lane.current is None and token.cancelled
    assert lane.cancel() is None


def test_asked_to_stop_the_job_stays_current_until_it_ends(lane):
    lane.begin(1)
    lane.ask_to_stop()
    assert lane.current == 1 and LaneToken(1, lane.cancelled_upto).cancelled
    assert not lane.ends(2) and lane.ends(1) and lane.current is None and not lane.ends(1)


def test_a_new_process_sees_every_job_but_the_current_one_as_over():
    lane = JobLane()
    context = multiprocessing.get_context("spawn")
    lane.begin(5)
    counter = lane.share(context, 5)
    assert not LaneToken(5, counter).cancelled and LaneToken(4, counter).cancelled
    lane.forget()
    assert LaneToken(5, lane.share(context, 5)).cancelled


def test_messages_are_frozen_values_that_survive_pickling():
    job = GenerationJob("lstm", GenerationRequest(Clip((), 1920), bars=2))
    for message in (Generate(1, job), Quit(), Progress(1, 0.5), Finished(1, {"a": 1}), Cancelled(2, "/m/x"),
                    DeviceFound("cpu", "CPU")):
        assert pickle.loads(pickle.dumps(message)) == message
    with pytest.raises(AttributeError):
        Progress(1, 0.5).done = 1.0
