"""More of the terminal's words (the trader's day, notifications, the staff screens), merged
into :mod:`openets.web.i18n`'s catalogs. Same keys in both languages (a test checks)."""

from __future__ import annotations

ZH: dict[str, str] = {
    "bucket.to_deliver": "待交付",
    "holdings.note": "待交收：今日买入、日终交收后到账；待交付：今日卖出、日终交收时交付。",
    "field.resume_reason": "恢复原因",
    "action.emergency_close": "紧急收市（强制日终）",
    "confirm.emergency_close": "交易时段尚未结束：强制执行日终将撤销全部挂牌并立即结算，"
    "确定紧急收市？",
    "eod.in_session": "当前仍在交易时段：常规日终会被拒绝，如确需收市请使用紧急收市。",
    "eod.after_session": "交易时段已结束，可执行日终。",
    "auction.cancel_reason.cover_short": "有效申报不足（覆盖率低于要求）",
    "auction.cancel_reason.reserve_not_met": "未达底价",
    "auction.cancelled_because": "已取消：{reason}",
    "auction.bidding_until": "竞价中，截止于 {time}，到时自动出清",
    "action.cancel_auction": "取消竞价",
    "confirm.cancel_auction": "确定取消该竞价？全部冻结将释放。",
    "msg.auction_cancelled": "竞价已取消",
}

EN: dict[str, str] = {
    "bucket.to_deliver": "To deliver",
    "holdings.note": "To settle: bought today, credited at the end-of-day settlement; "
    "to deliver: sold today, delivered at the end-of-day settlement.",
    "field.resume_reason": "Reason for resuming",
    "action.emergency_close": "Emergency close (forced end of day)",
    "confirm.emergency_close": "The session is still open: a forced end of day cancels every "
    "listing and settles now. Close the market in an emergency?",
    "eod.in_session": "The session is still open: a normal end of day is refused; use the "
    "emergency close if the market must close now.",
    "eod.after_session": "The session has ended; the end of day can run.",
    "auction.cancel_reason.cover_short": "Too few bids (cover below the minimum)",
    "auction.cancel_reason.reserve_not_met": "Reserve price not met",
    "auction.cancelled_because": "Cancelled: {reason}",
    "auction.bidding_until": "Bidding until {time}; clears automatically then",
    "action.cancel_auction": "Cancel auction",
    "confirm.cancel_auction": "Cancel this auction? Every lock is released.",
    "msg.auction_cancelled": "Auction cancelled",
}
