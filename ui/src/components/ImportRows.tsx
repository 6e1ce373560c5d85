// The preview's rows: a virtualised list (a client list may have 50,000 rows), each with
// what would be imported and, in red, why it would not.
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef } from "react";
import type { ImportRow } from "../bindings";
import { formatPhone } from "../lib/format";
import { AlertIcon } from "./icons";

// Fixed heights (rows clip with an ellipsis), so scrolling needs no measuring.
const ROW_HEIGHT = 40;
const PROBLEM_ROW_HEIGHT = 62;

export function ImportRows({ rows, label }: { rows: ImportRow[]; label: string }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => ((rows[index]?.problems.length ?? 0) > 0 ? PROBLEM_ROW_HEIGHT : ROW_HEIGHT),
    overscan: 6,
    initialRect: { width: 720, height: 320 },
    getItemKey: (index) => rows[index]?.line ?? index,
  });
  return (
    // Focusable so the list scrolls with the keyboard.
    // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
    <div ref={scrollRef} className="import-rows" tabIndex={0} role="list" aria-label={label} data-testid="import-rows">
      <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index]!;
          const bad = row.problems.length > 0;
          return (
            <div
              key={item.key}
              role="listitem"
              className={bad ? "import-row has-problems" : "import-row"}
              data-testid="import-row"
              data-line={row.line}
              data-valid={!bad}
              style={{ transform: `translateY(${item.start}px)`, height: item.size }}
            >
              <span className="import-row-line" aria-label={`Line ${row.line}`}>
                {row.line}
              </span>
              <div className="import-row-main">
                <p className="import-row-who">
                  <strong>{row.name ?? row.company ?? "No name"}</strong>
                  {row.name && row.company ? <span className="muted"> · {row.company}</span> : null}
                  {[row.email, formatPhone(row.phone), row.address].filter(Boolean).map((v) => (
                    <span key={v} className="muted">
                      {" "}
                      · {v}
                    </span>
                  ))}
                </p>
                {bad ? (
                  <p className="import-row-problems" data-testid="import-row-problems">
                    <AlertIcon size={13} />
                    <span>{row.problems.map((p) => p.message).join(" · ")}</span>
                  </p>
                ) : null}
              </div>
            </div>
          );
        })}
      </div>
    </div>
  );
}
