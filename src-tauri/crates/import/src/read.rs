//! Reading a client list: decoding (UTF-8 with or without BOM, UTF-16 with a
//! BOM, else Windows-1252), delimiter sniffing, CSV with quoted fields, and
//! the first sheet of an XLSX workbook. The result is a plain table of
//! trimmed strings; nothing here knows about contacts.

use std::borrow::Cow;
use std::io::Cursor;

use crate::error::{Error, Result};

/// Files larger than this are refused before parsing (a 50,000-row export is
/// about 10 MB).
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;

/// A file as a header row and data rows; every row has exactly
/// `headers.len()` cells, trimmed. Rows whose cells are all empty are dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

/// One data row, with its line in the file (1-based; the header is line 1)
/// so that problems can be found in the original file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<String>,
}

/// The file kinds the import understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    Xlsx,
}

impl FileKind {
    /// By the file's first bytes (an XLSX is a ZIP: `PK\x03\x04`), so a
    /// renamed file is still read right.
    pub fn detect(bytes: &[u8]) -> FileKind {
        if bytes.starts_with(b"PK\x03\x04") {
            FileKind::Xlsx
        } else {
            FileKind::Csv
        }
    }
}

/// Reads a CSV or XLSX file (kind detected from its content).
pub fn read_table(bytes: &[u8]) -> Result<Table> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Error::TooLarge {
            size: bytes.len(),
            max: MAX_FILE_BYTES,
        });
    }
    match FileKind::detect(bytes) {
        FileKind::Csv => read_csv(bytes),
        FileKind::Xlsx => read_xlsx(bytes),
    }
}

/// Decodes text: a UTF-8 or UTF-16 byte-order mark decides; without one,
/// valid UTF-8 is UTF-8 and anything else is Windows-1252 (what Excel on
/// Windows writes for "CSV"), which maps every byte to a character.
pub fn decode(bytes: &[u8]) -> Cow<'_, str> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return text;
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
    }
}

/// The delimiter of the header line: whichever of `,` `;` tab occurs most
/// outside quotes (`,` on a tie or when none occurs).
pub fn sniff_delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for ch in text.chars() {
        match ch {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let [comma, semicolon, tab] = counts;
    if tab > comma && tab >= semicolon {
        b'\t'
    } else if semicolon > comma {
        b';'
    } else {
        b','
    }
}

/// Reads CSV text: quoted fields may hold delimiters, doubled quotes and line
/// breaks; rows may be shorter or longer than the header.
pub fn read_csv(bytes: &[u8]) -> Result<Table> {
    let text = decode(bytes);
    let delimiter = sniff_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line() as usize);
                records.push((line, record.iter().map(clean).collect::<Vec<_>>()));
            }
            Ok(false) => break,
            Err(error) => return Err(Error::Csv(error.to_string())),
        }
    }
    table(records)
}

/// Reads the first sheet of an XLSX workbook; numbers that are whole (phone
/// numbers and ZIP codes typed as numbers) are written without a decimal point.
pub fn read_xlsx(bytes: &[u8]) -> Result<Table> {
    use calamine::{Data, Reader, Xlsx};
    let bad = |e: &dyn std::fmt::Display| Error::Spreadsheet(e.to_string());
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| bad(&e))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| Error::Spreadsheet("the workbook has no sheet".to_owned()))?
        .map_err(|e| bad(&e))?;
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let records = range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let cells = cells
                .iter()
                .map(|cell| match cell {
                    Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
                    Data::Empty => String::new(),
                    other => clean(&other.to_string()),
                })
                .collect();
            (first_row + i + 1, cells)
        })
        .collect();
    table(records)
}

fn clean(cell: &str) -> String {
    cell.trim().to_owned()
}

/// Header + rows from raw records: the first non-empty record is the header;
/// blank headers are named by position; every row is padded or cut to the
/// header's width (cells beyond the header have no column to map to).
fn table(records: Vec<(usize, Vec<String>)>) -> Result<Table> {
    let mut records = records
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()));
    let (_, header) = records.next().ok_or(Error::Empty)?;
    let headers: Vec<String> = header
        .into_iter()
        .enumerate()
        .map(|(i, h)| {
            if h.is_empty() {
                format!("Column {}", i + 1)
            } else {
                h
            }
        })
        .collect();
    let width = headers.len();
    let rows = records
        .map(|(line, mut cells)| {
            cells.resize(width, String::new());
            Row { line, cells }
        })
        .collect();
    Ok(Table { headers, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom_read_the_same() {
        let plain = "Name,City\nZoë,Montréal\n";
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), plain.as_bytes()].concat();
        let a = read_table(plain.as_bytes()).unwrap();
        let b = read_table(&with_bom).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.headers, ["Name", "City"]);
        assert_eq!(a.rows[0].cells, ["Zoë", "Montréal"]);
    }

    #[test]
    fn windows_1252_is_decoded_when_not_utf8() {
        let bytes = b"Company;Note\nCaf\xE9 \x93Bon\x94;\x80 5\n";
        let t = read_table(bytes).unwrap();
        assert_eq!(t.headers, ["Company", "Note"]);
        assert_eq!(t.rows[0].cells, ["Café \u{201C}Bon\u{201D}", "€ 5"]);
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "Name\tEmail\r\nAda\ta@x.io\r\n".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let t = read_table(&bytes).unwrap();
        assert_eq!(t.headers, ["Name", "Email"]);
        assert_eq!(t.rows[0].cells, ["Ada", "a@x.io"]);
    }

    #[test]
    fn quoted_fields_keep_delimiters_quotes_and_line_breaks() {
        let text = "Name,Address,Notes\n\"Smith, Jo\",\"12 Main St, Apt 4\",\"said \"\"hi\"\"\nthen left\"\nBo,,\n";
        let t = read_table(text.as_bytes()).unwrap();
        assert_eq!(t.rows.len(), 2);
        assert_eq!(
            t.rows[0].cells,
            ["Smith, Jo", "12 Main St, Apt 4", "said \"hi\"\nthen left"]
        );
        assert_eq!(t.rows[0].line, 2);
        // The quoted line break makes the next record start on line 4.
        assert_eq!(t.rows[1].line, 4);
    }

    #[test]
    fn the_delimiter_is_sniffed_from_the_header_outside_quotes() {
        assert_eq!(sniff_delimiter("a,b,c\n1;2;3;4;5"), b',');
        assert_eq!(sniff_delimiter("a;b;c\n"), b';');
        assert_eq!(sniff_delimiter("a\tb\t\"c,d,e\"\n"), b'\t');
        assert_eq!(sniff_delimiter("\"x;y;z\",b\n"), b',');
        assert_eq!(sniff_delimiter("single"), b',');
    }

    #[test]
    fn short_and_long_rows_fit_the_header_and_blank_rows_are_dropped() {
        let t = read_table(b"A,,C\n1\n,,\n1,2,3,4\n\n").unwrap();
        assert_eq!(t.headers, ["A", "Column 2", "C"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].cells, ["1", "", ""]);
        assert_eq!(t.rows[1].cells, ["1", "2", "3"]);
    }

    #[test]
    fn an_empty_file_is_an_error() {
        assert!(matches!(read_table(b""), Err(Error::Empty)));
        assert!(matches!(read_table(b"\n ,\n"), Err(Error::Empty)));
    }

    #[test]
    fn a_broken_xlsx_is_a_spreadsheet_error() {
        assert!(matches!(
            read_table(b"PK\x03\x04not really a zip"),
            Err(Error::Spreadsheet(_))
        ));
    }
}
