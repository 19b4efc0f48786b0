//! Reading generated files: every delimiter and encoding, BOMs, workbooks (xlsx, ods), title rows
//! above the header, date order, combined columns, and every kind of bad file.

use keeper_enrich::columns::{DateOrder, Field};
use keeper_enrich::load::{Loaded, load};
use keeper_enrich::normalize::{NormalizeOptions, PartialDate};
use keeper_enrich::read::encoding::TextEncoding;
use keeper_enrich::read::{ArchiveLimits, ReadOptions, SourceFormat};
use std::io::Write;
use std::path::{Path, PathBuf};

const ROWS: &str = "Full Name,Mobile,E-mail,DOB\nZoë Müller,07700 900123,zoe@example.com,25/12/1980\nRenée Dupont,07700 900456,renee@example.com,03/04/1975\n";

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn gb() -> NormalizeOptions {
    NormalizeOptions::for_country("GB")
}

fn load_ok(path: &Path) -> Loaded {
    load(path, &ReadOptions::default(), &gb(), &[])
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn load_err(path: &Path) -> String {
    load(path, &ReadOptions::default(), &gb(), &[])
        .expect_err("should fail")
        .code()
        .to_string()
}

fn assert_two_people(l: &Loaded) {
    assert_eq!(l.records.len(), 2);
    let r = &l.records[0];
    assert_eq!((r.given.as_str(), r.family.as_str()), ("zoe", "muller"));
    assert_eq!(r.phones, vec!["+447700900123"]);
    assert_eq!(r.emails, vec!["zoe@example.com"]);
    assert_eq!(
        r.birthday,
        Some(PartialDate {
            year: Some(1980),
            month: 12,
            day: 25
        })
    );
    assert_eq!(l.records[1].given, "renee");
    assert_eq!(l.records[1].row, 1);
}

fn csv_format(l: &Loaded) -> keeper_enrich::read::CsvFormat {
    match &l.format {
        SourceFormat::Csv(f) => *f,
        other => panic!("not csv: {other:?}"),
    }
}

#[test]
fn every_delimiter_is_sniffed() {
    let dir = tempfile::tempdir().unwrap();
    for d in [',', ';', '\t', '|'] {
        let text = ROWS.replace(',', &d.to_string());
        let l = load_ok(&write(dir.path(), "d.csv", text.as_bytes()));
        assert_eq!(csv_format(&l).delimiter, d);
        assert_two_people(&l);
    }
}

#[test]
fn utf8_with_and_without_bom() {
    let dir = tempfile::tempdir().unwrap();
    let plain = load_ok(&write(dir.path(), "a.csv", ROWS.as_bytes()));
    assert!(!csv_format(&plain).bom);
    assert_two_people(&plain);
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(ROWS.as_bytes());
    let with = load_ok(&write(dir.path(), "b.csv", &bom));
    assert!(csv_format(&with).bom);
    assert_eq!(
        with.mapping.columns[0].header, "Full Name",
        "the BOM is not part of the first header"
    );
    assert_two_people(&with);
}

#[test]
fn utf16_le_and_be_with_bom() {
    let dir = tempfile::tempdir().unwrap();
    let mut le = vec![0xFF, 0xFE];
    le.extend(ROWS.encode_utf16().flat_map(|u| u.to_le_bytes()));
    let l = load_ok(&write(dir.path(), "le.csv", &le));
    assert_eq!(csv_format(&l).encoding, TextEncoding::Utf16Le);
    assert_two_people(&l);
    let mut be = vec![0xFE, 0xFF];
    be.extend(
        ROWS.replace(',', "\t")
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes()),
    );
    let l = load_ok(&write(dir.path(), "be.csv", &be));
    assert_eq!(csv_format(&l).encoding, TextEncoding::Utf16Be);
    assert_two_people(&l);
}

#[test]
fn windows_1252_is_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let text = ROWS.replace(',', ";");
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    let l = load_ok(&write(dir.path(), "w.csv", &bytes));
    assert_eq!(csv_format(&l).encoding, TextEncoding::Windows1252);
    assert_two_people(&l);
}

#[test]
fn header_below_title_rows_is_found_and_rows_count_from_it() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("Salon clients\nExported March 2024\n{ROWS}");
    let l = load_ok(&write(dir.path(), "t.csv", text.as_bytes()));
    assert_eq!(l.header_line, Some(3));
    let blank = format!("Salon clients\n\n{ROWS}");
    let l = load_ok(&write(dir.path(), "t2.csv", blank.as_bytes()));
    assert_eq!(l.mapping.columns[0].header, "Full Name");
    assert_two_people(&l);
}

#[test]
fn month_first_dates_are_read_month_first() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Name,Birthday\nAnn Lee,12/25/1980\nBob Ray,03/04/1975\n";
    let l = load_ok(&write(dir.path(), "m.csv", text.as_bytes()));
    assert_eq!(l.mapping.columns[1].date_order, Some(DateOrder::Mdy));
    assert_eq!(
        l.records[1].birthday,
        Some(PartialDate {
            year: Some(1975),
            month: 3,
            day: 4
        })
    );
}

#[test]
fn combined_name_column_is_split() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Client,Phone\n\"Lee, Ann\",07700 900123\nMr Bob van Dyke,07700 900456\n";
    let l = load_ok(&write(dir.path(), "n.csv", text.as_bytes()));
    assert_eq!(l.mapping.columns[0].field, Field::FullName);
    assert_eq!(
        (l.records[0].given.as_str(), l.records[0].family.as_str()),
        ("ann", "lee")
    );
    assert_eq!(
        (l.records[1].given.as_str(), l.records[1].family.as_str()),
        ("bob", "van dyke")
    );
}

#[test]
fn streaming_a_large_csv_keeps_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = std::fs::File::create(dir.path().join("big.csv")).unwrap();
    writeln!(f, "First Name,Last Name,Email").unwrap();
    for i in 0..20_000 {
        writeln!(f, "Ann{i},Lee,ann{i}@example.com").unwrap();
    }
    drop(f);
    let l = load_ok(&dir.path().join("big.csv"));
    assert_eq!(l.records.len(), 20_000);
    assert_eq!(l.records[19_999].emails, vec!["ann19999@example.com"]);
    assert_eq!(l.records[19_999].row, 19_999);
}

#[test]
fn a_million_row_csv_streams_through_with_every_row_kept() {
    // The issue's upper bound: a 1,000,000-row export from another system.
    const ROWS: usize = 1_000_000;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("million.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(f, "Full Name,E-mail,Mobile,Notes").unwrap();
    for i in 0..ROWS {
        writeln!(
            f,
            "Client {i},c{i}@example.com,07700 9{:05},visit {i}",
            i % 100_000
        )
        .unwrap();
    }
    drop(f);
    let l = load_ok(&path);
    assert_eq!(l.records.len(), ROWS);
    let last = &l.records[ROWS - 1];
    assert_eq!(last.row, ROWS - 1);
    assert_eq!(last.emails, vec![format!("c{}@example.com", ROWS - 1)]);
}

#[test]
fn a_million_row_workbook_is_read_with_every_row_kept() {
    const ROWS: u32 = 1_000_000;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("million.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["Full Name", "E-mail", "Notes"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for i in 1..=ROWS {
        ws.write_string(i, 0, format!("Client {i}")).unwrap();
        ws.write_string(i, 1, format!("c{i}@example.com")).unwrap();
        ws.write_string(i, 2, "colour every 6 weeks").unwrap();
    }
    wb.save(&path).unwrap();
    let l = load_ok(&path);
    assert_eq!(l.records.len(), ROWS as usize);
    assert_eq!(
        l.records[ROWS as usize - 1].emails,
        vec![format!("c{ROWS}@example.com")]
    );
}

fn write_xlsx(path: &Path, sheet: &str, title: bool) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let other = wb.add_worksheet();
    other.set_name("Summary").unwrap();
    other.write_string(0, 0, "Total").unwrap();
    other.write_number(1, 0, 42.0).unwrap();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).unwrap();
    let start = if title { 2 } else { 0 };
    if title {
        ws.write_string(0, 0, "Client export").unwrap();
    }
    for (c, h) in ["First", "Last", "Cell", "Email Address", "Date of Birth"]
        .iter()
        .enumerate()
    {
        ws.write_string(start, c as u16, *h).unwrap();
    }
    let date_format = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    let people = [
        (
            "Zoë",
            "Müller",
            447_700_900_123.0,
            "zoe@example.com",
            (1980, 12, 25),
        ),
        (
            "Renée",
            "Dupont",
            447_700_900_456.0,
            "renee@example.com",
            (1975, 4, 3),
        ),
    ];
    for (i, (g, f, phone, email, (y, m, d))) in people.iter().enumerate() {
        let r = start + 1 + i as u32;
        ws.write_string(r, 0, *g).unwrap();
        ws.write_string(r, 1, *f).unwrap();
        ws.write_number(r, 2, *phone).unwrap();
        ws.write_string(r, 3, *email).unwrap();
        let dt = rust_xlsxwriter::ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
        ws.write_datetime_with_format(r, 4, &dt, &date_format)
            .unwrap();
    }
    wb.save(path).unwrap();
}

#[test]
fn xlsx_named_sheet_with_title_row_and_real_dates() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("clients.xlsx");
    write_xlsx(&p, "Clients", true);
    let options = ReadOptions {
        sheet: Some("Clients".into()),
        ..ReadOptions::default()
    };
    let l = load(&p, &options, &gb(), &[]).unwrap();
    assert!(matches!(&l.format, SourceFormat::Workbook { sheet, .. } if sheet == "Clients"));
    assert_eq!(l.header_line, Some(3));
    assert_two_people(&l);
}

#[test]
fn xlsx_first_sheet_is_the_default_and_missing_sheets_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("clients.xlsx");
    write_xlsx(&p, "Clients", false);
    // The first sheet ("Summary") has no identifying column.
    assert_eq!(load_err(&p), "no_usable_column");
    let options = ReadOptions {
        sheet: Some("Nope".into()),
        ..ReadOptions::default()
    };
    let err = load(&p, &options, &gb(), &[]).unwrap_err();
    assert_eq!(err.code(), "sheet_not_found");
    assert!(err.to_string().contains("Clients"), "{err}");
}

fn zip_file(path: &Path, entries: &[(&str, &[u8])]) {
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in entries {
        let method = if *name == "mimetype" {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        z.start_file(
            *name,
            zip::write::SimpleFileOptions::default().compression_method(method),
        )
        .unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap();
}

#[test]
fn ods_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let cell = |t: &str| {
        format!(
            "<table:table-cell office:value-type=\"string\"><text:p>{t}</text:p></table:table-cell>"
        )
    };
    let row = |cells: &[&str]| {
        format!(
            "<table:table-row>{}</table:table-row>",
            cells.iter().map(|c| cell(c)).collect::<String>()
        )
    };
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Sheet1">{}{}{}</table:table></office:spreadsheet></office:body></office:document-content>"#,
        row(&["Full Name", "Mobile", "E-mail", "DOB"]),
        row(&[
            "Zoë Müller",
            "07700 900123",
            "zoe@example.com",
            "25/12/1980"
        ]),
        row(&[
            "Renée Dupont",
            "07700 900456",
            "renee@example.com",
            "03/04/1975"
        ]),
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let p = dir.path().join("clients.ods");
    zip_file(
        &p,
        &[
            (
                "mimetype",
                b"application/vnd.oasis.opendocument.spreadsheet",
            ),
            ("META-INF/manifest.xml", manifest.as_bytes()),
            ("content.xml", content.as_bytes()),
        ],
    );
    let l = load_ok(&p);
    assert!(matches!(&l.format, SourceFormat::Workbook { .. }));
    assert_two_people(&l);
}

#[test]
fn zip_bomb_is_refused_before_opening() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bomb.xlsx");
    let zeros = vec![b' '; 20 * 1024 * 1024];
    zip_file(
        &p,
        &[
            ("[Content_Types].xml", b"<Types/>"),
            ("xl/workbook.xml", b"<workbook/>"),
            ("xl/worksheets/sheet1.xml", &zeros),
        ],
    );
    assert_eq!(load_err(&p), "zip_bomb");
    // The total-size limit applies too.
    let small = dir.path().join("big.xlsx");
    zip_file(
        &small,
        &[
            ("xl/workbook.xml", b"<workbook/>"),
            ("xl/worksheets/sheet1.xml", &[b'x'; 4096]),
        ],
    );
    let tight = ReadOptions {
        limits: ArchiveLimits {
            max_total_uncompressed: 1000,
            ..ArchiveLimits::default()
        },
        ..ReadOptions::default()
    };
    assert_eq!(
        load(&small, &tight, &gb(), &[]).unwrap_err().code(),
        "zip_bomb"
    );
}

#[test]
fn password_protected_workbook_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("locked.xlsx");
    let mut comp = cfb::create(&p).unwrap();
    comp.create_stream("/EncryptionInfo")
        .unwrap()
        .write_all(&[4, 0, 4, 0, 0x40, 0, 0, 0])
        .unwrap();
    comp.create_stream("/EncryptedPackage")
        .unwrap()
        .write_all(&[0u8; 4096])
        .unwrap();
    comp.flush().unwrap();
    drop(comp);
    let err = load(&p, &ReadOptions::default(), &gb(), &[]).unwrap_err();
    assert_eq!(err.code(), "password_protected");
    assert!(err.to_string().contains("remove the password"), "{err}");
}

#[test]
fn bad_files_get_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(load_err(&write(dir.path(), "empty.csv", b"")), "empty_file");
    assert_eq!(
        load_err(&write(dir.path(), "header.csv", b"Name,Email\n")),
        "empty_file"
    );
    assert_eq!(
        load_err(&write(dir.path(), "blank.csv", b"\n\n  \n")),
        "empty_file"
    );
    assert_eq!(
        load_err(&write(
            dir.path(),
            "pic.xlsx",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"
        )),
        "not_a_spreadsheet"
    );
    let binary: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 256) as u8).collect();
    assert_eq!(
        load_err(&write(dir.path(), "noise.csv", &binary)),
        "not_a_spreadsheet"
    );
    let zip_path = dir.path().join("photos.zip");
    zip_file(&zip_path, &[("a.txt", b"hello")]);
    assert_eq!(load_err(&zip_path), "not_a_spreadsheet");
    assert_eq!(
        load_err(&write(
            dir.path(),
            "colours.csv",
            b"Colour,Size\nred,large\nblue,small\n"
        )),
        "no_usable_column"
    );
    assert_eq!(load_err(&dir.path().join("missing.csv")), "io");
    let truncated = dir.path().join("cut.xlsx");
    write_xlsx(&truncated, "Clients", false);
    let bytes = std::fs::read(&truncated).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    assert_eq!(load_err(&truncated), "not_a_spreadsheet");
}
