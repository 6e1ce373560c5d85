//! The overview (home screen): the person's local day turned into the
//! instants the store's query needs, and its answer in the UI's shapes.

use chrono::{Days, NaiveDate, TimeZone};
use serde::Serialize;
use time::OffsetDateTime;
use ts_rs::TS;

use crate::convert;
use crate::ipc::{Appointment, ContactSummary, Task};

/// Tasks and appointments shown per list (the totals count them all).
pub const LIST_LIMIT: usize = 50;
/// Recently updated contacts shown.
pub const RECENT_LIMIT: usize = 10;
/// "This week": today and the six days after it.
const WEEK_DAYS: u64 = 7;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Overview {
    /// Open tasks due before now, the latest due first.
    pub overdue: OverviewTaskList,
    /// Open tasks due from now to the end of today, soonest first.
    pub due_today: OverviewTaskList,
    /// Appointments starting today, in time order.
    pub appointments_today: OverviewAppointmentList,
    /// Appointments from tomorrow up to `weekEnd`.
    pub appointments_week: OverviewAppointmentList,
    /// The contacts GoHighLevel changed last, newest first.
    pub recently_updated: Vec<ContactSummary>,
    /// Contacts with edits in the outbox, the one waiting longest first.
    pub waiting: Vec<OverviewWaiting>,
    /// Contacts whose tasks are cached (opened on this computer or fetched
    /// by the background walk, see `CacheStatus.taskWalk`).
    pub contacts_with_tasks: u32,
    pub contacts_with_appointments: u32,
    /// Start of the local day the lists were made for (RFC 3339, UTC).
    pub today_start: String,
    /// End of "this week" (exclusive, RFC 3339, UTC).
    pub week_end: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OverviewTaskList {
    pub items: Vec<OverviewTask>,
    /// All matching tasks; more than `items` when the list was cut.
    pub total: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OverviewTask {
    pub contact_id: String,
    /// `null` when the contact is no longer in the cache.
    pub contact_name: Option<String>,
    pub task: Task,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OverviewAppointmentList {
    pub items: Vec<OverviewAppointment>,
    pub total: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OverviewAppointment {
    pub contact_id: String,
    pub contact_name: Option<String>,
    pub appointment: Appointment,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OverviewWaiting {
    pub contact_id: String,
    pub contact_name: Option<String>,
    /// Edits waiting to be sent.
    pub waiting: u32,
    /// Edits held back because GoHighLevel's copy changed meanwhile.
    pub conflicts: u32,
    /// Edits GoHighLevel refused.
    pub rejected: u32,
}

fn saturate(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn to_time(t: chrono::DateTime<chrono::Utc>) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(t.timestamp()).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// The first instant of `date` in `tz`. Where a clock change skips
/// midnight, the day starts at the first minute that exists.
fn start_of<Tz: TimeZone>(tz: &Tz, date: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    let midnight = date.and_time(chrono::NaiveTime::MIN);
    (0..=180)
        .find_map(|minute| {
            tz.from_local_datetime(&(midnight + chrono::Duration::minutes(minute)))
                .earliest()
        })
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_else(|| midnight.and_utc())
}

/// Today, tomorrow and the end of the week in `tz`, as instants, around `now`.
pub fn window_in<Tz: TimeZone>(
    tz: &Tz,
    now: chrono::DateTime<chrono::Utc>,
) -> store::OverviewWindow {
    let today = now.with_timezone(tz).date_naive();
    let day_after = |n: u64| today.checked_add_days(Days::new(n)).unwrap_or(today);
    store::OverviewWindow {
        now: to_time(now),
        today_start: to_time(start_of(tz, today)),
        today_end: to_time(start_of(tz, day_after(1))),
        week_end: to_time(start_of(tz, day_after(WEEK_DAYS))),
        limit: LIST_LIMIT,
        recent: RECENT_LIMIT,
    }
}

/// The window for this computer's time zone, now.
pub fn local_window() -> store::OverviewWindow {
    window_in(&chrono::Local, chrono::Utc::now())
}

fn list<T, Out>(list: store::Limited<T>, item: impl Fn(T) -> Out) -> (Vec<Out>, u32) {
    (
        list.items.into_iter().map(item).collect(),
        saturate(list.total),
    )
}

fn task_list(tasks: store::Limited<store::OverviewTask>) -> OverviewTaskList {
    let (items, total) = list(tasks, |t| OverviewTask {
        contact_id: t.contact_id,
        contact_name: t.contact_name,
        task: convert::task(t.task),
    });
    OverviewTaskList { items, total }
}

fn appointment_list(
    appointments: store::Limited<store::OverviewAppointment>,
) -> OverviewAppointmentList {
    let (items, total) = list(appointments, |a| OverviewAppointment {
        contact_id: a.contact_id,
        contact_name: a.contact_name,
        appointment: convert::appointment(a.appointment),
    });
    OverviewAppointmentList { items, total }
}

pub fn overview(o: store::Overview, window: &store::OverviewWindow) -> Overview {
    Overview {
        overdue: task_list(o.overdue),
        due_today: task_list(o.due_today),
        appointments_today: appointment_list(o.appointments_today),
        appointments_week: appointment_list(o.appointments_week),
        recently_updated: o
            .recently_updated
            .into_iter()
            .map(convert::contact_row)
            .collect(),
        waiting: o
            .waiting
            .into_iter()
            .map(|w| OverviewWaiting {
                contact_id: w.contact_id,
                contact_name: w.contact_name,
                waiting: saturate(w.waiting),
                conflicts: saturate(w.conflicts),
                rejected: saturate(w.rejected),
            })
            .collect(),
        contacts_with_tasks: saturate(o.contacts_with_tasks),
        contacts_with_appointments: saturate(o.contacts_with_appointments),
        today_start: ghl::datetime::to_rfc3339(window.today_start),
        week_end: ghl::datetime::to_rfc3339(window.week_end),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{FixedOffset, TimeZone, Utc};
    use time::macros::datetime;

    use super::*;

    #[test]
    fn the_day_is_the_local_one_not_utc() {
        // 21:30 on 10 March in UTC-7 is already the 11th in UTC.
        let tz = FixedOffset::west_opt(7 * 3600).expect("offset");
        let now = Utc.with_ymd_and_hms(2026, 3, 11, 4, 30, 0).unwrap();
        let w = window_in(&tz, now);
        assert_eq!(w.now, datetime!(2026-03-11 04:30 UTC));
        assert_eq!(w.today_start, datetime!(2026-03-10 07:00 UTC));
        assert_eq!(w.today_end, datetime!(2026-03-11 07:00 UTC));
        assert_eq!(w.week_end, datetime!(2026-03-17 07:00 UTC));
    }

    #[test]
    fn days_east_of_utc_start_the_previous_utc_evening() {
        let tz = FixedOffset::east_opt(10 * 3600).expect("offset");
        let now = Utc.with_ymd_and_hms(2026, 6, 1, 15, 0, 0).unwrap();
        let w = window_in(&tz, now);
        assert_eq!(w.today_start, datetime!(2026-06-01 14:00 UTC));
        assert_eq!(w.today_end, datetime!(2026-06-02 14:00 UTC));
    }
}
