"""A real SMTP server for the email notifier tests (aiosmtpd; Debian package python3-aiosmtpd).

Usage: python3 smtp_sink.py <port> <output-directory>
Listens on 127.0.0.1:<port>, prints READY when it accepts connections, and writes each received message to
<output-directory>/<n>.eml (the raw message) with <n>.envelope (MAIL FROM on the first line, then one RCPT TO per
line). Each pair is written under a temporary name and renamed, so a reader never sees half a message.
Runs until killed or until its standard input closes.
"""
import os
import sys
import threading

from aiosmtpd.controller import Controller


class SinkHandler:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            number = self.count
        base = os.path.join(self.directory, "%04d" % number)
        with open(base + ".envelope.tmp", "w", encoding="utf-8") as f:
            f.write(envelope.mail_from + "\n")
            for rcpt in envelope.rcpt_tos:
                f.write(rcpt + "\n")
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(base + ".envelope.tmp", base + ".envelope")
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 Message accepted for delivery"


def main():
    port = int(sys.argv[1])
    directory = sys.argv[2]
    os.makedirs(directory, exist_ok=True)
    controller = Controller(SinkHandler(directory), hostname="127.0.0.1", port=port)
    controller.start()
    print("READY", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
