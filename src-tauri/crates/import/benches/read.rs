//! Reading and checking a 50,000-row Houzz Pro style export (CSV, UTF-8 and
//! Windows-1252, and XLSX): `cargo bench -p import --bench read`. Prints the
//! median of a few runs per step; figures are in BENCHMARKS.md.

use std::time::{Duration, Instant};

use import::{guess_mapping, map_rows, read_table, MapOptions};

const ROWS: usize = 50_000;
const RUNS: usize = 5;

fn csv_export(rows: usize) -> String {
    let mut out = String::from(
        "Client Name,E-mail,Mobile,Company,Street Address,City,State,Zip,Tags,Project Stage\n",
    );
    for i in 0..rows {
        out.push_str(&format!(
            "\"Lovelace{i}, Ada\",ada{i}@example.com,(720) 555-{:04},Café {i} LLC,\"{i} Main St, Apt {}\",Denver,CO,802{:02},\"kitchen, bath\",\"Won\nsigned\"\n",
            i % 10_000,
            i % 40,
            i % 100,
        ));
    }
    out
}

fn xlsx_export(rows: usize) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["Client Name", "E-mail", "Mobile", "Zip"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for i in 0..rows {
        let r = (i + 1) as u32;
        sheet
            .write_string(r, 0, format!("Ada Lovelace{i}"))
            .unwrap();
        sheet
            .write_string(r, 1, format!("ada{i}@example.com"))
            .unwrap();
        sheet
            .write_number(r, 2, 7_205_550_000.0 + (i % 10_000) as f64)
            .unwrap();
        sheet
            .write_number(r, 3, 80_200.0 + (i % 100) as f64)
            .unwrap();
    }
    book.save_to_buffer().unwrap()
}

fn median(mut f: impl FnMut() -> usize) -> (Duration, usize) {
    let mut times = Vec::with_capacity(RUNS);
    let mut n = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        n = f();
        times.push(start.elapsed());
    }
    times.sort();
    (times[RUNS / 2], n)
}

fn report(what: &str, bytes: usize, (time, rows): (Duration, usize)) {
    println!(
        "{what:<44} {rows:>6} rows  {:>6.1} MB  {:>8.1} ms  {:>6.0} k rows/s",
        bytes as f64 / 1e6,
        time.as_secs_f64() * 1e3,
        rows as f64 / time.as_secs_f64() / 1e3
    );
}

fn main() {
    // `cargo test --benches` runs this too: keep that quick.
    let rows = if std::env::args().any(|a| a == "--bench") {
        ROWS
    } else {
        500
    };
    let utf8 = csv_export(rows).into_bytes();
    let cp1252 = encoding_rs::WINDOWS_1252
        .encode(std::str::from_utf8(&utf8).unwrap())
        .0
        .into_owned();
    let xlsx = xlsx_export(rows);

    report(
        "read CSV (UTF-8, quoted fields)",
        utf8.len(),
        median(|| read_table(&utf8).unwrap().rows.len()),
    );
    report(
        "read CSV (Windows-1252)",
        cp1252.len(),
        median(|| read_table(&cp1252).unwrap().rows.len()),
    );
    report(
        "read XLSX (first sheet)",
        xlsx.len(),
        median(|| read_table(&xlsx).unwrap().rows.len()),
    );
    let table = read_table(&utf8).unwrap();
    let mapping = guess_mapping(&table.headers);
    report(
        "map + validate rows (names, email, phone)",
        utf8.len(),
        median(|| {
            map_rows(
                &table.headers,
                &table.rows,
                &mapping,
                &MapOptions::default(),
            )
            .unwrap()
            .len()
        }),
    );
    report(
        "read + map + validate (the preview's work)",
        utf8.len(),
        median(|| {
            let t = read_table(&utf8).unwrap();
            let m = guess_mapping(&t.headers);
            map_rows(&t.headers, &t.rows, &m, &MapOptions::default())
                .unwrap()
                .len()
        }),
    );
}
