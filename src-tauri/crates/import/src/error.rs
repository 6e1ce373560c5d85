//! The one error type of the import crate.

/// Why a file could not be read or an import could not run. Per-row
/// problems are not errors: they are [`crate::RowProblem`]s in the preview.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file has no header row (or no cells at all).
    #[error("The file is empty: it has no header row")]
    Empty,
    /// Larger than [`crate::MAX_FILE_BYTES`].
    #[error("The file is too large to import ({size} bytes; at most {max} bytes)")]
    TooLarge { size: usize, max: usize },
    /// The CSV reader gave up (it is lenient, so this is rare).
    #[error("The file could not be read as CSV: {0}")]
    Csv(String),
    /// An XLSX file whose workbook or first sheet cannot be read.
    #[error("The spreadsheet could not be read: {0}")]
    Spreadsheet(String),
    /// The mapping does not fit the file (wrong number of columns).
    #[error("The column mapping does not fit this file: {0}")]
    Mapping(String),
    /// Writing the failure report failed.
    #[error("The failure report could not be written: {0}")]
    Report(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
