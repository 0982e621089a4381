"""`coc notify --send`: the drafted notice sent by e-mail through the council's SMTP server.

Sending is I/O, so it lives here; the CLI calls it between the action computing its Change and
the commit, so a notice is recorded only once the server has accepted every message. The server
comes from `COC_SMTP_URL` (`smtp://[USER@]HOST[:PORT]`, STARTTLS; `smtps://`, implicit TLS), the
password from the URL or `COC_SMTP_PASSWORD`. Credentials stay in `Server`: its text form, every
message and every error name `scheme://host:port` only.

TLS: `smtps://` always; `smtp://` upgrades with STARTTLS whenever the server offers it, and goes
on in plain text only when the server it reached is on a loopback address (a local relay), since
a notice carries a conduct report. Certificates are verified against the system's CAs
(`SSL_CERT_FILE` names another bundle).
"""

from __future__ import annotations

import dataclasses
import ipaddress
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from typing import TYPE_CHECKING, Literal
from urllib.parse import unquote, urlsplit

from ..errors import RefusedError, UsageError

if TYPE_CHECKING:
    from ..core.change import Outcome
    from ..core.messages import Notice
    from ..core.models import Person, Policy

URL_VAR = "COC_SMTP_URL"
PASSWORD_VAR = "COC_SMTP_PASSWORD"
PORTS = {"smtp": 587, "smtps": 465}
"""Message submission (RFC 6409) and submission over TLS (RFC 8314)."""
TIMEOUT = 30.0
SHAPE = "write smtp://USER@HOST:PORT (STARTTLS) or smtps://USER@HOST:PORT (TLS)"


@dataclass(frozen=True)
class Server:
    """Where to send, and as whom; `str()` never shows the user or the password."""

    scheme: Literal["smtp", "smtps"]
    host: str
    port: int
    user: str | None = None
    password: str | None = field(default=None, repr=False)

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"

    def clean(self, text: str) -> str:
        """`text` (a server's reply) with the credentials blotted out, should it echo them."""
        return text.replace(self.password, "***") if self.password else text


def server_from(environ: Mapping[str, str]) -> Server:
    """The server of `COC_SMTP_URL`; unset or garbled is bad usage (exit 2). A message never
    repeats the URL, nor any part of it, since a mistyped one may hold the password anywhere."""
    url = environ.get(URL_VAR, "").strip()
    if not url:
        raise UsageError(f"--send needs {URL_VAR}: {SHAPE}; the password may go in {PASSWORD_VAR}")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in PORTS:
        raise _garbled("the scheme is neither smtp:// nor smtps://")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise _garbled(
            "it has a path, ? or # after the host (percent-encode / ? # @ : in the user or "
            f"password, or put the password in {PASSWORD_VAR})"
        )
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        raise _garbled(
            "the port is not a number from 1 to 65535 (percent-encode / ? # @ : in the user or "
            f"password, or put the password in {PASSWORD_VAR})"
        )
    if not parts.hostname:
        raise _garbled("it names no host")
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    password = password or environ.get(PASSWORD_VAR) or None
    if password and not user:
        raise _garbled(f"a password is given ({PASSWORD_VAR} or the URL) but no user name")
    if user and not password:
        raise _garbled(f"it names a user but no password: put it in {PASSWORD_VAR}")
    return Server(scheme, parts.hostname, port or PORTS[scheme], user, password)  # type: ignore[arg-type]


def _garbled(why: str) -> UsageError:
    return UsageError(f"{URL_VAR}: {why}; {SHAPE}")


# --- the messages -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outgoing:
    """One message and the people it goes to (its envelope recipients are their addresses)."""

    to: tuple[Person, ...]
    message: EmailMessage

    @property
    def recipients(self) -> list[str]:
        return [person.email for person in self.to if person.email]


def compose(notice: Notice, policy: Policy, at: datetime) -> list[Outgoing]:
    """Each draft of the notice as an e-mail from the policy's `contact` (its `Subject:` line the
    subject, the rest the body), dated `at`. Refused (exit 1) when someone has no address."""
    if not policy.contact:
        raise UsageError(
            "policy.yaml: contact is empty: set it to the address notifications come from"
        )
    if not notice.drafts:
        raise RefusedError(f"no one to send the {notice.party} notice of {notice.case} to")
    missing = [p for draft in notice.drafts for p in draft.to if not p.email]
    if missing:
        names = ", ".join(p.id for p in missing)
        raise RefusedError(
            f"no e-mail address for {names}: add one (`coc person edit ID --email ADDRESS`), or "
            f"tell them another way and record it with `coc notify {notice.case} --party "
            f"{notice.party}`; nothing was sent"
        )
    return [
        Outgoing(draft.to, _message(draft.text, draft.to, policy, at)) for draft in notice.drafts
    ]


def _message(text: str, to: Sequence[Person], policy: Policy, at: datetime) -> EmailMessage:
    from email import policy as email_policy
    from email.headerregistry import Address
    from email.utils import format_datetime, make_msgid

    first, _, rest = text.partition("\n")
    if first.lower().startswith("subject:"):
        subject, body = first[len("subject:") :].strip(), rest.lstrip("\n")
    else:  # an edited template without its Subject line
        subject, body = f"[{policy.community} Code of Conduct]", text
    # 7bit: a UTF-8 body goes quoted-printable, so no server needs 8BITMIME.
    message = EmailMessage(policy=email_policy.SMTP.clone(cte_type="7bit"))
    message["From"] = Address(f"{policy.community} Code of Conduct", addr_spec=policy.contact)
    message["To"] = [Address(p.name, addr_spec=p.email or "") for p in to]
    message["Subject"] = subject
    message["Date"] = format_datetime(at)
    message["Message-ID"] = make_msgid("coc", domain=policy.contact.rpartition("@")[2])
    message.set_content(body)
    return message


# --- sending ------------------------------------------------------------------------------------


def deliver(
    server: Server,
    notice: Notice,
    policy: Policy,
    at: datetime,
    outcome: Outcome,
    sent: list[Outgoing],
) -> Outcome:
    """`notify --send`: the drafted notice e-mailed to its party, once the action is decided and
    before it is committed (SPEC §4 Sending notifications: recorded only once the server took
    every message); the messages sent are added to `sent`, and to the outcome's data and lines."""
    outgoing = compose(notice, policy, at)
    send(server, outgoing, policy.contact)
    sent.extend(outgoing)
    rows = [
        {"to": [p.id for p in item.to], "message_id": item.message["Message-ID"]}
        for item in outgoing
    ]
    lines = [f"sent through {server} to {item.message['To']}" for item in outgoing]
    return dataclasses.replace(
        outcome, data={**outcome.data, "sent": rows}, details=(*outcome.details, *lines)
    )


def send(server: Server, outgoing: Sequence[Outgoing], sender: str) -> None:
    """Send every message, or fail (exit 1) with the server's reason."""
    try:
        smtp = _connect(server)
        try:
            _deliver(smtp, server, outgoing, sender)
        finally:
            _quit(smtp)
    except RefusedError:
        raise
    except smtplib.SMTPAuthenticationError:
        raise RefusedError(
            f"{server} did not accept the user name and password ({URL_VAR}, {PASSWORD_VAR}); "
            "nothing was sent"
        ) from None
    except smtplib.SMTPNotSupportedError:
        raise RefusedError(
            f"{server} offers no login (AUTH) here: leave the user and password out of "
            f"{URL_VAR}, or use the server's submission port; nothing was sent"
        ) from None
    except smtplib.SMTPException as exc:
        raise RefusedError(f"{server} refused the message: {_reply(server, exc)}") from None
    except ssl.SSLError as exc:
        raise RefusedError(
            f"{server}: TLS failed ({exc.reason or 'handshake'}); nothing was sent"
        ) from None
    except OSError as exc:
        raise RefusedError(
            f"cannot reach {server}: {exc.strerror or type(exc).__name__}; nothing was sent"
        ) from None


def _deliver(smtp: smtplib.SMTP, server: Server, outgoing: Sequence[Outgoing], sender: str) -> None:
    """Log in, then one transaction per message. With several messages every recipient is asked
    for first (MAIL, RCPT, RSET), so a refused address stops them all before any is sent."""
    if server.user and server.password:
        smtp.login(server.user, server.password)
    if len(outgoing) > 1:
        for item in outgoing:
            _envelope(smtp, sender, item.recipients)
            smtp.rset()
    for n, item in enumerate(outgoing):
        try:
            _envelope(smtp, sender, item.recipients)
            code, reply = smtp.data(item.message.as_bytes())
            if code != 250:
                raise smtplib.SMTPDataError(code, reply)
        except smtplib.SMTPException as exc:
            if n:
                raise _partly_sent(server, outgoing[:n], exc) from None
            raise


def _quit(smtp: smtplib.SMTP) -> None:
    """QUIT, politely: once the messages are accepted, how the server says goodbye changes
    nothing (a failure here must not make a sent notice look unsent)."""
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        pass
    finally:
        smtp.close()


def _connect(server: Server) -> smtplib.SMTP:
    """A connection in TLS, or in plain text to a loopback address only (see the module), that
    has greeted the server: EHLO first (HELO only if EHLO is refused), with or without a login,
    `smtps://` included (RFC 5321 §4.1.4: a server may refuse MAIL before it)."""
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if server.scheme == "smtps":
        smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT, context=context)
    else:
        smtp = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT)
    try:
        smtp.ehlo_or_helo_if_needed()
        if server.scheme == "smtps":
            return smtp
        if smtp.has_extn("starttls"):
            smtp.starttls(context=context)
            smtp.ehlo()
        elif not plain_allowed(smtp.sock.getpeername()[0] if smtp.sock else ""):
            raise RefusedError(
                f"{server} does not offer STARTTLS and is not on this machine: a notice is not "
                "sent in plain text over a network; use smtps:// or a server with STARTTLS"
            )
    except BaseException:
        smtp.close()
        raise
    return smtp


def plain_allowed(address: str) -> bool:
    """Plain SMTP only to a loopback address (127.0.0.0/8, ::1): the message never leaves the
    machine. Decided on the address connected to, not on the name in the URL."""
    try:
        return ipaddress.ip_address(address.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _envelope(smtp: smtplib.SMTP, sender: str, recipients: Sequence[str]) -> None:
    """MAIL FROM and RCPT TO each; any refusal resets the transaction and raises."""
    options = ["SMTPUTF8"] if not all(a.isascii() for a in (sender, *recipients)) else []
    code, reply = smtp.mail(sender, options)
    if code != 250:
        smtp.rset()
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    for address in recipients:
        code, reply = smtp.rcpt(address)
        if code not in (250, 251):
            smtp.rset()
            raise smtplib.SMTPRecipientsRefused({address: (code, reply)})


def _reply(server: Server, exc: smtplib.SMTPException) -> str:
    """The server's code and text, naming the address it refused; nothing was sent."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        [(address, (code, reply))] = list(exc.recipients.items())[:1]
        text = f"{address}: {code} {_text(reply)}"
    elif isinstance(exc, smtplib.SMTPResponseException):
        text = f"{exc.smtp_code} {_text(exc.smtp_error)}"
    else:
        text = type(exc).__name__
    return server.clean(text) + "; nothing was sent"


def _text(reply: bytes | str) -> str:
    return (reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply).strip()


def _partly_sent(
    server: Server, sent: Sequence[Outgoing], exc: smtplib.SMTPException
) -> RefusedError:
    """A server that took some messages and refused a later one: say who has theirs."""
    who = ", ".join(p.id for item in sent for p in item.to)
    reason = _reply(server, exc).removesuffix("; nothing was sent")
    return RefusedError(
        f"{server} took the message(s) to {who}, then refused the next ({reason}); nothing was "
        "recorded: send the rest yourself, then record the notice with `coc notify` (no --send)"
    )
