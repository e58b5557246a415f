"""Pure access rules: login back-off and password rules (登录退避与密码规则), no database."""

from __future__ import annotations

import pytest

from ippledge.access.model import LoginPolicy, lock_seconds
from ippledge.access.passwords import PasswordPolicy, check_password, common_passwords
from ippledge.kernel.errors import IppledgeError


def test_back_off_starts_at_the_threshold_doubles_and_is_capped() -> None:
    policy = LoginPolicy(account_threshold=5, base_seconds=30, max_seconds=3600)
    assert [lock_seconds(n, 5, policy) for n in range(1, 12)] == [0, 0, 0, 0, 30, 60, 120, 240, 480, 960, 1920]
    assert lock_seconds(13, 5, policy) == 3600 and lock_seconds(10_000, 5, policy) == 3600


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short1!", "user.password_too_short"),
        ("x" * 201, "user.password_too_long"),
        ("my-li.wei-2024", "user.password_has_username"),
        ("MY-LI.WEI-2024", "user.password_has_username"),
        ("password123", "user.password_common"),
        ("Woaini1314", "user.password_common"),
        ("qwertyuiop", "user.password_common"),
    ],
)
def test_password_rules(password: str, code: str) -> None:
    with pytest.raises(IppledgeError) as info:
        check_password(password, "li.wei")
    assert info.value.code == code and info.value.status == 422


def test_a_good_password_passes_and_the_minimum_is_a_setting() -> None:
    check_password("correct horse battery", "li.wei")
    check_password("tr0ub4dor", "li.wei", PasswordPolicy(min_length=8))
    with pytest.raises(IppledgeError):
        check_password("tr0ub4dor", "li.wei")  # 9 < the default 10


def test_the_common_list_is_data() -> None:
    common = common_passwords()
    assert "password" in common and "12345678" in common and all(p == p.lower() for p in common)
    assert not any(p.startswith("#") for p in common)


def test_login_and_password_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from ippledge.config import Settings

    monkeypatch.setenv("IPPLEDGE_LOGIN_ACCOUNT_THRESHOLD", "3")
    monkeypatch.setenv("IPPLEDGE_LOGIN_ADDRESS_THRESHOLD", "50")
    monkeypatch.setenv("IPPLEDGE_LOGIN_LOCK_MAX_SECONDS", "600")
    monkeypatch.setenv("IPPLEDGE_PASSWORD_MIN_LENGTH", "12")
    monkeypatch.setenv("IPPLEDGE_API_KEY_MAX_DAYS", "90")
    s = Settings.from_env()
    assert (s.login_account_threshold, s.login_address_threshold, s.login_lock_max_seconds) == (3, 50, 600)
    assert (s.login_lock_base_seconds, s.login_window_seconds) == (30, 900)  # the defaults
    assert (s.password_min_length, s.api_key_max_days) == (12, 90)
    monkeypatch.setenv("IPPLEDGE_LOGIN_ACCOUNT_THRESHOLD", "0")
    with pytest.raises(ValueError, match="IPPLEDGE_LOGIN_ACCOUNT_THRESHOLD"):
        Settings.from_env()
