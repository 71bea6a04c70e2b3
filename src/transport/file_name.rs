//! A file name a server offers, made one that can always be saved: no path, no character
//! that hides or fakes one, and short enough for any file system once a temporary suffix is
//! added while writing.

/// The longest name offered, in bytes of UTF-8: room is left under the usual 255-byte
/// limit for a caller's own prefix or suffix.
pub(crate) const MAX_NAME_BYTES: usize = 200;

/// The longest file name most file systems take (ext4, APFS, NTFS in UTF-16 units, …).
const MAX_FS_NAME_BYTES: usize = 255;

/// An extension longer than this is not one (`.csv`, `.xlsx`, `.tar.gz` fit; a dot in the
/// middle of a long name does not make what follows an extension).
const MAX_EXTENSION_BYTES: usize = 16;

/// What stands in for a character a name must not hold.
const REPLACEMENT: char = '_';

/// `name` with every control, bidirectional-formatting and look-alike separator character
/// replaced, cut to [`MAX_NAME_BYTES`] on a character boundary with its extension kept.
pub(crate) fn safe_file_name(name: &str) -> String {
    let clean: String =
        name.chars().map(|c| if is_forbidden(c) { REPLACEMENT } else { c }).collect();
    shorten_keeping_extension(&clean, MAX_NAME_BYTES)
}

/// Control characters, the bidirectional marks and overrides that make `exe.csv` display as
/// `vsc.exe`, and the characters that look like `/` or `\` without being one.
pub(super) fn is_forbidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            // Left-to-right and right-to-left marks, the Arabic letter mark.
            '\u{200E}' | '\u{200F}' | '\u{061C}'
            // Embeddings, overrides and their terminator; isolates and theirs.
            | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
            // Slashes: fraction, division, big solidus, fullwidth, small, box drawing.
            | '\u{2044}' | '\u{2215}' | '\u{29F8}' | '\u{FF0F}' | '\u{2571}'
            // Backslashes: set minus, big reverse solidus, fullwidth, small, box drawing.
            | '\u{2216}' | '\u{29F9}' | '\u{FF3C}' | '\u{FE68}' | '\u{2572}'
        )
}

/// `name` in at most `max` bytes: its stem is cut on a character boundary and its
/// extension kept, when it has a short one.
fn shorten_keeping_extension(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_owned();
    }
    let extension = name
        .rfind('.')
        .filter(|&dot| dot > 0 && name.len() - dot <= MAX_EXTENSION_BYTES.min(max / 2))
        .map_or("", |dot| &name[dot..]);
    let stem = &name[..name.len() - extension.len()];
    format!("{}{extension}", cut_at_char_boundary(stem, max - extension.len()))
}

/// The longest start of `text` in at most `max` bytes that ends on a character boundary.
fn cut_at_char_boundary(text: &str, max: usize) -> &str {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The name of the temporary file written beside `name` before it is renamed to it:
/// `.{name}.{unique}.part`, with `name` cut so that the whole stays within 255 bytes even
/// when `name` itself is 255 bytes long.
pub(crate) fn partial_file_name(name: &str, unique: &str) -> String {
    let room =
        MAX_FS_NAME_BYTES.saturating_sub(".".len() + ".".len() + unique.len() + ".part".len());
    format!(".{}.{unique}.part", cut_at_char_boundary(name, room))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_name_is_cut_to_200_bytes_on_a_char_boundary_keeping_its_extension() {
        for stem in ["a".repeat(1_000), "é".repeat(500), "日本".repeat(300)] {
            let name = safe_file_name(&format!("{stem}.csv"));
            assert!(name.len() <= MAX_NAME_BYTES, "{} bytes", name.len());
            assert!(name.len() > MAX_NAME_BYTES - 4, "cut more than needed: {}", name.len());
            assert!(name.ends_with(".csv"), "{name}");
            assert!(stem.starts_with(name.trim_end_matches(".csv")));
        }
        let no_extension = safe_file_name(&format!("report.{}", "x".repeat(300)));
        assert_eq!(no_extension.len(), MAX_NAME_BYTES);
        assert!(no_extension.starts_with("report.xxx"), "{no_extension}");
        assert_eq!(safe_file_name("r-1.csv"), "r-1.csv");
    }

    #[test]
    fn control_bidi_and_look_alike_separators_are_replaced() {
        assert_eq!(safe_file_name("invoice\u{202E}vsc.exe"), "invoice_vsc.exe");
        for bidi in ['\u{200E}', '\u{200F}', '\u{202A}', '\u{202C}', '\u{2066}', '\u{2069}'] {
            assert_eq!(safe_file_name(&format!("a{bidi}b.txt")), "a_b.txt", "{bidi:?}");
        }
        assert_eq!(safe_file_name("..\u{2215}..\u{2215}etc\u{2215}passwd"), ".._.._etc_passwd");
        for separator in ['\u{2044}', '\u{FF0F}', '\u{29F8}', '\u{FF3C}', '\u{29F9}', '\u{2216}'] {
            assert_eq!(safe_file_name(&format!("a{separator}b")), "a_b", "{separator:?}");
        }
        assert_eq!(safe_file_name("a\nb\tc\u{7}\u{85}.csv"), "a_b_c__.csv");
        assert_eq!(safe_file_name("relátório.csv"), "relátório.csv");
    }

    #[test]
    fn the_temporary_name_of_a_255_byte_name_stays_within_255_bytes() {
        let unique = "0123456789abcdef0123456789abcdef";
        for name in ["n".repeat(255), "é".repeat(127), "x.csv".to_owned()] {
            let partial = partial_file_name(&name, unique);
            assert!(partial.len() <= 255, "{} bytes", partial.len());
            assert!(
                partial.starts_with(&format!(".{}", name.chars().next().unwrap())),
                "{partial}"
            );
            assert!(partial.ends_with(&format!(".{unique}.part")), "{partial}");
        }
        assert_eq!(partial_file_name("x.csv", "u"), ".x.csv.u.part");
    }
}
