"""Damaged model folders through generate and models: seconds and peak memory each (targets 5 s, 500 MB).

Each case of tests/hostile_models.py runs in a fresh process under a 2 GB address-space cap; the
figure counts only when the command gave one line naming the folder (exit 3 for generate).
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ADDRESS_SPACE = 2 * 2**30
sys.path.insert(0, str(ROOT / "tests"))

from hostile_models import CASES, make_case  # noqa: E402

from musicstudio.core.note import Note  # noqa: E402
from musicstudio.core.song import Song  # noqa: E402
from musicstudio.core.track import Track  # noqa: E402
from musicstudio.io.files import save_song  # noqa: E402

# The command runs under a small runner process: a child's ru_maxrss starts from its forking parent's resident
# memory and keeps it across exec, so forked from this benchmark process (hundreds of MB once `make bench` has
# loaded the models) every command would seem to peak at least that high.
RUNNER = """
import json, os, resource, subprocess, sys, time
cap = int(sys.argv[1])
started = time.perf_counter()
with open(sys.argv[2], "wb") as err:
    process = subprocess.Popen([sys.executable, "-m", "musicstudio", *sys.argv[3:]], stdout=subprocess.DEVNULL,
                               stderr=err, preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (cap, cap)))
    _, status, usage = os.wait4(process.pid, 0)
print(json.dumps([os.waitstatus_to_exitcode(status), time.perf_counter() - started, usage.ru_maxrss / 1024]))
"""


def measured(args: list[str]) -> tuple[int, float, float, str]:
    """(exit code, seconds, peak RSS in MB, stderr) of ``musicstudio ARGS`` in a fresh capped process."""
    with tempfile.TemporaryDirectory() as tmp:
        err = Path(tmp) / "stderr"
        done = subprocess.run([sys.executable, "-c", RUNNER, str(ADDRESS_SPACE), str(err), *args],
                              capture_output=True, text=True, check=True)
        code, seconds, rss = json.loads(done.stdout)
        return code, seconds, rss, err.read_bytes().decode(errors="replace")


def run():
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        seed = Path(tmp) / "seed.mid"
        save_song(Song(tracks=(Track("Seed", 0, False, tuple(Note(60 + i % 5, i * 240, 240, 90)
                                                                 for i in range(16))),)), seed)
        worst = {"generate": [0.0, 0.0], "models": [0.0, 0.0]}
        for name in CASES:
            folder = make_case(Path(tmp) / "models", name)
            for command, args in (("generate", ["generate", "--model", str(folder), "--seed", str(seed), "--out",
                                                str(Path(tmp) / "out.mid"), "--quiet"]),
                                  ("models", ["models", "--dir", str(folder)])):
                rc, seconds, mb, err = measured(args)
                lines = [line for line in err.splitlines() if folder.name in line]
                ok = (rc == 3 if command == "generate" else rc == 0) and len(lines) == 1
                rows.append((f"{command} {name}{'' if ok else ' (NOT one line)'}: seconds", seconds, "s",
                             lambda v, ok=ok: ok and v < 5.0))
                rows.append((f"{command} {name}: peak memory", mb, "MB", lambda v: v < 500))
                worst[command] = [max(worst[command][0], seconds), max(worst[command][1], mb)]
    for command, (seconds, mb) in worst.items():
        rows.append((f"slowest {command} of {len(CASES)} cases", seconds, "s", lambda v: v < 5.0))
        rows.append((f"largest {command} peak memory", mb, "MB", lambda v: v < 500))
    return rows
