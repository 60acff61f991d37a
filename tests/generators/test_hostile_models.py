"""Damaged and hostile model folders (hostile_models.CASES): each is one line naming the file, from the
model list, from loading and from `musicstudio generate` under a 2 GB address-space cap, and never a
traceback, a hang or a memory blow-up; the good models beside them stay listed."""

import json
import resource
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hostile_models import CASES, MODELS, make_corpus

from musicstudio.core.note import Note
from musicstudio.core.song import Song
from musicstudio.core.track import Track
from musicstudio.generators.checkpoint import CheckpointError
from musicstudio.generators.registry import ModelRegistry, find_models, loadable_models
from musicstudio.io.files import save_song

ADDRESS_SPACE = 2 * 2**30
# only building the network shows these: the quick list passes them, loading refuses them
FOUND_AT_LOAD = {"wrong-shapes", "huge-network"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    folders = make_corpus(root / "models")
    good = root / "models" / "good"
    shutil.copytree(MODELS / "lstm-notes", good)
    config = json.loads((good / "config.json").read_text())
    (good / "config.json").write_text(json.dumps({**config, "name": "good"}))
    return root / "models", folders


def one_problem_each(problems, names):
    for name in names:
        lines = [p for p in problems if f"/{name}/" in p]
        assert len(lines) == 1, (name, lines)
        assert "\n" not in lines[0]


def test_the_model_list_survives_every_broken_folder(corpus):
    root, folders = corpus
    found, problems = find_models([root])
    assert [m.name for m in found] == sorted(FOUND_AT_LOAD | {"good"})
    one_problem_each(problems, set(CASES) - FOUND_AT_LOAD)
    found, problems = loadable_models([root])
    assert [m.name for m in found] == ["good"]
    one_problem_each(problems, CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_loading_names_the_file_at_fault(corpus, name):
    _, folders = corpus
    with pytest.raises(CheckpointError) as caught:
        ModelRegistry([]).load(folders[name], "cpu")
    message = str(caught.value)
    assert f"/{name}/" in message and "\n" not in message


@pytest.mark.parametrize("name, words", [
    ("huge-hidden", r"config\.json: model\.hidden = 10,000,000 is beyond"),
    ("thousand-layers", r"model\.layers = 1,000 is beyond .*at most 64"),
    ("huge-network", r"config\.json: it describes a network of [\d,]+ parameters"),
    ("wrong-shapes", r"weights\.safetensors: tensor .* has shape"),
    ("nan-weights", r"weights\.safetensors: the weights hold NaN or infinite values"),
    ("torch-save-pickle", r"saved with torch\.save .* never loads pickles"),
    ("bare-pickle", r"it is a Python pickle"),
    ("truncated", r"the weights are truncated"),
    ("missing-config", r"config\.json: the folder has no config\.json"),
    ("non-utf8-card", r"card\.md: card\.md is not UTF-8 text"),
    ("nested-config", r"nested too deeply"),
])
def test_the_messages_say_what_is_wrong(corpus, name, words):
    _, folders = corpus
    with pytest.raises(CheckpointError, match=words):
        ModelRegistry([]).load(folders[name], "cpu")


def test_a_broken_folder_asked_for_by_name_says_why(corpus):
    root, _ = corpus
    with pytest.raises(CheckpointError, match="non-utf8-card/card.md: card.md is not UTF-8"):
        ModelRegistry([root]).resolve("non-utf8-card")
    with pytest.raises(CheckpointError, match="no model of that name"):
        ModelRegistry([root]).resolve("no-such-model")


def _cap_address_space():
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def test_generate_and_models_under_a_2_gb_cap(corpus, tmp_path):
    """Every case through the real commands in one capped process (torch imported once): exit 3 and one
    line on stderr each; `models` lists the good model and a line per broken folder. A hang fails the
    test at its timeout, an allocation beyond the cap as a traceback."""
    root, folders = corpus
    seed = tmp_path / "seed.mid"
    save_song(Song(tracks=(Track("Seed", 0, False, tuple(Note(60 + i % 5, i * 240, 240, 90)
                                                             for i in range(16))),)), seed)
    script = textwrap.dedent(f"""
        import contextlib, io, json, sys
        from musicstudio.generators.generate_command import main
        from musicstudio.generators.models_command import main as models_main
        out = {{}}
        for name, folder in {json.dumps({k: str(v) for k, v in folders.items()})}.items():
            err = io.StringIO()
            with contextlib.redirect_stderr(err):
                rc = main(["--model", folder, "--seed", {str(seed)!r}, "--out", {str(tmp_path / "out.mid")!r},
                           "--quiet", "--bars", "1", "--variations", "1"])
            out[name] = [rc, err.getvalue()]
        err, listed = io.StringIO(), io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(listed):
            rc = models_main(["--names", "--dir", {str(root)!r}])
        out["models"] = [rc, err.getvalue(), listed.getvalue()]
        print(json.dumps(out))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                          preexec_fn=_cap_address_space)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(done.stdout.splitlines()[-1])
    for name in CASES:
        rc, err = results[name]
        assert rc == 3 and err.count("\n") == 1 and f"/{name}/" in err, (name, rc, err)
    rc, err, listed = results["models"]
    assert rc == 0 and "good" in listed.split() and not set(CASES) & set(listed.split())
    one_problem_each(err.splitlines(), CASES)


def test_a_model_that_gives_nan_stops_with_a_message_instead_of_hanging():
    from musicstudio.core.clip import Clip
    from musicstudio.generators.continuation import continue_phrase
    from musicstudio.generators.interface import GenerationRequest
    from musicstudio.generators.phrases import TokenPhrases
    from musicstudio.generators.watchdog import InvalidProbabilities

    phrases = TokenPhrases.from_vocabulary(json.loads((MODELS / "lstm" / "config.json").read_text())["codec"])

    class Damaged:
        def begin(self, seed, rows, meter):
            return rows

        def log_probs(self, rows):
            return np.full((rows, phrases.vocab_size), np.nan)

        def push(self, rows, tokens):
            return rows

    request = GenerationRequest(Clip((Note(60, 0, 240, 90),), 1920), bars=1, variations=2)
    with pytest.raises(InvalidProbabilities, match="invalid probabilities"):
        continue_phrase(Damaged(), phrases, request, "lstm", "damaged")
