import type { Task } from "../bindings";
import { useContactTasks } from "../hooks/queries";
import { useNow } from "../hooks/now";
import { formatDueDate, formatFullDateTime, formatOverdue } from "../lib/dates";
import { orderTasks } from "../lib/ordering";
import { Section } from "./Section";
import { CheckCircleIcon, CircleIcon, ClockIcon } from "./icons";

export function TasksSection({ contactId }: { contactId: string }) {
  const query = useContactTasks(contactId);
  return (
    <Section
      name="tasks"
      title="Tasks"
      noun="tasks"
      query={query}
      empty="No tasks for this contact."
      icon={<CheckCircleIcon size={16} />}
    >
      {(tasks) => <TaskList tasks={tasks} />}
    </Section>
  );
}

function TaskList({ tasks }: { tasks: Task[] }) {
  const now = useNow();
  return (
    <ul className="item-list">
      {orderTasks(tasks).map((task) => (
        <TaskItem key={task.id} task={task} now={now} />
      ))}
    </ul>
  );
}

function TaskItem({ task, now }: { task: Task; now: Date }) {
  const overdue = formatOverdue(task.dueDate, task.completed, now);
  const due = formatDueDate(task.dueDate, now);
  // "Overdue since 09:00" already says it was due today.
  const showDue = due !== null && !(overdue?.startsWith("Overdue since"));
  let className = "task";
  if (task.completed) className += " is-done";
  if (overdue) className += " is-overdue";
  return (
    <li className={className} data-testid="task-item" data-task-id={task.id}>
      <span className={task.completed ? "task-status done" : "task-status open"}>
        {task.completed ? <CheckCircleIcon size={18} /> : <CircleIcon size={18} />}
        <span className="visually-hidden">{task.completed ? "Done" : "Open"}</span>
      </span>
      <div className="item-main">
        <p className="task-title">{task.title.trim() || "Untitled task"}</p>
        {task.body?.trim() ? <p className="item-body preserve-lines">{task.body.trim()}</p> : null}
        {due !== null || overdue ? (
          <p className="item-meta">
            <ClockIcon size={13} />
            {showDue ? (
              <time dateTime={task.dueDate ?? undefined} title={formatFullDateTime(task.dueDate) ?? undefined}>
                {task.completed ? `Due ${due}` : due}
              </time>
            ) : null}
            {overdue ? (
              <span className="overdue" data-testid="task-overdue">
                {overdue}
              </span>
            ) : null}
          </p>
        ) : null}
      </div>
    </li>
  );
}
