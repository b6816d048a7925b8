//! Showing untrusted text safely.
//!
//! A report's words, a subject's name, an attachment's name and a reply's text all come from
//! someone else, and a terminal obeys some characters instead of showing them: ESC starts escape
//! sequences that recolour, erase lines, set the window title or write the clipboard (OSC 52), a
//! carriage return overwrites the line, and the Unicode bidirectional controls reorder what is
//! shown ("invoice\u{202E}fdp.exe" looks like "invoiceexe.pdf"). [`for_terminal`] replaces each of
//! them with a visible stand-in, so a reviewer sees exactly what was sent and nothing acts on
//! their terminal. Line feeds and tabs are kept.

use std::borrow::Cow;

/// Whether a character must not reach a terminal or a page as itself.
fn is_dangerous(c: char) -> bool {
    match c {
        '\n' | '\t' => false,
        // C0 controls, DEL and C1 controls.
        c if c.is_control() => true,
        // Bidirectional embeddings, overrides and isolates, directional marks, and invisible
        // characters that hide or join text.
        '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' => true,
        '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}' => true,
        _ => false,
    }
}

/// `text` with every control, bidirectional and invisible formatting character replaced by a
/// visible stand-in: C0 controls by their Unicode control pictures (ESC shows as `␛`), others
/// as `<U+202E>`. Unchanged (and not copied) when there is nothing to replace.
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_dangerous) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if !is_dangerous(c) {
            out.push(c);
        } else if (c as u32) < 0x20 {
            out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'));
        } else if c == '\u{7F}' {
            out.push('\u{2421}');
        } else {
            out.push_str(&format!("<U+{:04X}>", c as u32));
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_are_shown_not_obeyed() {
        assert!(matches!(for_terminal("plain words\n\tindented"), Cow::Borrowed(_)));
        let hostile = "red \u{1b}[31mtext\u{7}, title \u{1b}]0;owned\u{7}, clipboard \u{1b}]52;c;Zm9v\u{7}, \
                       erase \u{1b}[2K\r, invoice\u{202E}fdp.exe, \u{9b}31m, \u{2067}isolate\u{2069}";
        let shown = for_terminal(hostile);
        for c in shown.chars() {
            assert!(!is_dangerous(c), "{c:?} left in {shown}");
        }
        assert!(shown.contains("\u{241B}[31m") && shown.contains("\u{240D}"), "{shown}");
        assert!(shown.contains("invoice<U+202E>fdp.exe"), "{shown}");
        assert!(shown.contains("<U+009B>31m") && shown.contains("<U+2067>isolate<U+2069>"), "{shown}");
        assert_eq!(for_terminal("\u{7f}"), "\u{2421}");
    }
}
