"""The sinks file."""

from __future__ import annotations

from pathlib import Path

import pytest

from maritime.alerts.config import load_sinks
from maritime.alerts.cot import CotSink
from maritime.alerts.mail import MailSink
from maritime.alerts.model import AlertError
from maritime.alerts.webhook import WebhookSink

GOOD = """
[delivery]
lease_seconds = 45
retry_base_seconds = 1
max_attempts = 7

[[sink]]
name = "ops"
type = "webhook"
url = "http://127.0.0.1:9/hook"
secret_env = "TEST_HOOK_SECRET"
rate_per_minute = 30
digest_threshold = 20

[[sink]]
name = "watch"
type = "email"
host = "127.0.0.1"
port = 2525
username = "watch"
password = "pw"
sender = "m@example.org"
recipients = ["w@example.org"]

[[sink]]
name = "tak"
type = "cot"
host = "127.0.0.1"
port = 6969
protocol = "udp"
"""


def test_good_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_HOOK_SECRET", "k")
    path = tmp_path / "sinks.toml"
    path.write_text(GOOD)
    cfg = load_sinks(path)
    hook, mail, tak = cfg.sinks
    assert isinstance(hook, WebhookSink) and hook.secret == b"k"
    assert isinstance(mail, MailSink) and mail.recipients == ("w@example.org",) and mail.starttls
    assert isinstance(tak, CotSink) and tak.protocol == "udp"
    assert cfg.policies["ops"].rate_per_second == 0.5 and cfg.policies["ops"].digest_threshold == 20
    assert cfg.settings.lease_seconds == 45 and cfg.settings.retry.max_attempts == 7


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[sink]]\nname = "x"\ntype = "pager"\n', "type must be one of webhook, email, cot"),
        ('[[sink]]\nname = "x"\ntype = "webhook"\nurl = "http://h"\n', "needs secret or secret_env"),
        ('[[sink]]\nname = "x"\ntype = "webhook"\nsecret_env = "NOPE_UNSET_VAR"\nurl = "u"\n', "NOPE_UNSET_VAR"),
        ('[[sink]]\nname = "x"\ntype = "cot"\nhost = "h"\nport = 1\nprotocol = "udp"\ntls = true\n', "tls needs"),
        ("[delivery]\n", "defines no [[sink]]"),
        ("[[sink]\n", "sinks.toml"),
    ],
)
def test_bad_file_is_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "sinks.toml"
    path.write_text(text)
    with pytest.raises(AlertError, match=message.replace("[", r"\[")) as e:
        load_sinks(path)
    assert "\n" not in str(e.value)
