"""`coc notify --send` (SPEC §4 Sending notifications): the notice e-mailed through a real SMTP
server (aiosmtpd on 127.0.0.1, a free port, in a thread) and recorded only once the server has
accepted every message; any refusal leaves HEAD, the index and the work tree as they were.

The ledger is built once a session through the real CLI: case A, a warning of frank with two
witnesses; case B, a report by zebulon, who asked not to be named, about gina, witnessed by dan
(a council member, so conflicted), shared with the council's summary; case C, a report about
nora, who has no e-mail address. The password is a sentinel looked for everywhere afterwards.
"""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
import subprocess
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from casework import warned
from cocledger.errors import RefusedError, UsageError
from cocledger.store import mail
from conftest import LedgerRepo, build_ledger, built_once, clone, shared

PASSWORD = "Pw-S3ntinel-q7Zx"
USER = "council-mailer"
CONTACT = "conduct@example.org"
ANONYMOUS = ("zebulon", "quixwort", "zebulon@example.org", "zquix")

# aiosmtpd warns of AUTH without TLS, which the loopback tests ask for on purpose.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


# --- the ledger ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cases:
    warned: str
    anonymous: str
    no_email: str


@pytest.fixture(scope="session")
@shared
def send_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Cases]:
    summary = tmp_path_factory.mktemp("summary") / "for-gina.txt"
    summary.write_text("Insults in the chat channel on 19 November.\n", encoding="utf-8")
    with built_once(tmp_path_factory, "send") as root:
        repo = build_ledger(root)
        repo.coc("person", "add", "zebulon", "--name", "Zebulon Quixwort", "--email",
                 "zebulon@example.org", "--handle", "slack:zquix", "--at", "2026-01-02")  # fmt: skip
        repo.coc("person", "add", "nora", "--name", "Nora Nomail", "--at", "2026-01-02")
        case_a, _ = warned(repo, "2026-01-10T09:00:00+00:00", "2026-01-22", "2026-01-23",
                           extra=("--witness", "hank", "--witness", "ivy"))  # fmt: skip
        words = "Zebulon Quixwort (zebulon@example.org) saw gina insult frank"
        case_b = reported(repo, "gina", "zebulon", "--anonymous-reporter", "--witness", "dan",
                          summary=words)  # fmt: skip
        repo.coc(
            "report", "share", case_b, "--summary-file", str(summary), "--at", "2026-11-20T10:00Z"
        )
        case_c = reported(repo, "nora", "frank")
        repo.coc("report", "share", case_c, "--at", "2026-11-20T10:00Z")
    return root, Cases(case_a, case_b, case_c)


def reported(
    repo: LedgerRepo, respondent: str, reporter: str, *extra: str, summary: str = "Insults in chat"
) -> str:
    args = ("--respondent", respondent, "--reporter", reporter, "--summary", summary)
    return str(
        repo.coc("report", "new", *args, *extra, "--at", "2026-11-20T09:00Z", "--json").json["case"]
    )


@pytest.fixture
def ledger(
    send_template: tuple[Path, Cases], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> LedgerRepo:
    """This module's ledger (in place of conftest's): a copy of the one built above, with no
    SMTP settings from the environment."""
    monkeypatch.delenv(mail.URL_VAR, raising=False)
    monkeypatch.delenv(mail.PASSWORD_VAR, raising=False)
    return clone(send_template[0], tmp_path, monkeypatch)


@pytest.fixture
def cases(send_template: tuple[Path, Cases]) -> Cases:
    return send_template[1]


def state(repo: LedgerRepo) -> tuple[str, ...]:
    """HEAD, the index and the work tree (untracked and ignored files included)."""
    return (
        repo.head(),
        repo.git("ls-files", "--stage"),
        repo.git("status", "--porcelain", "--untracked-files=all", "--ignored"),
    )


# --- the server ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    content: bytes
    tls: bool

    @property
    def message(self) -> email.message.EmailMessage:
        parsed = email.message_from_bytes(self.content, policy=email.policy.default)
        assert isinstance(parsed, email.message.EmailMessage)
        return parsed

    @property
    def body(self) -> str:
        """The decoded text, with the wire's CRLF read as newlines."""
        return str(self.message.get_content()).replace("\r\n", "\n")

    def everything(self) -> str:
        """Envelope, headers and decoded body, lower case: what the recipient can read."""
        message = self.message
        headers = "\n".join(f"{k}: {v}" for k, v in message.items())
        return "\n".join([self.mail_from, *self.rcpt_tos, headers, self.body]).lower()


@dataclass
class Inbox:
    """An aiosmtpd handler that keeps what it accepts, and refuses what it is told to. Strict
    as RFC 5321 wants a client to find a server: MAIL before EHLO is refused ("503 send HELO
    first", aiosmtpd's own answer), and so is HELO (`ehlo_only`), so a client must say EHLO."""

    refuse_rcpt: str | None = None
    refuse_data: str | None = None
    accept: int | None = None
    """With refuse_data: how many messages to accept before refusing."""
    ehlo_only: bool = True
    received: list[Received] = field(default_factory=list)
    logins: list[tuple[bytes, bytes]] = field(default_factory=list)
    greetings: list[str] = field(default_factory=list)

    async def handle_EHLO(self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]) -> list[str]:  # fmt: skip
        self.greetings.append("EHLO")
        session.host_name = hostname
        return responses

    async def handle_HELO(self, server: Any, session: Any, envelope: Any, hostname: str) -> str:
        self.greetings.append("HELO")
        if self.ehlo_only:
            return "502 5.5.1 this server speaks ESMTP: send EHLO"
        session.host_name = hostname
        return f"250 {server.hostname}"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:  # fmt: skip
        if address == self.refuse_rcpt:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse_data and (self.accept is None or len(self.received) >= self.accept):
            return self.refuse_data
        tls = getattr(session, "ssl", None) is not None
        found = Received(envelope.mail_from, tuple(envelope.rcpt_tos), envelope.content, tls)
        self.received.append(found)
        return "250 2.0.0 accepted"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:  # fmt: skip
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        self.logins.append((data.login, data.password))
        ok = (data.login, data.password) == (USER.encode(), PASSWORD.encode())
        return AuthResult(success=ok, handled=False)


class FreePortController(Controller):
    """aiosmtpd's Controller on port 0: the port the system gave is read back before use."""

    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


Serve = Callable[..., tuple[Inbox, int]]


@pytest.fixture
def serve() -> Iterator[Serve]:
    """Start a server on 127.0.0.1 for the test: serve(Inbox(...), **Controller options)."""
    running: list[Controller] = []

    def start(inbox: Inbox | None = None, **options: Any) -> tuple[Inbox, int]:
        inbox = inbox or Inbox()
        if options.pop("login", False):
            options.update(authenticator=inbox.authenticate, auth_required=True)
        controller = FreePortController(inbox, hostname="127.0.0.1", port=0, **options)
        controller.start()
        running.append(controller)
        return inbox, controller.port

    yield start
    for controller in running:
        controller.stop()


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A self-signed certificate for 127.0.0.1 (its key beside it), made with openssl."""
    where = tmp_path_factory.mktemp("tls")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(where / "key.pem"), "-out", str(where / "cert.pem"), "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return where / "cert.pem"


def server_tls(certificate: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, certificate.with_name("key.pem"))
    return context


@pytest.fixture
def smtp(serve: Serve, monkeypatch: pytest.MonkeyPatch) -> tuple[Inbox, int]:
    """A plain server on 127.0.0.1, and COC_SMTP_URL pointing at it: (its inbox, its port)."""
    inbox, port = serve()
    use(monkeypatch, f"smtp://127.0.0.1:{port}")
    return inbox, port


def use(monkeypatch: pytest.MonkeyPatch, url: str, password: str | None = None) -> None:
    monkeypatch.setenv(mail.URL_VAR, url)
    if password is not None:
        monkeypatch.setenv(mail.PASSWORD_VAR, password)


def drafted(repo: LedgerRepo, case: str, party: str) -> list[dict[str, Any]]:
    return repo.coc("notify", case, "--party", party, "--draft", "--json").json["messages"]


# --- sending ------------------------------------------------------------------------------------


def test_the_offender_receives_the_decision_and_it_is_recorded(
    ledger: LedgerRepo, cases: Cases, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    [draft] = drafted(ledger, cases.warned, "offender")
    before = ledger.head()
    run = ledger.coc("notify", cases.warned, "--party", "offender", "--send")
    [got] = inbox.received
    assert (got.mail_from, got.rcpt_tos) == (CONTACT, ("frank@example.org",))
    message = got.message
    subject, _, body = draft["text"].partition("\n\n")
    assert message["Subject"] == subject.removeprefix("Subject: ")
    assert got.body.strip() == body.strip()
    assert message["From"].addresses[0].addr_spec == CONTACT
    assert message["To"] == "Frank Example <frank@example.org>"
    assert message["Message-ID"] and message["Date"]
    assert ledger.git("rev-parse", "HEAD~1").strip() == before and ledger.status() == ""
    assert ledger.trailers()["Coc-Action"] == "notify"
    assert ledger.git("log", "-1", "--format=%s").strip() == f"notify {cases.warned} offender"
    assert f"sent through smtp://127.0.0.1:{port} to Frank Example" in run.stdout


def test_a_name_with_markup_is_sent_recorded_and_shown_once(
    ledger: LedgerRepo, cases: Cases, smtp: tuple[Inbox, int]
) -> None:
    """SPEC §4: the mail went out and the notice was committed, then printing the name raised
    MarkupError (exit 3), and a retry mailed and recorded it twice. Now it prints as typed."""
    inbox, _ = smtp
    name = "Frank [/bold] [link=https://evil.example]Bob[/link] [x]"
    ledger.coc("person", "edit", "frank", "--name", name)
    head = ledger.head()
    run = ledger.coc("notify", cases.warned, "--party", "offender", "--send")
    assert len(inbox.received) == 1 and ledger.git("rev-parse", "HEAD~1").strip() == head
    assert f"to {name} <frank@example.org>" in run.stdout.replace('"', "")


def test_the_council_message_goes_to_every_member_not_conflicted(
    ledger: LedgerRepo, cases: Cases, smtp: tuple[Inbox, int]
) -> None:
    inbox, _ = smtp
    sent = ledger.coc("notify", cases.anonymous, "--party", "council", "--send", "--json").json
    [got] = inbox.received
    council = ("alice@example.org", "bob@example.org", "carol@example.org", "erin@example.org")
    assert got.rcpt_tos == council  # dan witnessed it
    assert [row["to"] for row in sent["sent"]] == [["alice", "bob", "carol", "erin"]]
    assert sent["sent"][0]["message_id"] == got.message["Message-ID"] and sent["commit"]


def test_an_anonymous_reporter_is_nowhere_in_what_the_respondent_receives(
    ledger: LedgerRepo, cases: Cases, smtp: tuple[Inbox, int]
) -> None:
    inbox, _ = smtp
    ledger.coc("notify", cases.anonymous, "--party", "offender", "--send")
    [got] = inbox.received
    assert got.rcpt_tos == ("gina@example.org",)
    assert "insults in the chat channel on 19 november" in got.everything()
    for term in ANONYMOUS:
        assert term not in got.everything()
        assert term.encode() not in got.content.lower()


def test_each_witness_gets_their_own_message(
    ledger: LedgerRepo, cases: Cases, smtp: tuple[Inbox, int]
) -> None:
    inbox, _ = smtp
    ledger.coc("notify", cases.warned, "--party", "witnesses", "--send")
    assert [got.rcpt_tos for got in inbox.received] == [("hank@example.org",), ("ivy@example.org",)]
    assert "Ivy" not in inbox.received[0].body


# --- refusals leave the ledger as it was --------------------------------------------------------


@pytest.mark.parametrize(
    "refusal",
    [
        {"refuse_rcpt": "frank@example.org"},
        {"refuse_data": "554 5.7.1 rejected by policy"},
    ],
    ids=["at RCPT", "at DATA"],
)
def test_a_server_that_refuses_leaves_the_ledger_as_it_was(
    ledger: LedgerRepo, cases: Cases, serve: Serve, monkeypatch: pytest.MonkeyPatch, refusal: dict
) -> None:
    inbox, port = serve(Inbox(**refusal))
    use(monkeypatch, f"smtp://127.0.0.1:{port}")
    before = state(ledger)
    run = ledger.coc("notify", cases.warned, "--party", "offender", "--send", expect=1)
    assert run.stderr.startswith(f"coc: error: smtp://127.0.0.1:{port} refused the message: ")
    assert ("550" if "refuse_rcpt" in refusal else "554") in run.stderr
    assert run.stderr.count("\n") == 1 and "nothing was sent" in run.stderr
    assert state(ledger) == before and inbox.received == []


def test_one_refused_witness_stops_every_message(
    ledger: LedgerRepo, cases: Cases, serve: Serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, port = serve(Inbox(refuse_rcpt="ivy@example.org"))
    use(monkeypatch, f"smtp://127.0.0.1:{port}")
    before = state(ledger)
    run = ledger.coc("notify", cases.warned, "--party", "witnesses", "--send", expect=1)
    assert "ivy@example.org: 550" in run.stderr
    assert inbox.received == []  # hank's message was not sent either
    assert state(ledger) == before


def test_a_server_that_refuses_the_second_message_says_who_has_theirs(
    ledger: LedgerRepo, cases: Cases, serve: Serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, port = serve(Inbox(refuse_data="452 4.3.1 out of storage", accept=1))
    use(monkeypatch, f"smtp://127.0.0.1:{port}")
    before = state(ledger)
    run = ledger.coc("notify", cases.warned, "--party", "witnesses", "--send", expect=1)
    assert [got.rcpt_tos for got in inbox.received] == [("hank@example.org",)]
    assert "took the message(s) to hank, then refused the next (452 4.3.1" in run.stderr
    assert "nothing was recorded" in run.stderr and state(ledger) == before


def test_sent_but_not_committed_says_how_to_record_it(
    ledger: LedgerRepo, cases: Cases, smtp: tuple[Inbox, int]
) -> None:
    inbox, _ = smtp
    hook = ledger.root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'the ledger is frozen' >&2\nexit 1\n")
    hook.chmod(0o755)
    before = state(ledger)
    run = ledger.coc("notify", cases.warned, "--party", "offender", "--send", expect=1)
    assert len(inbox.received) == 1 and state(ledger) == before
    assert "the message(s) were sent but not recorded: record them with " in run.stderr
    assert f"`coc notify {cases.warned} --party offender` (without --send)" in run.stderr


def test_a_party_with_no_email_is_refused_before_anything_is_sent(
    ledger: LedgerRepo, cases: Cases, smtp: tuple[Inbox, int]
) -> None:
    inbox, _ = smtp
    before = state(ledger)
    run = ledger.coc("notify", cases.no_email, "--party", "offender", "--send", expect=1)
    assert run.stderr.startswith("coc: error: no e-mail address for nora: add one")
    assert state(ledger) == before and inbox.received == []


def test_a_conflicted_member_is_refused_before_anything_is_sent(
    ledger: LedgerRepo, cases: Cases, smtp: tuple[Inbox, int]
) -> None:
    inbox, _ = smtp
    before = state(ledger)
    run = ledger.coc(
        "notify", cases.anonymous, "--party", "offender", "--send", actor="dan", expect=1
    )
    assert "dan is a witness" in run.stderr
    assert state(ledger) == before and inbox.received == []


def test_a_server_that_cannot_be_reached_leaves_the_ledger_as_it_was(
    ledger: LedgerRepo, cases: Cases, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago, and is closed now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    use(monkeypatch, f"smtp://{USER}:{PASSWORD}@127.0.0.1:{port}")
    before = state(ledger)
    run = ledger.coc("notify", cases.warned, "--party", "offender", "--send", expect=1)
    assert run.stderr.startswith(f"coc: error: cannot reach smtp://127.0.0.1:{port}: ")
    assert PASSWORD not in run.stderr and USER not in run.stderr
    assert state(ledger) == before


@pytest.mark.parametrize(
    ("args", "url", "says"),
    [
        (("--send", "--draft"), "smtp://127.0.0.1:25", "--draft and --send exclude each other"),
        (("--send", "--at", "2026-11-30"), "smtp://127.0.0.1:25", "leave out --at"),
        (("--send",), None, "--send needs COC_SMTP_URL"),
        (("--send",), f"smtp://{USER}:{PASSWORD}/x@127.0.0.1:25", "COC_SMTP_URL: it has a path"),
    ],
    ids=["with --draft", "with --at", "no URL", "garbled URL"],
)
def test_bad_usage_is_exit_2_and_leaves_the_ledger_as_it_was(
    ledger: LedgerRepo,
    cases: Cases,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    url: str | None,
    says: str,
) -> None:
    if url:
        use(monkeypatch, url)
    before = state(ledger)
    run = ledger.coc("notify", cases.warned, "--party", "offender", *args, expect=2)
    assert says in run.stderr and PASSWORD not in run.stderr and run.stderr.count("\n") == 1
    assert state(ledger) == before


# --- credentials --------------------------------------------------------------------------------


def test_login_works_and_the_password_goes_nowhere(
    ledger: LedgerRepo, cases: Cases, serve: Serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, port = serve(login=True, auth_require_tls=False)  # plain text: loopback only
    use(monkeypatch, f"smtp://{USER}@127.0.0.1:{port}", password=PASSWORD)
    out = ledger.coc("notify", cases.warned, "--party", "offender", "--send", "--json")
    assert inbox.logins == [(USER.encode(), PASSWORD.encode())] and len(inbox.received) == 1
    assert PASSWORD not in out.stdout + out.stderr
    assert PASSWORD not in ledger.git("log", "--all", "-p", "--format=%H %an %ae %B")
    for path in ledger.root.rglob("*"):  # the work tree, and .git's caches and loose files
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path


def test_a_wrong_password_is_refused_and_not_shown(
    ledger: LedgerRepo, cases: Cases, serve: Serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, port = serve(login=True, auth_require_tls=False)
    wrong = "Wr0ng-" + PASSWORD
    use(monkeypatch, f"smtp://{USER}:{wrong}@127.0.0.1:{port}")
    before = state(ledger)
    run = ledger.coc("notify", cases.warned, "--party", "offender", "--send", expect=1)
    assert "did not accept the user name and password" in run.stderr
    assert wrong not in run.stderr and state(ledger) == before and inbox.received == []


def test_the_password_is_in_no_exception_text(serve: Serve) -> None:
    inbox, port = serve(login=True, auth_require_tls=False)
    server = mail.server_from({mail.URL_VAR: f"smtp://{USER}:x{PASSWORD}@127.0.0.1:{port}"})
    assert f"x{PASSWORD}" not in repr(server) + str(server)
    with pytest.raises(RefusedError) as error:
        mail.send(server, [], CONTACT)
    chain = [error.value, error.value.__cause__, error.value.__context__]
    text = "".join(traceback.format_exception(error.value)) + "".join(map(repr, chain))
    assert PASSWORD not in text
    assert inbox.logins and set(inbox.logins) == {(USER.encode(), f"x{PASSWORD}".encode())}


# --- TLS ----------------------------------------------------------------------------------------


def test_starttls_is_used_when_the_server_offers_it(
    ledger: LedgerRepo,
    cases: Cases,
    serve: Serve,
    certificate: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inbox, port = serve(login=True, tls_context=server_tls(certificate), require_starttls=True)
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate))  # trust the test's own certificate
    use(monkeypatch, f"smtp://{USER}@127.0.0.1:{port}", password=PASSWORD)
    ledger.coc("notify", cases.warned, "--party", "offender", "--send")
    [got] = inbox.received
    assert got.tls and inbox.logins == [(USER.encode(), PASSWORD.encode())]


@pytest.mark.parametrize("login", [True, False])
def test_smtps_is_tls_from_the_start_then_ehlo(
    ledger: LedgerRepo,
    cases: Cases,
    serve: Serve,
    certificate: Path,
    monkeypatch: pytest.MonkeyPatch,
    login: bool,
) -> None:
    """RFC 8314, then RFC 5321: EHLO before MAIL, with or without a login (without one it once
    said nothing, and the server answered MAIL with 503)."""
    # aiosmtpd does not count implicit TLS as TLS for AUTH: it is told to offer AUTH anyway.
    inbox, port = serve(login=login, ssl_context=server_tls(certificate), auth_require_tls=False)
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate))
    use(monkeypatch, f"smtps://{f'{USER}:{PASSWORD}@' if login else ''}127.0.0.1:{port}")
    ledger.coc("notify", cases.warned, "--party", "offender", "--send")
    assert inbox.greetings == ["EHLO"] and len(inbox.received) == 1
    assert inbox.logins == ([(USER.encode(), PASSWORD.encode())] if login else [])


def test_a_certificate_nobody_vouches_for_is_refused(
    ledger: LedgerRepo,
    cases: Cases,
    serve: Serve,
    certificate: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inbox, port = serve(tls_context=server_tls(certificate), require_starttls=True)
    use(monkeypatch, f"smtp://127.0.0.1:{port}")
    before = state(ledger)
    run = ledger.coc("notify", cases.warned, "--party", "offender", "--send", expect=1)
    assert "TLS failed (CERTIFICATE_VERIFY_FAILED)" in run.stderr
    assert state(ledger) == before and inbox.received == []


@pytest.mark.parametrize(
    ("address", "plain"),
    [("127.0.0.1", True), ("127.8.0.1", True), ("::1", True), ("192.0.2.25", False),
     ("10.0.0.1", False), ("2001:db8::25", False), ("", False)],
)  # fmt: skip
def test_plain_text_only_to_a_loopback_address(address: str, plain: bool) -> None:
    assert mail.plain_allowed(address) is plain


# --- COC_SMTP_URL -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "password", "expected"),
    [
        ("smtp://mail.example.org", None, ("smtp", "mail.example.org", 587, None, None)),
        ("smtps://mail.example.org", None, ("smtps", "mail.example.org", 465, None, None)),
        ("SMTP://u%40x:p%3Aw%2F@mail.example.org:2525", None, ("smtp", "mail.example.org", 2525, "u@x", "p:w/")),
        ("smtp://u@[::1]:2525/", "from-env", ("smtp", "::1", 2525, "u", "from-env")),
        ("smtp://u:in-url@mail.example.org", "from-env", ("smtp", "mail.example.org", 587, "u", "in-url")),
    ],
)  # fmt: skip
def test_the_url_names_the_server_and_the_login(
    url: str, password: str | None, expected: tuple[Any, ...]
) -> None:
    environ = {mail.URL_VAR: url, **({mail.PASSWORD_VAR: password} if password else {})}
    server = mail.server_from(environ)
    assert (server.scheme, server.host, server.port, server.user, server.password) == expected
    assert "in-url" not in str(server) and "from-env" not in str(server)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("", "--send needs COC_SMTP_URL"),
        ("http://mail.example.org", "neither smtp:// nor smtps://"),
        (f"smtp://{USER}:{PASSWORD}/x@mail.example.org", "a path, ? or #"),
        (f"smtp://{USER}:{PASSWORD}?x@mail.example.org", "a path, ? or #"),
        (f"smtp://{USER}:{PASSWORD}#x@mail.example.org", "a path, ? or #"),
        (f"smtp://{USER}:{PASSWORD}@mail.example.org:99999", "the port is not a number"),
        (f"smtp://{USER}:{PASSWORD}@:25", "names no host"),
        (f"smtp://:{PASSWORD}@mail.example.org", "but no user name"),
        (f"smtp://{USER}@mail.example.org", "no password: put it in COC_SMTP_PASSWORD"),
        ("smtp://mail.example.org?starttls=no", "a path, ? or #"),
    ],
)
def test_a_garbled_url_is_bad_usage_and_never_repeated(url: str, says: str) -> None:
    with pytest.raises(UsageError) as error:
        mail.server_from({mail.URL_VAR: url})
    assert error.value.exit_code == 2 and says in str(error.value)
    assert PASSWORD not in str(error.value) and "mail.example.org" not in str(error.value)
