//! The failure report: the rows that need attention, as CSV with the
//! original columns, so they can be fixed and imported again.

use std::io::Write;

use crate::error::{Error, Result};
use crate::read::Table;
use crate::runner::RowFailure;

/// Writes `Line`, `Problem` and the file's own columns for each failure
/// (a row may appear twice if it has two entries).
pub fn write_failure_report(table: &Table, failures: &[RowFailure], out: impl Write) -> Result<()> {
    let bad = |e: csv::Error| Error::Report(e.to_string());
    let mut writer = csv::Writer::from_writer(out);
    let header = ["Line", "Problem"]
        .into_iter()
        .chain(table.headers.iter().map(String::as_str));
    writer.write_record(header).map_err(bad)?;
    for failure in failures {
        let cells = table
            .rows
            .iter()
            .find(|r| r.line == failure.line)
            .map(|r| r.cells.as_slice())
            .unwrap_or_default();
        let line = failure.line.to_string();
        let record = [line.as_str(), failure.reason.as_str()]
            .into_iter()
            .chain(cells.iter().map(String::as_str));
        writer.write_record(record).map_err(bad)?;
    }
    writer.flush().map_err(|e| Error::Report(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::read_table;

    #[test]
    fn the_report_repeats_the_failed_rows_with_their_reason() {
        let table = read_table(b"Name,Email\nJo,jo@\nBo,bo@x.io\n").unwrap();
        let failures = [RowFailure {
            line: 2,
            reason: "Email is not valid, \"really\"".to_owned(),
        }];
        let mut out = Vec::new();
        write_failure_report(&table, &failures, &mut out).unwrap();
        let back = read_table(&out).unwrap();
        assert_eq!(back.headers, ["Line", "Problem", "Name", "Email"]);
        assert_eq!(back.rows.len(), 1);
        assert_eq!(
            back.rows[0].cells,
            ["2", "Email is not valid, \"really\"", "Jo", "jo@"]
        );
    }
}
