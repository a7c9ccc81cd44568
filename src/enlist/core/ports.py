"""Before anything says "serving": is the address free, and how to type a command here.

``port_refusal`` tries the bind the server will make (with SO_REUSEADDR, as gunicorn does,
so a port in TIME_WAIT still counts as free) and returns one clear line when it cannot, so
``enlist serve`` and ``enlist demo`` stop at once instead of printing the URL and dying in a
traceback. ``command_hint`` spells an ``enlist`` command so that it works when pasted into a
fresh shell: plain ``enlist`` when that is on PATH, else the path of the script running now
(``.venv/bin/enlist`` after ``make run``).
"""

from __future__ import annotations

import errno
import os
import shutil
import socket
import sys


def port_refusal(host: str, port: int) -> str | None:
    """None when `host:port` can be bound now, else the line to print."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return (
                    f"Port {port} on {host} is already in use: stop the program using it, or "
                    f"choose another port with --port (make run PORT={port + 1})."
                )
            if exc.errno == errno.EACCES:
                return f"Port {port} on {host} needs privileges: choose one above 1023."
            return None  # anything else (a name that does not resolve here): the server says
    return None


def command_hint(*arguments: str) -> str:
    """`enlist ARGUMENTS` as it can be typed in a new shell in the current directory."""
    running = os.path.abspath(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    on_path = shutil.which("enlist")
    if os.path.basename(running) != "enlist":
        program = f"{os.path.relpath(sys.executable)} -m enlist.cli"
    elif on_path and os.path.samefile(on_path, running):
        program = "enlist"
    else:
        relative = os.path.relpath(running)
        program = relative if os.sep in relative else f".{os.sep}{relative}"
    return " ".join([program, *arguments])
