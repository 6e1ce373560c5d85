import type { Appointment } from "../bindings";
import { useContactAppointments } from "../hooks/queries";
import { useNow } from "../hooks/now";
import { formatFullDateTime, formatTimeRange, parseDate } from "../lib/dates";
import { formatStatus, isCancelled, statusTone } from "../lib/format";
import { groupAppointments } from "../lib/ordering";
import { Section } from "./Section";
import { MapPinIcon } from "./icons";

const CALENDAR_ICON = (
  <svg className="icon" width={16} height={16} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
    <rect x="3.5" y="5" width="17" height="15" rx="2" />
    <path d="M3.5 10h17M8 3v4M16 3v4" />
  </svg>
);

export function AppointmentsSection({ contactId }: { contactId: string }) {
  const query = useContactAppointments(contactId);
  return (
    <Section
      name="appointments"
      title="Appointments"
      noun="appointments"
      query={query}
      empty="No appointments for this contact."
      icon={CALENDAR_ICON}
    >
      {(appointments) => <AppointmentGroups appointments={appointments} />}
    </Section>
  );
}

function AppointmentGroups({ appointments }: { appointments: Appointment[] }) {
  const now = useNow();
  const { upcoming, past } = groupAppointments(appointments, now);
  return (
    <div className="appointment-groups">
      <div className="appointment-group" data-testid="appointments-upcoming">
        <h4 className="group-heading">Upcoming</h4>
        {upcoming.length === 0 ? (
          <p className="group-empty">Nothing scheduled.</p>
        ) : (
          <ul className="item-list">
            {upcoming.map((a) => (
              <AppointmentItem key={a.id} appointment={a} now={now} />
            ))}
          </ul>
        )}
      </div>
      {past.length > 0 ? (
        <div className="appointment-group" data-testid="appointments-past">
          <h4 className="group-heading">Past</h4>
          <ul className="item-list">
            {past.map((a) => (
              <AppointmentItem key={a.id} appointment={a} now={now} past />
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

const MONTH = new Intl.DateTimeFormat("en-US", { month: "short" });
const DAY = new Intl.DateTimeFormat("en-US", { day: "numeric" });

function AppointmentItem({ appointment, now, past = false }: { appointment: Appointment; now: Date; past?: boolean }) {
  const when = formatTimeRange(appointment.startTime, appointment.endTime, now);
  const start = parseDate(appointment.startTime);
  const status = formatStatus(appointment.status);
  const cancelled = isCancelled(appointment.status);
  let className = "appointment";
  if (cancelled) className += " is-cancelled";
  if (past) className += " is-past";
  return (
    <li className={className} data-testid="appointment-item" data-appointment-id={appointment.id}>
      <span className="date-tile" aria-hidden="true">
        {start ? (
          <>
            <span className="date-tile-month">{MONTH.format(start)}</span>
            <span className="date-tile-day">{DAY.format(start)}</span>
          </>
        ) : (
          <span className="date-tile-day">?</span>
        )}
      </span>
      <div className="item-main">
        <p className="appointment-when">
          <time dateTime={appointment.startTime ?? undefined} title={formatFullDateTime(appointment.startTime) ?? undefined}>
            {when ?? "Time not set"}
          </time>
          {status ? (
            <span className={`chip status-${statusTone(appointment.status)}`} data-testid="appointment-status">
              {status}
            </span>
          ) : null}
        </p>
        <p className="appointment-title">{appointment.title?.trim() || "Appointment"}</p>
        {appointment.address?.trim() ? (
          <p className="item-meta">
            <MapPinIcon size={13} />
            <span>{appointment.address.trim()}</span>
          </p>
        ) : null}
        {appointment.notes?.trim() ? <p className="item-body preserve-lines">{appointment.notes.trim()}</p> : null}
      </div>
    </li>
  );
}
