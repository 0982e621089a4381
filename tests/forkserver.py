"""`coc` on the PATH of a shell script, each run a process of its own without Python's start-up.

A shell script that runs `coc` thirty times (the README's walkthroughs) spends most of its time
starting Python and importing cocledger again for every command (about 0.6 s each). Here a server
imports cocledger once; the `coc` on the script's PATH is a small client that hands the server
its arguments, working directory, environment, umask and its stdin, stdout and stderr (the file
descriptors themselves), and the server forks a fresh process that runs the console script's
entry point (`cocledger.cli.launch:run`) with them. The client exits with that process's exit
code. Every command is still a process of its own, started from a clean import of cocledger,
writing to the script's own pipes; only the interpreter start-up and the imports are shared.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SERVER = r"""
import importlib, json, os, pathlib, signal, socket, sys, traceback

import cocledger
from cocledger.cli import launch  # installs the signal handlers, as the console script does

top = pathlib.Path(cocledger.__file__).parent  # (store/ is a namespace package: walk the files)
for source in sorted(top.rglob("*.py")):
    parts = source.relative_to(top.parent).with_suffix("").parts
    importlib.import_module(".".join(parts[:-1] if parts[-1] == "__init__" else parts))

address = sys.argv[1]
server = socket.socket(socket.AF_UNIX)
server.bind(address)
server.listen(16)
signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the commands' processes are reaped by the kernel
sys.stdout.write("ready\n")
sys.stdout.flush()


def serve(conn):
    data, fds = b"", []  # the descriptors come with the first bytes: read them with those
    while len(data) < 4 or len(data) < 4 + int.from_bytes(data[:4], "big"):
        chunk, more, _, _ = socket.recv_fds(conn, 1 << 16, 3)
        if not chunk:
            os._exit(1)
        data += chunk
        fds += more
    assert len(fds) == 3, fds
    request = json.loads(data[4:])
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(request["cwd"])
    os.umask(request["umask"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.argv = ["coc", *request["args"]]
    code = 0
    try:
        launch.run()
    except SystemExit as exc:
        if exc.code is None:
            code = 0
        elif isinstance(exc.code, int):
            code = exc.code
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
    conn.sendall(bytes([code & 0xFF]))
    os._exit(code)


while True:
    conn, _ = server.accept()
    if os.fork() == 0:
        server.close()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # coc waits for its own git processes
        serve(conn)
    conn.close()
"""

CLIENT = r"""#!{python} -IS
import json, os, socket, sys

mask = os.umask(0)
os.umask(mask)
request = json.dumps(
    {{"args": sys.argv[1:], "cwd": os.getcwd(), "env": dict(os.environ), "umask": mask}}
).encode()
conn = socket.socket(socket.AF_UNIX)
conn.connect({address!r})
socket.send_fds(conn, [len(request).to_bytes(4, "big") + request], [0, 1, 2])
code = conn.recv(1)
sys.exit(code[0] if code else 255)  # no code: the command's process died
"""


@contextmanager
def coc_on_path(env: dict[str, str]) -> Iterator[str]:
    """A server started in `env` and a folder holding its `coc` client: put it first on PATH."""
    where = Path(tempfile.mkdtemp(prefix="coc-"))  # short: a socket's path has 107 bytes at most
    address = str(where / "coc.sock")
    bin_dir = where / "bin"
    bin_dir.mkdir()
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, address],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        assert server.stdout.readline() == "ready\n", "the coc fork server did not start"
        client = bin_dir / "coc"
        client.write_text(CLIENT.format(python=sys.executable, address=address))
        client.chmod(0o755)
        yield str(bin_dir)
    finally:
        server.kill()
        server.wait()
        shutil.rmtree(where, ignore_errors=True)
