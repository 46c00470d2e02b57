"""The terminal's words for users, persons, approvals and two-factor login, merged into
:mod:`openets.web.i18n`'s catalogs. Same keys in both languages (a test checks)."""

from __future__ import annotations

ZH: dict[str, str] = {
    "login.otp": "动态验证码",
    "login.otp_hint": "已开启双重验证时填写",
    "err.UNKNOWN_USER": "用户不存在",
    "err.UNKNOWN_PERSON": "自然人不存在",
    "err.PERSON_HAS_STAFF_LOGIN": "同一自然人只能持有一个工作人员账号",
    "err.MFA_REQUIRED": "需要输入动态验证码",
}

EN: dict[str, str] = {
    "login.otp": "One-time code",
    "login.otp_hint": "if two-factor login is on",
    "err.UNKNOWN_USER": "No such user",
    "err.UNKNOWN_PERSON": "No such person",
    "err.PERSON_HAS_STAFF_LOGIN": "One person holds one staff login",
    "err.MFA_REQUIRED": "A one-time code is needed",
}
