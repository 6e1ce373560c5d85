import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import type { Task } from "../bindings";
import { isTempId, mutationKeys, tempId, usePendingIds, useDeleteTask, useLatestTask, useSaveTask, useToggleTask } from "../hooks/mutations";
import { useContactTasks, type WriteAccess } from "../hooks/queries";
import { useNow } from "../hooks/now";
import { useReturnFocus } from "../hooks/useReturnFocus";
import { useSlow } from "../hooks/useSlow";
import { formatDueDate, formatFullDateTime, formatOverdue } from "../lib/dates";
import { orderTasks } from "../lib/ordering";
import { checkTaskValues, defaultDue, dueParts, toDueDate, type DueParts, type TaskErrors, type TaskValues } from "../lib/taskForm";
import { Spinner, WaitingBadge } from "./common";
import { InlineForm, InputField, SubmitButton, TextAreaField } from "./forms";
import { CheckCircleIcon, CircleIcon, ClockIcon, PencilIcon, TrashIcon } from "./icons";
import { ItemsSection, type ItemControls } from "./ItemsSection";

function taskValues(title: string, body: string, due: DueParts): TaskValues {
  return { title, body, dueDate: due.date, dueTime: due.time };
}

function taskName(task: Task): string {
  return task.title.trim() || "Untitled task";
}

export function TasksSection({ contactId }: { contactId: string }) {
  const query = useContactTasks(contactId);
  const save = useSaveTask(contactId);
  const remove = useDeleteTask(contactId);
  const latest = useLatestTask(contactId);
  const now = useNow();
  return (
    <ItemsSection
      name="tasks"
      title="Tasks"
      query={query}
      empty="No tasks for this contact."
      icon={<CheckCircleIcon size={16} />}
      itemNoun="task"
      itemName={taskName}
      remove={(task) => remove.mutate({ id: task.id, item: task })}
      latest={latest}
      addForm={({ close, fallbackFocus }) => (
        <TaskFormInline
          initial={taskValues("", "", defaultDue(now))}
          submitLabel="Add task"
          fallbackFocus={fallbackFocus}
          onCancel={close}
          onSubmit={(values) => {
            close();
            save.mutate({
              id: tempId("task"),
              isNew: true,
              previous: null,
              form: {
                title: values.title.trim(),
                body: values.body.trim() || null,
                dueDate: toDueDate(values.dueDate, values.dueTime) ?? "",
                completed: false,
              },
            });
          }}
        />
      )}
      list={(tasks, controls) => <TaskList contactId={contactId} tasks={tasks} {...controls} />}
    />
  );
}

type ListProps = ItemControls<Task> & { contactId: string; tasks: Task[] };

function TaskList({ contactId, tasks, access, editingId, editingItem, checkingId, editNotice, onEdit, onDoneEditing, onDelete, fallbackFocus }: ListProps) {
  const now = useNow();
  const pending = usePendingIds(mutationKeys.tasks(contactId));
  const toggle = useToggleTask(contactId);
  const save = useSaveTask(contactId);
  return (
    <ul className="item-list">
      {orderTasks(tasks).map((listed) => {
        const task = listed.id === editingId ? (editingItem ?? listed) : listed;
        return task.id === editingId ? (
          <li key={task.id} className="task is-editing" data-testid="task-item" data-task-id={task.id}>
            {editNotice ? (
              <p className="edit-notice" role="status" data-testid="edit-notice">
                {editNotice}
              </p>
            ) : null}
            <TaskFormInline
              initial={taskValues(task.title, task.body ?? "", dueParts(task.dueDate, now))}
              submitLabel="Save task"
              fallbackFocus={() => document.getElementById(editButtonId(task.id)) ?? fallbackFocus()}
              onCancel={onDoneEditing}
              onSubmit={(values) => {
                onDoneEditing();
                save.mutate({
                  id: task.id,
                  isNew: false,
                  previous: task,
                  form: {
                    title: values.title.trim(),
                    body: values.body.trim() || null,
                    dueDate: toDueDate(values.dueDate, values.dueTime) ?? "",
                    completed: task.completed,
                  },
                });
              }}
            />
          </li>
        ) : (
          <TaskItem
            key={task.id}
            task={task}
            now={now}
            access={access}
            pending={pending.has(task.id) || isTempId(task.id)}
            checking={checkingId === task.id}
            onToggle={() => toggle.mutate({ id: task.id, task, completed: !task.completed })}
            onEdit={() => onEdit(task.id)}
            onDelete={() => onDelete(task)}
          />
        );
      })}
    </ul>
  );
}

function editButtonId(taskId: string): string {
  return `task-edit-${taskId}`;
}

type ItemProps = {
  task: Task;
  now: Date;
  access: WriteAccess;
  pending: boolean;
  /** Its latest version is being fetched for the edit form. */
  checking: boolean;
  onToggle: () => void;
  onEdit: () => void;
  onDelete: () => void;
};

function TaskItem({ task, now, access, pending, checking, onToggle, onEdit, onDelete }: ItemProps) {
  const slow = useSlow(pending);
  // Most checks answer at once; a spinner only for the slow ones.
  const slowCheck = useSlow(checking, 300);
  const overdue = formatOverdue(task.dueDate, task.completed, now);
  const due = formatDueDate(task.dueDate, now);
  // "Overdue since 09:00" already says it was due today.
  const showDue = due !== null && !overdue?.startsWith("Overdue since");
  const name = taskName(task);
  const toggleLabel = task.completed ? `Reopen '${name}'` : `Mark '${name}' done`;
  let className = "task";
  if (task.completed) className += " is-done";
  if (overdue) className += " is-overdue";
  if (pending) className += " is-pending";
  const locked = !access.canWrite || pending;
  return (
    <li className={className} data-testid="task-item" data-task-id={task.id} aria-busy={pending || undefined}>
      <span className="visually-hidden">{task.completed ? "Done" : "Open"}</span>
      <button
        type="button"
        className={task.completed ? "task-status done" : "task-status open"}
        data-testid="task-toggle"
        aria-label={toggleLabel}
        title={access.reason ?? toggleLabel}
        disabled={locked}
        onClick={onToggle}
      >
        {slow ? <Spinner size={16} /> : task.completed ? <CheckCircleIcon size={18} /> : <CircleIcon size={18} />}
      </button>
      <div className="item-main">
        <p className="task-title">{name}</p>
        {task.body?.trim() ? <p className="item-body preserve-lines">{task.body.trim()}</p> : null}
        {due !== null || overdue || slow || task.pending ? (
          <p className="item-meta">
            {task.pending ? <WaitingBadge /> : null}
            {due !== null || overdue ? <ClockIcon size={13} /> : null}
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
            {slow ? <span className="saving">Saving…</span> : null}
          </p>
        ) : null}
      </div>
      <div className="item-actions">
        <button
          type="button"
          id={editButtonId(task.id)}
          className="icon-button"
          aria-busy={checking || undefined}
          aria-label={`Edit '${name}'`}
          title={access.reason ?? "Edit task"}
          disabled={locked}
          onClick={onEdit}
        >
          {slowCheck ? <Spinner size={15} /> : <PencilIcon size={15} />}
        </button>
        <button
          type="button"
          className="icon-button icon-button-danger"
          data-testid="task-delete"
          aria-label={`Delete '${name}'`}
          title={access.reason ?? "Delete task"}
          disabled={locked}
          onClick={onDelete}
        >
          <TrashIcon size={15} />
        </button>
      </div>
    </li>
  );
}

type FormProps = {
  initial: TaskValues;
  submitLabel: string;
  onSubmit: (values: TaskValues) => void;
  onCancel: () => void;
  fallbackFocus: () => HTMLElement | null;
};

/** Add or edit a task, in place. Esc cancels; focus goes back where it came from. */
function TaskFormInline({ initial, submitLabel, onSubmit, onCancel, fallbackFocus }: FormProps) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<TaskErrors>({});
  const [submitted, setSubmitted] = useState(false);
  const titleRef = useRef<HTMLInputElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const id = useId();
  useReturnFocus(fallbackFocus);
  useEffect(() => titleRef.current?.focus(), []);

  const set = (field: keyof TaskValues, value: string) => {
    const next = { ...values, [field]: value };
    setValues(next);
    if (submitted) setErrors(checkTaskValues(next));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    const found = checkTaskValues(values);
    setErrors(found);
    const first = (["title", "dueDate", "dueTime"] as const).find((field) => found[field]);
    if (first) {
      formRef.current?.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
      return;
    }
    onSubmit(values);
  };

  return (
    <InlineForm
      formRef={formRef}
      data-testid="task-form"
      aria-label={submitLabel === "Add task" ? "New task" : "Edit task"}
      onSubmit={submit}
      onCancel={onCancel}
    >
      <InputField
        id={`${id}-title`}
        name="title"
        label="Title"
        value={values.title}
        onChange={(v) => set("title", v)}
        error={errors.title}
        inputRef={titleRef}
        maxLength={200}
        required
        placeholder="Call back about the estimate"
      />
      <TextAreaField
        id={`${id}-body`}
        name="body"
        label="Details"
        optional
        value={values.body}
        onChange={(v) => set("body", v)}
        rows={2}
      />
      <div className="inline-form-row">
        <InputField
          id={`${id}-date`}
          name="dueDate"
          label="Due date"
          type="date"
          value={values.dueDate}
          onChange={(v) => set("dueDate", v)}
          error={errors.dueDate}
          required
          className="due-date"
        />
        <InputField
          id={`${id}-time`}
          name="dueTime"
          label="Time"
          type="time"
          value={values.dueTime}
          onChange={(v) => set("dueTime", v)}
          error={errors.dueTime}
          required
          className="due-time"
        />
        <div className="inline-form-actions">
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
          <SubmitButton pending={false} testId="task-form-submit">
            {submitLabel}
          </SubmitButton>
        </div>
      </div>
    </InlineForm>
  );
}
