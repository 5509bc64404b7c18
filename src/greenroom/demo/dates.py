"""Vectorised calendar helpers on day numbers (days since 1970-01-01) and month numbers."""

from __future__ import annotations

import numpy as np

from greenroom.demo.reference import AS_OF, days_since_epoch

AS_OF_DAY = days_since_epoch(AS_OF)


def month_of(days: np.ndarray) -> np.ndarray:
    """Month number (months since 1970-01) of each day."""
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def first_day(months: np.ndarray) -> np.ndarray:
    """Day number of the first day of each month number."""
    return np.asarray(months, dtype=np.int64).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def year_of(days: np.ndarray) -> np.ndarray:
    """Calendar year of each day."""
    return month_of(days) // 12 + 1970


def add_years(days: np.ndarray, years: np.ndarray | int) -> np.ndarray:
    """The same calendar day `years` later, clamped to the month's end (Feb 29 -> Feb 28)."""
    days = np.asarray(days, dtype=np.int64)
    m = month_of(days)
    dom = days - first_day(m)
    target = m + 12 * np.asarray(years, dtype=np.int64)
    month_len = first_day(target + 1) - first_day(target)
    return first_day(target) + np.minimum(dom, month_len - 1)


def july1_year(days: np.ndarray) -> np.ndarray:
    """Year of the July 1 subscriber count in force on each day (the latest July 1 on or before it)."""
    m = month_of(days)
    return np.where(m % 12 >= 6, m // 12, m // 12 - 1) + 1970


def expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For per-item counts, the item index of each expanded row and its 0-based position within the item."""
    counts = np.maximum(np.asarray(counts, dtype=np.int64), 0)
    rep = np.repeat(np.arange(len(counts)), counts)
    offsets = np.cumsum(counts) - counts
    k = np.arange(len(rep), dtype=np.int64) - np.repeat(offsets, counts)
    return rep, k


def last_quarter_start() -> int:
    """Month number of the last calendar quarter that has ended by AS_OF."""
    return int((month_of(np.array([AS_OF_DAY + 1]))[0] - 3) // 3 * 3)


def quarters(start_days: np.ndarray, max_n: np.ndarray | int) -> tuple[np.ndarray, ...]:
    """Calendar quarters from the first one starting on/after each day up to the last ended one.

    Returns (item index, position, start day, end day) per expanded row.
    """
    start_days = np.asarray(start_days, dtype=np.int64)
    m = month_of(start_days)
    m0 = np.where(first_day(m) == start_days, (m + 2) // 3 * 3, (m // 3 + 1) * 3)
    n = np.clip((last_quarter_start() - m0) // 3 + 1, 0, max_n)
    rep, k = expand(n)
    qm = m0[rep] + 3 * k
    return rep, k, first_day(qm), first_day(qm + 3) - 1


def periods(start_days: np.ndarray, step_days: np.ndarray | int, length_days: np.ndarray | int,
            max_n: np.ndarray | int) -> tuple[np.ndarray, ...]:
    """Back-to-back (or spaced) periods that have ended by AS_OF: (item, position, start, end)."""
    start_days = np.asarray(start_days, dtype=np.int64)
    step = np.broadcast_to(np.asarray(step_days, dtype=np.int64), start_days.shape)
    length = np.broadcast_to(np.asarray(length_days, dtype=np.int64), start_days.shape)
    last_end = start_days + length - 1
    n = np.where(last_end <= AS_OF_DAY, (AS_OF_DAY - last_end) // step + 1, 0)
    n = np.clip(n, 0, max_n)
    rep, k = expand(n)
    s = start_days[rep] + k * step[rep]
    return rep, k, s, s + length[rep] - 1


def events(start_days: np.ndarray, step_days: np.ndarray | int, max_n: np.ndarray | int) -> tuple[np.ndarray, ...]:
    """Point events (telecasts) every step days from each start, up to AS_OF: (item, position, day)."""
    start_days = np.asarray(start_days, dtype=np.int64)
    step = np.broadcast_to(np.asarray(step_days, dtype=np.int64), start_days.shape)
    n = np.where(start_days <= AS_OF_DAY, (AS_OF_DAY - start_days) // step + 1, 0)
    n = np.clip(n, 0, max_n)
    rep, k = expand(n)
    return rep, k, start_days[rep] + k * step[rep]
