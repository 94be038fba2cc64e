"""An SMTP server on loopback that keeps a line per mail it accepts (cluster demo).

    .venv/bin/python bench/cluster/smtp_sink.py --port PORT --log received.tsv

Each accepted mail appends ``Message-ID<TAB>recipients<TAB>subject`` to ``--log`` (flushed
at once, so the checks can read it while the server runs). Stops on SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import signal
import threading
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


class Recorder:
    """aiosmtpd handler: accepts every mail and records its Message-ID."""

    def __init__(self, log: Path) -> None:
        self.log = log.open("a", encoding="utf-8")
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        headers = BytesParser(policy=policy.default).parsebytes(envelope.content, headersonly=True)
        fields = [
            str(headers.get("Message-ID", "")).strip(),
            ",".join(envelope.rcpt_tos),
            " ".join(str(headers.get("Subject", "")).split()),
        ]
        with self.lock:
            self.log.write("\t".join(fields) + "\n")
            self.log.flush()
        return "250 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", type=Path, required=True)
    args = parser.parse_args()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    controller = Controller(Recorder(args.log), hostname="127.0.0.1", port=args.port)
    controller.start()
    print(f"SMTP sink listening on 127.0.0.1:{args.port}", flush=True)
    try:
        while not stop.wait(1):
            pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
