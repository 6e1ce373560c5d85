//! Property tests of the reader: any bytes are read without a panic, and any
//! table written as CSV (random quoting, delimiter, line endings, encoding)
//! reads back cell for cell.

use import::{guess_mapping, map_rows, read_table, MapOptions};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_bytes_read_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        if let Ok(table) = read_table(&bytes) {
            let mapping = guess_mapping(&table.headers);
            let rows = map_rows(&table.headers, &table.rows, &mapping, &MapOptions::default()).unwrap();
            prop_assert_eq!(rows.len(), table.rows.len());
            for row in &table.rows {
                prop_assert_eq!(row.cells.len(), table.headers.len());
            }
        }
    }

    #[test]
    fn csv_like_text_reads_without_panic(text in "[a-z\",;\t\r\n é]{0,400}") {
        let _ = read_table(text.as_bytes());
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        let _ = read_table(&with_bom);
    }

    #[test]
    fn written_tables_read_back_cell_for_cell(
        table in table_strategy(),
        delimiter in prop_oneof![Just(b','), Just(b';'), Just(b'\t')],
        always_quote in any::<bool>(),
        crlf in any::<bool>(),
        encoding in 0..3u8,
    ) {
        // A one-column file has no delimiter to sniff: it is read as CSV.
        let delimiter = if table[0].len() == 1 { b',' } else { delimiter };
        let mut writer = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .quote_style(if always_quote { csv::QuoteStyle::Always } else { csv::QuoteStyle::Necessary })
            .terminator(if crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') })
            .from_writer(Vec::new());
        for record in &table {
            writer.write_record(record).unwrap();
        }
        let text = String::from_utf8(writer.into_inner().unwrap()).unwrap();
        let bytes = match encoding {
            0 => text.into_bytes(),
            1 => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
            // Every character of the alphabet is in Windows-1252.
            _ => encoding_rs::WINDOWS_1252.encode(&text).0.into_owned(),
        };
        let read = read_table(&bytes).unwrap();
        prop_assert_eq!(&read.headers, &table[0]);
        let rows: Vec<Vec<String>> = read.rows.into_iter().map(|r| r.cells).collect();
        prop_assert_eq!(&rows[..], &table[1..]);
    }
}

/// A header and rows of one width; cells without outer spaces (the reader
/// trims), no empty header cells and no all-empty rows (the reader names
/// and drops those). The first header cell always holds a non-ASCII letter
/// so a Windows-1252 file is never valid UTF-8 by accident, and the header
/// holds no delimiter-like characters, which would change the sniffed delimiter.
fn table_strategy() -> impl Strategy<Value = Vec<Vec<String>>> {
    let cell = "[a-zA-Z0-9éüñÇ€ ,;\"\t\n]{0,12}".prop_map(|s| s.trim().to_owned());
    let header_cell = "[a-zA-Zé ]{1,10}".prop_filter_map("blank", |s| {
        let s = s.trim().to_owned();
        (!s.is_empty()).then_some(s)
    });
    (1usize..6).prop_flat_map(move |width| {
        let header = proptest::collection::vec(header_cell.clone(), width).prop_map(|mut h| {
            h[0] = format!("é{}", h[0]);
            h
        });
        let row = proptest::collection::vec(cell.clone(), width)
            .prop_filter("all empty", |r| r.iter().any(|c| !c.is_empty()));
        (header, proptest::collection::vec(row, 0..12)).prop_map(|(h, rows)| {
            let mut all = vec![h];
            all.extend(rows);
            all
        })
    })
}
