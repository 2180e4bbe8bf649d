"""A real SMTP server for the email tests (aiosmtpd), on a port of the test's choosing."""

import asyncio
import email
import email.policy
import socket
import threading

from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """aiosmtpd's handler: keeps each message received, parsed. With `hold=True` it takes each
    message only once `release()` is called (a slow server); `entered` is set as one arrives."""

    def __init__(self, hold=False):
        self.messages = []
        self.arrived = threading.Condition()
        self.entered = threading.Event()
        self.gate = threading.Event()
        if not hold:
            self.gate.set()

    async def handle_DATA(self, server, session, envelope):
        self.entered.set()
        while not self.gate.is_set():  # don't block aiosmtpd's event loop: let it wait here
            await asyncio.sleep(0.01)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.arrived:
            self.messages.append((envelope.rcpt_tos, message))
            self.arrived.notify_all()
        return "250 Message accepted for delivery"

    def release(self):
        self.gate.set()

    def wait_for(self, count, timeout=120):
        with self.arrived:
            return self.arrived.wait_for(lambda: len(self.messages) >= count, timeout)


class SMTPServer:
    """`with SMTPServer(port) as inbox:` an SMTP server on 127.0.0.1:port while the block runs."""

    def __init__(self, port, hold=False):
        self.inbox = Inbox(hold=hold)
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=port)

    def __enter__(self):
        self.controller.start()
        return self.inbox

    def __exit__(self, *exc):
        self.inbox.release()
        self.controller.stop()


def parts(message):
    """(subject, text body, HTML body) of a received message."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return str(message["Subject"]), text, html
