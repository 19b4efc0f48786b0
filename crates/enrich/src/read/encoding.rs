//! Text encodings of CSV files: detect UTF-8 / UTF-16 LE / UTF-16 BE / Windows-1252 from the
//! first bytes, and decode a byte stream to UTF-8 on the fly (nothing is held twice).

use encoding_rs::{Decoder, Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};
use std::io::{self, Read};

/// The encoding a CSV file was found to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TextEncoding {
    /// UTF-8 (with or without BOM).
    Utf8,
    /// UTF-16 little endian.
    Utf16Le,
    /// UTF-16 big endian.
    Utf16Be,
    /// Windows-1252 (Excel's "CSV" on Western Windows machines).
    Windows1252,
}

impl TextEncoding {
    fn encoding(self) -> &'static Encoding {
        match self {
            TextEncoding::Utf8 => UTF_8,
            TextEncoding::Utf16Le => UTF_16LE,
            TextEncoding::Utf16Be => UTF_16BE,
            TextEncoding::Windows1252 => WINDOWS_1252,
        }
    }
}

/// What the first bytes say: the encoding, whether a BOM was present (and how long it is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detected {
    /// Detected encoding.
    pub encoding: TextEncoding,
    /// Length of the byte-order mark, 0 when absent.
    pub bom_len: usize,
}

/// Detects the encoding from a prefix of the file (a few KiB is plenty).
///
/// BOM first; without one, valid UTF-8 wins, then UTF-16 recognised by its zero bytes in
/// alternate positions (ASCII text), then Windows-1252 as the fallback for any other bytes.
pub fn detect(prefix: &[u8]) -> Detected {
    if let Some((enc, len)) = Encoding::for_bom(prefix) {
        let encoding = if enc == UTF_16LE {
            TextEncoding::Utf16Le
        } else if enc == UTF_16BE {
            TextEncoding::Utf16Be
        } else {
            TextEncoding::Utf8
        };
        return Detected {
            encoding,
            bom_len: len,
        };
    }
    let encoding = if utf8_prefix_valid(prefix) {
        TextEncoding::Utf8
    } else if let Some(enc) = utf16_without_bom(prefix) {
        enc
    } else {
        TextEncoding::Windows1252
    };
    Detected {
        encoding,
        bom_len: 0,
    }
}

/// Valid UTF-8, allowing the prefix to end in the middle of a multi-byte character.
fn utf8_prefix_valid(prefix: &[u8]) -> bool {
    if prefix.contains(&0) {
        return false;
    }
    match std::str::from_utf8(prefix) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && prefix.len() - e.valid_up_to() < 4,
    }
}

fn utf16_without_bom(prefix: &[u8]) -> Option<TextEncoding> {
    let pairs = prefix.len() / 2;
    if pairs < 2 {
        return None;
    }
    let even_zero = prefix.chunks_exact(2).filter(|p| p[0] == 0).count();
    let odd_zero = prefix.chunks_exact(2).filter(|p| p[1] == 0).count();
    if odd_zero * 10 >= pairs * 6 && even_zero * 10 < pairs {
        Some(TextEncoding::Utf16Le)
    } else if even_zero * 10 >= pairs * 6 && odd_zero * 10 < pairs {
        Some(TextEncoding::Utf16Be)
    } else {
        None
    }
}

/// A reader that decodes another reader's bytes into UTF-8 as they are read.
pub struct DecodingReader<R> {
    inner: R,
    decoder: Decoder,
    raw: Vec<u8>,
    raw_start: usize,
    raw_end: usize,
    out: Vec<u8>,
    out_start: usize,
    out_end: usize,
    eof: bool,
    finished: bool,
}

impl<R: Read> DecodingReader<R> {
    /// Wraps `inner`, whose BOM (if any) has already been consumed.
    pub fn new(inner: R, encoding: TextEncoding) -> Self {
        DecodingReader {
            inner,
            decoder: encoding.encoding().new_decoder_without_bom_handling(),
            raw: vec![0; 64 * 1024],
            raw_start: 0,
            raw_end: 0,
            out: vec![0; 3 * 64 * 1024 + 16],
            out_start: 0,
            out_end: 0,
            eof: false,
            finished: false,
        }
    }

    fn refill(&mut self) -> io::Result<()> {
        while self.out_start == self.out_end && !self.finished {
            if self.raw_start == self.raw_end && !self.eof {
                let n = self.inner.read(&mut self.raw)?;
                self.raw_start = 0;
                self.raw_end = n;
                self.eof = n == 0;
            }
            let last = self.eof;
            let (_, read, written, _) = self.decoder.decode_to_utf8(
                &self.raw[self.raw_start..self.raw_end],
                &mut self.out,
                last,
            );
            self.raw_start += read;
            self.out_start = 0;
            self.out_end = written;
            if last && self.raw_start == self.raw_end {
                self.finished = true;
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.refill()?;
        let n = buf.len().min(self.out_end - self.out_start);
        buf[..n].copy_from_slice(&self.out[self.out_start..self.out_start + n]);
        self.out_start += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(bytes: &[u8]) -> String {
        let d = detect(&bytes[..bytes.len().min(4096)]);
        let mut r = DecodingReader::new(&bytes[d.bom_len..], d.encoding);
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        s
    }

    #[test]
    fn detects_utf16_le_with_and_without_bom() {
        let text = "Name,Phone\nZoë,555\n";
        let mut le: Vec<u8> = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        assert_eq!(detect(&le).encoding, TextEncoding::Utf16Le);
        assert_eq!(decode_all(&le), text);
        let bare: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(detect(&bare).encoding, TextEncoding::Utf16Le);
        assert_eq!(decode_all(&bare), text);
    }

    #[test]
    fn detects_utf16_be_with_bom() {
        let text = "Name;Phone\nJosé;555\n";
        let mut be: Vec<u8> = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(|u| u.to_be_bytes()));
        assert_eq!(detect(&be).encoding, TextEncoding::Utf16Be);
        assert_eq!(decode_all(&be), text);
    }

    #[test]
    fn falls_back_to_windows_1252_for_invalid_utf8() {
        let bytes = b"Name\nRen\xe9e M\xfcller\n";
        assert_eq!(detect(bytes).encoding, TextEncoding::Windows1252);
        assert_eq!(decode_all(bytes), "Name\nRenée Müller\n");
    }

    #[test]
    fn utf8_cut_mid_character_is_still_utf8() {
        let s = "abcé".as_bytes();
        assert_eq!(detect(&s[..s.len() - 1]).encoding, TextEncoding::Utf8);
    }

    #[test]
    fn decodes_across_buffer_boundaries() {
        let text: String = "Zoë,".repeat(50_000);
        let mut le: Vec<u8> = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        assert_eq!(decode_all(&le), text);
    }
}
