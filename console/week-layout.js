// Pure helpers of the week view: the week's days, Graph's dateTimeTimeZone as instants, and
// where each event sits (day, minutes, lane when events overlap). Times are shown in the
// browser's time zone; calendarView is asked for UTC (Prefer: outlook.timezone="UTC").

const DAY_MS = 86_400_000;

/** Monday 00:00 (local) of the week holding `date`. */
export function weekStart(date) {
  const d = new Date(date.getFullYear(), date.getMonth(), date.getDate());
  const monday = (d.getDay() + 6) % 7;
  d.setDate(d.getDate() - monday);
  return d;
}

export function addDays(date, days) {
  const d = new Date(date);
  d.setDate(d.getDate() + days);
  return d;
}

export function weekDays(start) {
  return Array.from({ length: 7 }, (_, i) => addDays(start, i));
}

/** A dateTimeTimeZone Graph returned in UTC (7 fractional digits) as epoch ms. */
export function utcMs(value) {
  return Date.parse(`${value.dateTime.slice(0, 19)}Z`);
}

/**
 * An all-day event's dates (end exclusive). It spans midnights of its own zone, which in UTC lie
 * within ±14 hours of a UTC midnight, so the nearest UTC midnight is the date it was written on
 * (Wednesday in Berlin starts Tuesday 23:00 UTC).
 */
function allDayDates(event) {
  const date = (ms) => new Date(Math.round(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
  return { from: date(event.startMs), to: date(event.endMs) };
}

function localDate(date) {
  const p = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}`;
}

/**
 * The blocks to draw: for each day, its all-day items and its timed items (minutes from local
 * midnight, clipped to the day) with a lane so that overlapping items sit side by side.
 */
export function layoutWeek(days, items) {
  return days.map((day) => {
    const dayStart = day.getTime();
    const dayEnd = addDays(day, 1).getTime();
    const iso = localDate(day);
    const allDay = items.filter((it) => it.isAllDay && allDayDates(it).from <= iso && iso < allDayDates(it).to);
    const timed = items
      .filter((it) => !it.isAllDay && it.startMs < dayEnd && (it.endMs > dayStart || (it.endMs === it.startMs && it.startMs >= dayStart)))
      .map((it) => ({
        item: it,
        top: Math.max(0, (it.startMs - dayStart) / 60_000),
        bottom: Math.min(24 * 60, (Math.max(it.endMs, it.startMs + 15 * 60_000) - dayStart) / 60_000),
      }))
      .sort((a, b) => a.top - b.top || b.bottom - a.bottom);
    const laneEnds = [];
    for (const block of timed) {
      let lane = laneEnds.findIndex((end) => end <= block.top);
      if (lane < 0) lane = laneEnds.push(0) - 1;
      laneEnds[lane] = block.bottom;
      block.lane = lane;
    }
    for (const block of timed) block.lanes = laneEnds.length;
    return { day, iso, allDay, timed };
  });
}

export { DAY_MS };
