//! Houzz Pro client lists into GoHighLevel. Houzz Pro has no API, so its
//! client lists come as CSV or XLSX files of no fixed layout.
//!
//! 1. [`read_table`]: bytes → header + rows (encoding, delimiter, quoting, XLSX).
//! 2. [`guess_mapping`] / [`MappingMemory`]: which column is which field.
//! 3. [`map_rows`]: rows → normalised contacts with per-row [`RowProblem`]s.
//! 4. [`run`]: lookup before create, update only what changes, tags and a
//!    follow-up task on new contacts; progress, cancellation, [`Summary`].
//! 5. [`write_failure_report`]: the rows that need attention, as CSV.
//!
//! Nothing here depends on Tauri; [`Destination`] is implemented for
//! [`ghl::Client`] and by fakes in tests.

mod columns;
mod error;
mod read;
mod report;
mod rows;
mod runner;

pub use columns::{guess_mapping, layout_key, normalize_header, recognize, Field, MappingMemory};
pub use error::{Error, Result};
pub use read::{
    decode, read_csv, read_table, read_xlsx, sniff_delimiter, FileKind, Row, Table, MAX_FILE_BYTES,
};
pub use report::write_failure_report;
pub use rows::{map_row, map_rows, split_full_name, MapOptions, MappedRow, RowProblem};
pub use runner::{
    changes, run, Destination, FollowUp, Outcome, Progress, RowFailure, RunOptions, Stop, Summary,
};
