//! CSV exports that open correctly in a spreadsheet and cannot run anything there.
//!
//! - A UTF-8 byte-order mark first: without it Excel reads the file as Windows-1252 and shows
//!   "Configuração" as "ConfiguraÃ§Ã£o".
//! - Cells are separated the way the reader's spreadsheet expects when it opens a `.csv` by
//!   double-click: `;` in pt-BR (a Brazilian Excel or LibreOffice uses `,` as the decimal mark
//!   and `;` as the list separator, so `,` would put a whole row in one column) and `,` in
//!   English. Decimals use the same language's mark (`42,9` / `42.9`).
//! - What a person typed (names, subjects, values in the audit log) is [`Cell::Typed`]: when it
//!   starts with `=`, `+`, `-`, `@`, a tab or a carriage return, a spreadsheet would read it as a
//!   formula (`=HYPERLINK(…)`, `=cmd|…`), so it gets a leading `'`, which spreadsheets show as
//!   text (OWASP's advice for CSV injection). What Chamado writes itself (dates, ids, codes,
//!   numbers) is [`Cell::Value`] and is written as is.

use crate::domain::Language;
use crate::error::AppError;

const BOM: &[u8] = "\u{feff}".as_bytes();

/// One cell of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Written by a person: neutralised if a spreadsheet would run it.
    Typed(String),
    /// Written by Chamado (a date, an id, a code, a count).
    Value(String),
}

/// A CSV file being written for a reader of `language`.
pub struct Sheet {
    writer: csv::Writer<Vec<u8>>,
    language: Language,
}

fn failed(error: impl std::fmt::Display) -> AppError {
    AppError::from(anyhow::anyhow!("csv: {error}"))
}

/// The text of a typed cell, with a leading `'` when a spreadsheet would read it as a formula.
pub fn neutralised(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

impl Sheet {
    pub fn new(language: Language) -> Sheet {
        let delimiter = match language {
            Language::PtBr => b';',
            Language::En => b',',
        };
        Sheet {
            writer: csv::WriterBuilder::new()
                .delimiter(delimiter)
                .from_writer(BOM.to_vec()),
            language,
        }
    }

    /// The header row (column names are fixed codes, the same in both languages).
    pub fn header(&mut self, names: &[&str]) -> Result<(), AppError> {
        self.writer.write_record(names).map_err(failed)
    }

    pub fn row(&mut self, cells: impl IntoIterator<Item = Cell>) -> Result<(), AppError> {
        let texts = cells.into_iter().map(|cell| match cell {
            Cell::Typed(text) => neutralised(&text),
            Cell::Value(text) => text,
        });
        self.writer.write_record(texts).map_err(failed)
    }

    /// A decimal number with `places` digits after the reader's decimal mark.
    pub fn decimal(&self, value: f64, places: usize) -> Cell {
        let text = format!("{value:.places$}");
        Cell::Value(match self.language {
            Language::PtBr => text.replace('.', ","),
            Language::En => text,
        })
    }

    pub fn finish(self) -> Result<String, AppError> {
        let bytes = self.writer.into_inner().map_err(failed)?;
        String::from_utf8(bytes).map_err(failed)
    }
}

impl Cell {
    pub fn value(value: impl ToString) -> Cell {
        Cell::Value(value.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet_of(language: Language, rows: Vec<Vec<Cell>>) -> String {
        let mut sheet = Sheet::new(language);
        sheet.header(&["name", "note", "rate"]).unwrap();
        for row in rows {
            sheet.row(row).unwrap();
        }
        sheet.finish().unwrap()
    }

    #[test]
    fn brazilian_files_start_with_a_bom_and_separate_cells_with_semicolons() {
        let mut sheet = Sheet::new(Language::PtBr);
        let rate = sheet.decimal(42.94, 1);
        sheet.header(&["name", "rate"]).unwrap();
        sheet
            .row([Cell::Typed("Configuração; ajuda".into()), rate])
            .unwrap();
        let text = sheet.finish().unwrap();
        assert!(text.starts_with('\u{feff}'));
        assert_eq!(
            text.trim_start_matches('\u{feff}'),
            "name;rate\n\"Configuração; ajuda\";42,9\n"
        );
    }

    #[test]
    fn english_files_use_commas_and_decimal_points() {
        let sheet = Sheet::new(Language::En);
        let rate = sheet.decimal(0.8756, 3);
        let text = sheet_of(
            Language::En,
            vec![vec![Cell::Typed("Ana".into()), Cell::value(""), rate]],
        );
        assert_eq!(
            text.trim_start_matches('\u{feff}'),
            "name,note,rate\nAna,,0.876\n"
        );
    }

    #[test]
    fn typed_text_a_spreadsheet_would_run_is_kept_as_text() {
        for formula in [
            "=HYPERLINK(\"http://x\")",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(neutralised(formula), format!("'{formula}"));
        }
        for plain in ["Ana", "1-2", "e-mail", "", "'já citado"] {
            assert_eq!(neutralised(plain), plain);
        }
        // Values Chamado writes itself are untouched (a negative number stays a number).
        let text = sheet_of(
            Language::PtBr,
            vec![vec![
                Cell::Typed("=1+1".into()),
                Cell::value(-3),
                Cell::value("x"),
            ]],
        );
        assert!(text.ends_with("'=1+1;-3;x\n"), "{text}");
    }
}
