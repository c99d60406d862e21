"""E-mail addresses: trimmed, lower-cased, ``local@domain.tld`` shaped."""

from __future__ import annotations

import pytest

from linkgraph.ingest.normalise.base import Invalid, Value
from linkgraph.ingest.normalise.emails import normalise_email


@pytest.mark.parametrize(
    ("raw", "key", "display"),
    [
        ("ali.k@example.com", "ali.k@example.com", "ali.k@example.com"),
        ("  Ali.K@Example.COM ", "ali.k@example.com", "ali.k@example.com"),
        ("mailto:Ali.K@example.com", "ali.k@example.com", "ali.k@example.com"),
        ("<ali.k@example.com>", "ali.k@example.com", "ali.k@example.com"),
        ("ali.k[at]example[dot]com", "ali.k@example.com", "ali.k@example.com"),
        ("ali.k (at) example (dot) com", "ali.k@example.com", "ali.k@example.com"),
        ("first+tag@sub.example.co.uk", "first+tag@sub.example.co.uk", "first+tag@sub.example.co.uk"),
        ("a@b.co", "a@b.co", "a@b.co"),
        ("josé@correo.es", "josé@correo.es", "josé@correo.es"),
    ],
)
def test_emails(raw: str, key: str, display: str) -> None:
    result = normalise_email(raw)
    assert isinstance(result, Value)
    assert (result.key, result.display) == (key, display)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("ali.example.com", "not an e-mail address (expected name@domain.tld): 'ali.example.com'"),
        ("ali@example", "not an e-mail address"),
        ("ali@@example.com", "not an e-mail address"),
        ("ali k@example.com", "not an e-mail address"),
        ("ali@exa mple.com", "not an e-mail address"),
        (".ali@example.com", "not an e-mail address"),
        ("ali.@example.com", "not an e-mail address"),
        ("ali..k@example.com", "not an e-mail address"),
        ("ali@-example.com", "not an e-mail address"),
        ("ali@example..com", "not an e-mail address"),
        ("ali@example.c", "not an e-mail address"),
        ("ali@example.123", "not an e-mail address"),
        ("@example.com", "not an e-mail address"),
        ("ali at example dot com", "not an e-mail address"),
        ("", "empty value"),
        (None, "empty value"),
    ],
)
def test_invalid_emails(raw: str | None, reason: str) -> None:
    result = normalise_email(raw)
    assert isinstance(result, Invalid)
    assert reason in result.reason
